"""What to study next names the note › section to read (issue 19): the section finder, the `read`
field of `progress --json`'s `practice` and `due` lists, and the text render."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graded_sessions import record_graded

from interviewer import paths
from interviewer.bank import load_bank
from interviewer.cli.main import main
from interviewer.domain import ClaimError, CriterionGrade, Grade
from interviewer.progress import compute_progress
from interviewer.store.db import Store
from interviewer.study.reading import ReadingGuide

ROPE = "llm-rope-vs-alibi"
LOOPS = "agent-infinite-loops"


@pytest.fixture(scope="module")
def bank() -> Any:
    return load_bank()


def rope_grade(at: datetime) -> Grade:
    return Grade(
        question_id=ROPE,
        overall=40,
        graded_at=at,
        criteria=[
            CriterionGrade(id="rope-mechanics", score=3, covered_ids=["rope-rotation", "rope-relative"]),
            CriterionGrade(id="alibi-mechanics", score=0, missing_ids=["alibi-bias", "alibi-slopes"]),
        ],
    )


def loops_grade(at: datetime) -> Grade:
    return Grade(
        question_id=LOOPS,
        overall=30,
        graded_at=at,
        criteria=[
            CriterionGrade(id="hard-budgets", score=1, covered_ids=["step-budget"], missing_ids=["token-budget"]),
            CriterionGrade(id="loop-detection", score=1, covered_ids=["state-hash"]),
        ],
        errors=[ClaimError(criterion="loop-detection", key_point="state-hash", quote="x", correction="y")],
    )


def test_the_section_is_the_one_that_states_the_point(bank: Any) -> None:
    guide = ReadingGuide(bank, "en")
    expected = {
        "rope-rotation": "RoPE: rotating query and key pairs",
        "rope-relative": "Why RoPE gives relative position",
        "alibi-slopes": "ALiBi: a linear bias on attention scores",
        "alibi-extrapolation": "ALiBi's extrapolation and its limits",
        "llama3-theta": "What Llama 3 and Llama 4 do",
    }
    for kp, section in expected.items():
        found = guide.for_point(ROPE, kp)
        assert found is not None and found.where.endswith(" › " + section), (kp, found)
        assert found.where.startswith("RoPE vs ALiBi") and found.chunk_id.startswith("positional-encoding-rope-alibi::")
        assert found.gist and not any("\u3400" <= ch <= "\u9fff" for ch in found.gist[:20])
    zh = ReadingGuide(bank, "zh").for_point(ROPE, "alibi-slopes")
    assert zh is not None and zh.where == guide.for_point(ROPE, "alibi-slopes").where  # type: ignore[union-attr]
    assert any("\u3400" <= ch <= "\u9fff" for ch in zh.gist)  # the section's Chinese summary
    assert guide.for_point("no-such-question", "x") is None and guide.for_point(ROPE, "no-such-point") is None


def test_a_wrong_point_is_sent_where_its_misconception_is_corrected(bank: Any) -> None:
    # missed, the point's words lead to the STAR note's skeleton of a hallucination story; stated
    # wrongly, to the note that corrects its misconception
    question = bank.questions["beh-worst-hallucination"]
    point = next(k for _, k in question.rubric.key_points() if k.id == "hallucination-framing")
    cited = {m.note for m in point.misconceptions}
    guide = ReadingGuide(bank, "en")
    missed = guide.for_point(question.id, point.id)
    wrong = guide.for_point(question.id, point.id, wrong=True)
    assert missed is not None and missed.chunk_id.split("::")[0] not in cited
    assert wrong is not None and wrong.chunk_id.split("::")[0] in cited


def test_progress_due_and_practice_entries_name_the_section_to_read(
    isolated_home: Path, bank: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_LANG", "en")
    now = datetime.now(UTC)
    store = Store(paths.db_file(isolated_home))
    try:
        record_graded(store, "aaaaaaaa0001", now - timedelta(days=3), [rope_grade(now - timedelta(days=3))])
        record_graded(store, "aaaaaaaa0002", now - timedelta(days=2), [loops_grade(now - timedelta(days=2))])
        progress = compute_progress(store, bank, "en", now=now)
    finally:
        store.close()
    due = {f"{d['question_id']}/{d['key_point']}": d for d in progress.due}
    assert {f"{ROPE}/alibi-slopes", f"{LOOPS}/token-budget", f"{LOOPS}/state-hash"} <= due.keys()
    for entry in [*progress.due, *progress.practice]:
        assert " › " in str(entry["read"]) and "::" in str(entry["read_chunk"]) and entry["read_gist"], entry
    assert str(due[f"{ROPE}/alibi-slopes"]["read"]).endswith("ALiBi: a linear bias on attention scores")
    wrong = due[f"{LOOPS}/state-hash"]
    assert wrong["last_result"] == "wrong"
    cited = {
        m.note for _, k in bank.questions[LOOPS].rubric.key_points() if k.id == "state-hash" for m in k.misconceptions
    }
    assert str(wrong["read_chunk"]).split("::")[0] in cited

    # the JSON adds the fields (and keeps the old ones); the text render shows them
    assert main(["progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for entry in [*data["due"], *data["practice"]]:
        assert {"key_point", "question_id", "text", "notes", "read", "read_chunk", "read_gist"} <= entry.keys()
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert (
        "read: RoPE vs ALiBi: rotary and linear-bias position encodings › ALiBi: a linear bias on attention scores"
        in out
    )


def test_practice_and_progress_still_load_no_segmenter_for_reading(isolated_home: Path) -> None:
    """The section finder reads English words itself: jieba (which `progress` must not load) stays out."""
    import subprocess
    import sys

    code = (
        "import sys; from interviewer.bank import load_bank; from interviewer.study.reading import ReadingGuide; "
        "b = load_bank(); g = ReadingGuide(b, 'zh'); "
        "[g.for_point(q.id, k.id, wrong=True) for q in b.questions.values() for _, k in q.rubric.key_points()]; "
        "print('jieba' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "False"


def test_the_practice_plan_says_where_to_read_each_due_point(
    isolated_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_LANG", "en")
    now = datetime.now(UTC)
    store = Store(paths.db_file(isolated_home))
    try:
        record_graded(store, "aaaaaaaa0003", now - timedelta(days=2), [rope_grade(now - timedelta(days=2))])
    finally:
        store.close()
    assert main(["practice", "--track", "llm_fundamentals", "--count", "1"]) == 0
    out = capsys.readouterr().out
    assert f"1. [llm_fundamentals] {ROPE}" in out
    due, read = out.split("due: ", 1)[1].split("\n")[:2]
    assert (
        due
        and read.strip()
        == "read: RoPE vs ALiBi: rotary and linear-bias position encodings › ALiBi: a linear bias on attention scores"
    )
