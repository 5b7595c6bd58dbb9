"""Grading a coding answer: the hidden tests score ``correctness``, both judges alike.

Real sandbox runs of the bank's tasks (reference solutions and mutants), the real offline judge,
and the LLM judge through a scripted fake model.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from interviewer.coding import load_task, missing_requirements, task_ids
from interviewer.domain import CriterionGrade, Grade
from interviewer.judge import correctness
from interviewer.judge.correctness import CRITERION, apply_correctness, score
from interviewer.llm.fake import FakeLLM

PROSE = "I keep a ring buffer of the last W keys and values and mask what lies outside the window."
TASKS = task_ids()


def _crit(grade: Grade) -> CriterionGrade | None:
    return next((c for c in grade.criteria if c.id == CRITERION), None)


def _grade(services: Any, qid: str, answer: str, **kw: Any) -> Grade:
    question = services.bank.questions[qid]
    grade, fallback = asyncio.run(services.judge().grade(question, answer, "en", **kw))
    assert fallback is None
    return grade


def test_score_from_the_fraction_passed() -> None:
    assert [score(p, 8) for p in range(9)] == [0, 0, 1, 1, 2, 2, 3, 3, 4]
    assert score(0, 0) == 0 and score(3, 4) == 3 and score(4, 4) == 4


def test_reweighting_takes_the_heaviest_criterion(services: Any) -> None:
    question = services.bank.questions["code-sliding-window-attention"]
    w = correctness.weight(question)
    assert w == max(c.weight for c in question.rubric.criteria) == 0.25
    base = Grade(question_id=question.id, overall=60.0, criteria=[CriterionGrade(id="x", score=2)])
    run = {"status": "failed", "passed": 6, "total": 8, "tests": [{"name": "t_bad", "passed": False, "message": "m"}]}
    graded = apply_correctness(base, question, run, "en")
    assert _crit(graded) is not None and _crit(graded).score == 3  # type: ignore[union-attr]
    assert graded.overall == pytest.approx((60 + 100 * 0.25 * 3 / 4) / 1.25, abs=0.05)
    assert graded.tests == run
    assert _crit(graded).evidence == ["✗ t_bad: m"] and _crit(graded).missing == ["t_bad"]  # type: ignore[union-attr]
    # applying twice changes nothing
    assert apply_correctness(graded, question, run, "en") == graded


@pytest.mark.parametrize("qid", TASKS)
def test_reference_scores_4_and_every_mutant_less(services: Any, qid: str) -> None:
    task = load_task(qid)
    assert task is not None
    if missing_requirements(task):
        pytest.skip(f"{qid} needs {missing_requirements(task)} (the missing case is tested below)")
    reference = _grade(services, qid, PROSE, code=task.reference.read_text(encoding="utf-8"))
    ref = _crit(reference)
    assert ref is not None and ref.score == 4, ref
    assert reference.tests is not None and reference.tests["status"] == "passed"
    assert reference.tests["passed"] == reference.tests["total"] > 0
    assert not {"keyword_stuffing", "padding", "too_short"} & set(reference.flags)
    assert task.mutants(), f"{qid} has no mutants"
    for mutant in task.mutants():
        graded = _grade(services, qid, PROSE, code=mutant.read_text(encoding="utf-8"))
        got = _crit(graded)
        assert got is not None and got.score < 4, (mutant.name, got)
        failing = [t["name"] for t in graded.tests["tests"] if not t["passed"]]  # type: ignore[index]
        assert failing and got.missing == failing
        assert all(e.startswith("✗ ") for e in got.evidence) and failing[0] in got.evidence[0]


def test_code_alone_is_never_stuffing_or_padding(services: Any) -> None:
    qid = "code-sliding-window-attention"
    code = load_task(qid).reference.read_text(encoding="utf-8")  # type: ignore[union-attr]
    for prose in ("", "Done.", PROSE):
        graded = _grade(services, qid, prose, code=code)
        assert not {"keyword_stuffing", "padding", "too_short", "empty"} & set(graded.flags), (prose, graded.flags)
        assert _crit(graded).score == 4  # type: ignore[union-attr]


def test_code_pasted_in_the_answer_is_run(services: Any) -> None:
    qid = "code-sliding-window-attention"
    code = load_task(qid).reference.read_text(encoding="utf-8")  # type: ignore[union-attr]
    graded = _grade(services, qid, f"{PROSE}\n\n```python\n{code}\n```\n")
    assert _crit(graded).score == 4 and graded.tests["status"] == "passed"  # type: ignore[union-attr,index]


def test_no_code_scores_correctness_0(services: Any) -> None:
    graded = _grade(services, "code-sliding-window-attention", PROSE)
    got = _crit(graded)
    assert got is not None and got.score == 0 and "no code" in got.reason
    assert graded.tests is None


def test_a_question_without_a_task_gets_no_correctness(services: Any) -> None:
    graded = _grade(services, "llm-rope-vs-alibi", "RoPE rotates query and key pairs.", code="print(1)")
    assert _crit(graded) is None and graded.tests is None


def test_missing_requirement_leaves_the_criterion_out(services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    qid = "code-sliding-window-attention"
    task = load_task(qid)
    assert task is not None
    code = task.reference.read_text(encoding="utf-8")
    judge_only = _grade(services, "code-sliding-window-attention", PROSE, code=code)
    needs = dataclasses.replace(task, requires=("interviewer_no_such_package",))
    monkeypatch.setattr(correctness, "task_for", lambda _qid: needs)
    graded = _grade(services, qid, PROSE, code=code)
    assert _crit(graded) is None  # left out: never a 0
    assert graded.tests is not None and graded.tests["status"] == "skipped"
    assert "interviewer_no_such_package" in graded.tests["detail"]
    assert "not graded" in graded.summary and "interviewer_no_such_package" in graded.summary
    # the overall is the rubric's alone: what the judge gave without the correctness weight
    rubric_only = (judge_only.overall * 1.25 - 100 * 0.25) if _crit(judge_only).score == 4 else None  # type: ignore[union-attr]
    assert rubric_only is not None and graded.overall == pytest.approx(rubric_only, abs=0.2)


def test_llm_judge_gets_the_same_criterion(services: Any) -> None:
    qid = "code-sliding-window-attention"
    question = services.bank.questions[qid]
    task = load_task(qid)
    assert task is not None
    mutant = next(m for m in task.mutants() if m.stem == "mask_wrong_direction")
    reply = {
        "criteria": [
            {"id": c.id, "reasoning": "r", "evidence": ["ring buffer"], "covered_key_points": [], "score": 3}
            for c in question.rubric.criteria
        ],
        "summary": "s",
    }
    llm = FakeLLM([reply])
    grade, fallback = asyncio.run(
        services.judge().grade(question, PROSE, "en", llm=llm, code=mutant.read_text(encoding="utf-8"))
    )
    assert fallback is None and grade.judge.startswith("llm")
    got = _crit(grade)
    assert got is not None and 0 < got.score < 4 and grade.tests["status"] == "failed"
    # the model saw the code (fenced after the prose), and was never asked to score correctness
    prompt = str(llm.calls[0]["messages"][-1]["content"])
    assert "def " in prompt and PROSE in prompt
    assert grade.overall == pytest.approx((75 + 100 * 0.25 * got.score / 4) / 1.25, abs=0.1)


def test_reused_tests_are_not_run_again(services: Any) -> None:
    """``tests`` hands in a stored run: the judge applies it as it is (what a stored grade said)."""
    qid = "code-sliding-window-attention"
    stored = {"status": "failed", "passed": 1, "total": 8, "tests": [{"name": "t", "passed": False, "message": ""}]}
    graded = _grade(services, qid, PROSE, code="this is not python (", tests=stored)
    assert _crit(graded).score == 0 and graded.tests == stored  # type: ignore[union-attr]


def test_the_rubric_alone_when_asked(services: Any) -> None:
    """`eval judge` grades the rubric only: its ladders measure how answers are read, not code."""
    graded = _grade(services, "code-sliding-window-attention", PROSE, correctness_criterion=False)
    assert _crit(graded) is None and graded.tests is None


def test_a_sandbox_failure_leaves_the_criterion_out(services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox failing (not the code) says nothing about the code: left out, said, the grade kept."""
    import interviewer.coding

    async def broken(*_a: Any, **_k: Any) -> Any:
        raise OSError("unshare: no such file")

    monkeypatch.setattr(interviewer.coding, "run_tests_async", broken)
    graded = _grade(services, "code-sliding-window-attention", PROSE, code="def f(): pass")
    assert _crit(graded) is None and graded.tests is not None and graded.tests["status"] == "skipped"
    assert "could not run" in graded.summary and "unshare" in graded.summary
