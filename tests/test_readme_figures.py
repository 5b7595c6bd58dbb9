"""The README's headline quality figures are what `interviewer eval` measures today: the retrieval row
of the default retriever, the ladder row of the judge and the claim-set means. A change that moves a
figure must update the README in the same commit (within a small tolerance for run-to-run noise:
the e5 engine is deterministic, the tolerance absorbs float differences across machines)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from interviewer.cli.eval_cmd import LADDER_KEYS
from interviewer.cli.main import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
RATE_TOLERANCE = 0.02
SCORE_TOLERANCE = 2.0

pytestmark = pytest.mark.slow


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]


def _row(pattern: str) -> list[float]:
    match = re.search(pattern, README, re.MULTILINE)
    assert match, f"README row not found: {pattern}"
    return _numbers(match.group(1))


def _eval(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["eval", *argv, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_retrieval_figures_match_the_readme(indexed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = _row(r"^\| \*\*hybrid e5 \+ BM25 \(default\)\*\* \| overall \|(.*)\|$")
    measured = _eval(capsys, "retrieval", "--no-minilm")["hybrid-e5"]
    assert isinstance(measured, dict)
    overall = measured["overall"]
    keys = ["recall@1", "recall@5", "hit@5", "mrr@10", "ndcg@10"]
    for key, expected in zip(keys, readme, strict=True):
        assert overall[key] == pytest.approx(expected, abs=RATE_TOLERANCE), (key, overall[key], expected)


def test_judge_figures_match_the_readme(indexed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _eval(capsys, "judge")
    ladder = data["overall"]
    assert isinstance(ladder, dict)
    readme = _row(r"^\| overall \|((?: [\d.]+ \|){7})$")
    for key, expected in zip(LADDER_KEYS, readme, strict=True):
        assert ladder[key] == pytest.approx(expected, abs=RATE_TOLERANCE), (key, ladder[key], expected)

    claims = data["claims"]
    assert isinstance(claims, dict)
    measured = claims["overall"]
    means = _row(r"^\| mean overall: expert / terse / code / partial / wrong / vague \| ([^(]*)\(")
    for kind, expected in zip(["expert", "terse", "code", "partial", "wrong", "vague"], means, strict=True):
        assert measured[f"mean_{kind}"] == pytest.approx(expected, abs=SCORE_TOLERANCE), (kind, expected)
    wrong_below = _row(r"^\| fluent-but-wrong below correct-but-partial \| \*\*([\d.]+)\*\*")[0]
    assert measured["wrong_below_partial"] == pytest.approx(wrong_below, abs=0.05)
