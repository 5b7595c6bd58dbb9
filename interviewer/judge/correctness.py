"""The ``correctness`` criterion of a coding answer, scored from the task's hidden tests.

A question with a coding task (``interviewer.coding``) is graded in two parts: the judge (offline or
LLM) scores the rubric's criteria — design, complexity, explanation — from the prose and the code,
then :func:`apply_correctness`, the one function both judges share, adds ``correctness``:

- score 0-4 from the fraction of hidden tests that pass: 4 only when every test passes, otherwise
  ``floor(4 * passed / total)`` (one failure in four is a 3; a crash, a timeout or no code is a 0);
- the failing tests (name and assertion message) are its evidence: what to fix, not a quote;
- its weight is that of the rubric's heaviest criterion (the rubric weights sum to 1, so the overall
  becomes ``(overall + 100 * w * score / 4) / (1 + w)``): running code counts as much as the most
  important thing the rubric asks, and never drowns the rest;
- when the task needs a package that is not installed (torch), or the sandbox itself fails, the tests
  cannot say anything: the criterion is left out of the weight and the grade says why (and how to
  install what is missing) — never a 0;
- code the candidate did not submit scores 0 ("no code submitted"): a coding question answered in
  prose alone must not score above one whose code fails.
"""

from __future__ import annotations

import asyncio
import math
import re
from typing import TYPE_CHECKING, Any

from interviewer.domain import CriterionGrade, Grade, Lang, Question
from interviewer.messages import msg

if TYPE_CHECKING:
    from interviewer.coding import CodingTask

CRITERION = "correctness"
MAX_FAILURES_SHOWN = 8
"""Failing tests listed as evidence (the rest are counted)."""
MESSAGE_CHARS = 240

_FENCED = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def name(lang: Lang) -> str:
    return msg("correctness.name", lang)


def _say(lang: str, key: str, **values: Any) -> str:
    """A hidden-test message (``correctness.KEY`` in interviewer/messages.py)."""
    return msg(f"correctness.{key}", lang, **values)


def weight(question: Question) -> float:
    """The criterion's weight: that of the rubric's heaviest criterion."""
    return max(c.weight for c in question.rubric.criteria)


def score(passed: int, total: int) -> int:
    """0-4 from the hidden tests: 4 only when all pass."""
    if total <= 0 or passed <= 0:
        return 0
    if passed >= total:
        return 4
    return min(3, math.floor(4 * passed / total))


def code_in(answer: str) -> str:
    """The fenced code blocks of an answer, joined: the code of a candidate who pasted it into the
    answer instead of submitting it apart ('' when there is none)."""
    return "\n\n".join(m.group(2).rstrip() for m in _FENCED.finditer(answer)).strip()


def judged_text(answer: str, code: str) -> str:
    """What the judge reads: the prose, then the code as a fenced block (so the guards read it as
    code, never as a term list or padding). A fence the code itself uses is avoided."""
    if not code.strip():
        return answer
    if code.strip() in answer:
        return answer  # already pasted in the answer
    fence = "~~~" if re.search(r"(?m)^[ \t]*```", code) else "```"
    block = f"{fence}python\n{code.rstrip()}\n{fence}"
    return f"{answer.rstrip()}\n\n{block}" if answer.strip() else block


def task_for(question_id: str) -> CodingTask | None:
    """The question's coding task, or None (no task; or a broken task directory, which `bank
    validate` reports: grading goes on without the criterion rather than fail the answer)."""
    try:
        from interviewer.coding import load_task
        from interviewer.coding.task import TaskError
    except ImportError:
        return None
    try:
        return load_task(question_id)
    except TaskError:
        return None


def skipped_run(task: CodingTask, missing: list[str]) -> dict[str, Any]:
    """The public record of hidden tests that could not run for lack of ``missing`` packages."""
    from interviewer.coding import TestRun

    run = TestRun(status="skipped", detail=task.install_hint(missing), hidden=True, question_id=task.question_id)
    return run.public()


async def hidden_tests(question_id: str, code: str, *, timeout_s: float | None = None) -> dict[str, Any] | None:
    """Run the hidden tests of ``question_id``'s task on ``code`` (in the sandbox, off the event
    loop); the public record of the run, or None when the question has no task."""
    task = await asyncio.to_thread(task_for, question_id)  # file reads: off the event loop
    if task is None:
        return None
    from interviewer.coding import missing_requirements, run_tests_async

    missing = await asyncio.to_thread(missing_requirements, task)
    if missing:
        return skipped_run(task, list(missing))
    if not code.strip():
        return None
    try:
        run = await run_tests_async(task, code, hidden=True, timeout_s=timeout_s)
    except Exception as exc:  # the sandbox itself failed: the candidate's code says nothing either way
        from interviewer.coding import TestRun

        why = " ".join(f"the hidden tests could not run ({type(exc).__name__}: {exc})".split())[:300]
        return TestRun(status="skipped", detail=why, hidden=True, question_id=task.question_id).public()
    return dict(run.public())


def apply_correctness(
    grade: Grade, question: Question, run: dict[str, Any] | None, lang: Lang, *, code_given: bool = True
) -> Grade:
    """``grade`` with the ``correctness`` criterion added from the hidden-test ``run`` (its public
    record, which the grade keeps in ``tests``) and the overall reweighted. ``run`` None with
    ``code_given`` False: no code was submitted (0). A skipped run leaves the criterion out."""
    if any(c.id == CRITERION for c in grade.criteria):
        return grade  # applied already
    w = weight(question)
    if run is None and code_given:
        return grade
    if run is not None and run.get("status") == "skipped":
        note = _say(lang, "skipped", why=str(run.get("detail") or "the tests could not run"))
        summary = f"{name(lang)}: {note}."
        return grade.model_copy(update={"tests": run, "summary": f"{summary} {grade.summary}".strip()})
    if run is None:
        criterion = CriterionGrade(id=CRITERION, score=0, reason=_say(lang, "no_code"))
    else:
        criterion = _criterion(run, lang)
    overall = (grade.overall + 100.0 * w * criterion.score / 4) / (1 + w)
    spread = None if grade.spread is None else round(grade.spread / (1 + w), 1)
    return grade.model_copy(
        update={
            "criteria": [criterion, *grade.criteria],
            "overall": round(overall, 1),
            "spread": spread,
            "tests": run,
        }
    )


def _criterion(run: dict[str, Any], lang: Lang) -> CriterionGrade:
    passed, total = int(run.get("passed") or 0), int(run.get("total") or 0)
    status = str(run.get("status") or "")
    s = score(passed, total)
    if total and passed >= total:
        reason = _say(lang, "all", total=total)
    elif passed:
        reason = _say(lang, "some", passed=passed, total=total)
    else:
        reason = _say(lang, "none_run", status=status or "failed")
    detail = str(run.get("detail") or "").strip()
    if detail and status in ("error", "timeout", "killed"):
        reason += f" — {_one_line(detail, MESSAGE_CHARS)}"
    if run.get("time_s") is not None:
        reason += f" ({_say(lang, 'took', time=float(run.get('time_s') or 0), mb=float(run.get('peak_mb') or 0))})"
    failing = [t for t in run.get("tests") or [] if isinstance(t, dict) and not t.get("passed")]
    evidence = [
        _say(lang, "fail", name=str(t.get("name", "?")), message=_one_line(str(t.get("message") or ""), MESSAGE_CHARS))
        for t in failing[:MAX_FAILURES_SHOWN]
    ]
    if len(failing) > MAX_FAILURES_SHOWN:
        evidence.append(_say(lang, "more", n=len(failing) - MAX_FAILURES_SHOWN))
    return CriterionGrade(
        id=CRITERION,
        score=s,
        reason=reason,
        evidence=evidence,
        missing=[str(t.get("name", "?")) for t in failing],
    )


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
