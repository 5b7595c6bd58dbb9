"""The claim-set report compares each set's wrong answer with that set's own partial answer."""

from __future__ import annotations

from types import SimpleNamespace

from interviewer.evaluation.datasets import ClaimSet
from interviewer.evaluation.judge_eval import evaluate_claims

SCORES = {"partial-1": 50.0, "wrong-1": 30.0, "partial-2": 40.0, "wrong-2": 60.0}


def _grade(qid: str, answer: str, lang: str) -> SimpleNamespace:
    return SimpleNamespace(overall=SCORES[answer], flags=[], errors=[])


def test_two_sets_with_the_same_question_are_two_cases() -> None:
    sets = [
        ClaimSet(question="q", lang="zh", answers={"partial": "partial-1", "wrong": "wrong-1"}),
        ClaimSet(question="q", lang="zh", answers={"partial": "partial-2", "wrong": "wrong-2"}),
    ]
    summary = evaluate_claims(sets, _grade).summary()  # type: ignore[arg-type]
    assert summary["questions"] == 2
    assert summary["wrong_below_partial"] == 0.5
    assert summary["wrong_mean"] == 45.0
