"""Each misconception's tell-tale phrases catch the ways candidates state it, and not the truth.

``tests/fixtures/misconception_cases/*.yaml`` hold, per misconception, sentences a candidate might say
that state it (``states``: in their own words, terse, hedged, English terms in Chinese) and correct
sentences on the same point (``truths``: often with the same words, or the wrong claim denied). They
were written with the aliases, from the bank and the notes, never from the eval sets. A sentence that
states a misconception must match one of its aliases; a truth must match none of the question's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.bank import load_bank
from interviewer.judge import claims

CASES = sorted((Path(__file__).parent / "fixtures" / "misconception_cases").glob("*.yaml"))


def _cases(file: Path) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    assert isinstance(loaded, list), f"{file.name}: a list of cases"
    return loaded


def test_there_are_cases() -> None:
    assert CASES, "no misconception case files"


@pytest.mark.parametrize("file", CASES, ids=lambda f: f.stem)
def test_aliases_catch_the_wrong_statements_and_spare_the_truths(file: Path) -> None:
    bank = load_bank()
    problems: list[str] = []
    for case in _cases(file):
        question = bank.questions[case["question"]]
        known = {m.id for _, kp in question.rubric.key_points() for m in kp.misconceptions}
        assert case["misconception"] in known, f"{file.name}: {question.id} has no {case['misconception']}"
        for lang in ("en", "zh"):
            for s in (case.get("states") or {}).get(lang) or []:
                if case["misconception"] not in claims.stated(question, s):
                    problems.append(f"missed {question.id}/{case['misconception']} [{lang}]: {s}")
            for s in (case.get("truths") or {}).get(lang) or []:
                if found := claims.stated(question, s):
                    problems.append(f"truth read as {found} in {question.id} [{lang}]: {s}")
    assert problems == [], "\n".join(problems)


def test_the_probe_sentences_name_real_misconceptions() -> None:
    """``evals/research/claim_probes`` measure how the phrases generalise (``evals/claim_probes.py``): each
    probe names a misconception of its question and states it twice per language, with one truth beside."""
    bank = load_bank()
    probes = sorted((Path(__file__).parents[1] / "evals" / "research" / "claim_probes").glob("*.yaml"))
    assert probes
    for f in probes:
        for case in _cases(f):
            question = bank.questions[case["question"]]
            assert case["misconception"] in {m.id for _, kp in question.rubric.key_points() for m in kp.misconceptions}
            for lang in ("en", "zh"):
                assert len(case["states"][lang]) == 2 and len(case["truths"][lang]) == 1, (
                    f.name,
                    case["misconception"],
                )
