"""Checks that ``bank validate`` runs on the coding tasks: every directory loads, belongs to a known
question, its Python files compile, it has at least three mutants, and its reference passes every
public and hidden test in the sandbox. Each problem names the file."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from interviewer.coding.runner import run_tests
from interviewer.coding.task import TaskError, load_task, missing_requirements, task_ids, tasks_dir

MIN_MUTANTS = 3


def validate_tasks(question_ids: Container[str] | None = None, root: Path | None = None) -> list[str]:
    """One ``file: message`` line per problem; [] when every task is sound."""
    base = root or tasks_dir()
    issues: list[str] = []
    for tid in task_ids(base):
        try:
            task = load_task(tid, root=base)
        except TaskError as exc:
            issues.append(str(exc))
            continue
        if task is None:
            continue
        if question_ids is not None and tid not in question_ids:
            issues.append(f"{task.directory}: no question with id {tid!r} in the bank")
        for file in [task.directory / n for n in ("starter.py", "tests_public.py", "tests_hidden.py", "reference.py")]:
            try:
                compile(file.read_text(encoding="utf-8"), str(file), "exec")
            except SyntaxError as exc:
                issues.append(f"{file}:{exc.lineno}: {exc.msg}")
        if len(task.mutants()) < MIN_MUTANTS:
            issues.append(f"{task.directory / 'mutants'}: {len(task.mutants())} mutants (at least {MIN_MUTANTS})")
        if missing_requirements(task):
            continue
        for hidden in (False, True):
            run = run_tests(task, task.reference.read_text(encoding="utf-8"), hidden=hidden)
            if run.status != "passed":
                kind = "hidden" if hidden else "public"
                failing = ", ".join(f"{t.name} ({t.message})" for t in run.tests if not t.passed)
                issues.append(
                    f"{task.reference}: {kind} tests {run.summary()}" + (f"; failing: {failing}" if failing else "")
                )
    return issues
