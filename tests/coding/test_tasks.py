"""Every task's reference passes all its tests, every mutant fails at least one hidden test, every
coding question of the bank has a task, and broken task directories are reported by file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from interviewer.coding import TaskError, TestRun, load_task, missing_requirements, run_tests, task_ids, tasks_dir

TASKS = task_ids()
MUTANTS = [(tid, m.name) for tid in TASKS for m in load_task(tid).mutants()]  # type: ignore[union-attr]


def _task(tid: str):
    task = load_task(tid)
    assert task is not None
    if missing_requirements(task):
        pytest.skip(f"{tid} needs {missing_requirements(task)}")
    return task


def test_every_coding_question_has_a_task():
    questions = yaml.safe_load((tasks_dir().parent / "questions" / "coding.yaml").read_text(encoding="utf-8"))
    ids = {q["id"] for q in questions if q["id"].startswith("code-")}
    assert ids <= set(TASKS), f"coding questions without a task: {sorted(ids - set(TASKS))}"


@pytest.mark.parametrize("tid", TASKS)
def test_task_is_complete(tid):
    task = load_task(tid)
    assert task is not None
    assert task.statement["zh"].strip() and task.statement["en"].strip()
    assert len(task.mutants()) >= 3, f"{tid} has {len(task.mutants())} mutants (at least 3)"


@pytest.mark.parametrize("hidden", [False, True], ids=["public", "hidden"])
@pytest.mark.parametrize("tid", TASKS)
def test_reference_passes_everything(tid, hidden):
    task = _task(tid)
    run = run_tests(task, task.reference.read_text(encoding="utf-8"), hidden=hidden)
    assert run.status == "passed", (
        f"{run.summary()} failing: {[(t.name, t.message) for t in run.tests if not t.passed]}"
    )
    assert run.passed == run.total >= 2


@pytest.mark.parametrize(("tid", "mutant"), MUTANTS)
def test_mutant_fails_a_hidden_test(tid, mutant):
    task = _task(tid)
    run = run_tests(task, (task.directory / "mutants" / mutant).read_text(encoding="utf-8"), hidden=True)
    assert run.status == "failed", run.summary()
    assert run.failed_names, f"mutant {mutant} passed every hidden test"


@pytest.mark.parametrize("tid", TASKS)
def test_starter_runs_and_fails_cleanly(tid):
    task = _task(tid)
    run = run_tests(task, task.starter)
    assert run.status == "failed", run.summary()
    assert run.total == len(run.tests) > 0 and run.passed < run.total


def test_missing_requirement_is_skipped_with_install_hint(tmp_path):
    src = tasks_dir() / "code-react-agent"
    dst = tmp_path / "code-react-agent"
    shutil.copytree(src, dst)
    (dst / "task.yaml").write_text("requires: [torch_that_is_not_installed]\n")
    task = load_task("code-react-agent", root=tmp_path)
    assert task is not None
    run = run_tests(task, task.reference.read_text())
    assert run.status == "skipped"
    assert "pip install torch_that_is_not_installed" in run.detail
    assert TestRun.from_public(run.public()) == run


def test_broken_task_directory_names_the_file(tmp_path):
    dst = tmp_path / "code-x"
    shutil.copytree(tasks_dir() / "code-react-agent", dst)
    (dst / "tests_hidden.py").unlink()
    with pytest.raises(TaskError, match=r"code-x/tests_hidden\.py: missing"):
        load_task("code-x", root=tmp_path)
    (dst / "tests_hidden.py").write_text("")
    (dst / "task.yaml").write_text("requires: numpy\n")
    with pytest.raises(TaskError, match=r"task\.yaml: \[requires\]"):
        load_task("code-x", root=tmp_path)
    assert load_task("no-such-question", root=tmp_path) is None
    assert load_task("../etc") is None


def test_test_run_round_trips_and_sanitises():
    task = _task("code-rag-framework")
    code = task.reference.read_text() + "\nprint('\\x1b]52;c;evil\\x07 hi')\n"
    run = run_tests(task, code)
    assert "\x1b" not in run.output and "␛" in run.output
    assert TestRun.from_public(run.public()).public() == run.public()
    tampered = {**run.public(), "status": "bogus", "detail": "\x1b[2J" + "x" * 5000}
    back = TestRun.from_public(tampered)
    assert back.status == "error" and "\x1b" not in back.detail and len(back.detail) < 700


def test_syntax_error_is_an_error_with_the_line():
    task = _task("code-rag-framework")
    run = run_tests(task, "def broken(:\n    pass\n")
    assert run.status == "error"
    assert "your code failed to import: SyntaxError" in run.detail and "line 1" in run.detail


def test_a_library_the_task_does_not_provide_is_named_with_what_it_runs_with():
    # torch in a NumPy task: its native libraries are not loaded under the guard, and "ctypes.dlopen is
    # not allowed" alone does not tell the candidate to write it with NumPy
    task = _task("code-sliding-window-attention")
    run = run_tests(task, "import math\nimport torch\n\ndef sliding_window_attention(q, k, v, window):\n    pass\n")
    assert run.status == "error" and run.total == 0
    assert "solution.py:2" in run.detail
    assert "torch is not available to this task: it runs with numpy and the standard library only" in run.detail
    from interviewer.report import tests_headline

    assert tests_headline(run.public(), "en").startswith("Hidden tests: not run (error")
    # a missing name from a module the task does provide is the candidate's own error, with no hint
    other = run_tests(task, "from numpy import no_such_function\n")
    assert (
        other.status == "error" and "ImportError" in other.detail and "not available to this task" not in other.detail
    )


def test_code_without_the_tasks_function_is_told_which_one_the_tests_call():
    task = _task("code-react-agent")
    run = run_tests(task, "def react(question, llm, tools):\n    return ''\n", hidden=True)
    assert run.status == "error" and "cannot import name 'run_agent'" in run.detail
    assert "the tests call run_agent" in run.detail and "interviewer code show code-react-agent" in run.detail


def test_data_coding_ships_in_the_wheel():
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"data" = "interviewer/_bundled/data"' in text
