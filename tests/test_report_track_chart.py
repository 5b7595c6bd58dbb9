"""The HTML report's per-track chart (issue 19: recall per track over time, static inline SVG) and
the exports' "what to study next" with the section to read."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graded_sessions import record_graded

from interviewer import paths
from interviewer.agent.events import AnswerGraded, AnswerReceived, QuestionAsked, SessionEnded, SessionStarted
from interviewer.cli.main import main
from interviewer.domain import ClaimError, CriterionGrade, Grade, LocalizedText, Session, Track
from interviewer.report import track_chart_svg, track_series
from interviewer.store.db import Store

ROPE = "llm-rope-vs-alibi"
LOOPS = "agent-infinite-loops"


def _grade(qid: str, at: datetime) -> Grade:
    if qid == ROPE:
        criteria = [
            CriterionGrade(id="rope-mechanics", score=3, covered_ids=["rope-rotation", "rope-relative"]),
            CriterionGrade(id="alibi-mechanics", score=0, missing_ids=["alibi-bias", "alibi-slopes"]),
        ]
        return Grade(question_id=qid, overall=45, graded_at=at, criteria=criteria)
    criteria = [
        CriterionGrade(id="hard-budgets", score=4, covered_ids=["step-budget", "token-budget"]),
        CriterionGrade(id="loop-detection", score=1, covered_ids=["state-hash"], missing_ids=["repeated-action"]),
    ]
    errors = [ClaimError(criterion="loop-detection", key_point="state-hash", quote="x", correction="y")]
    return Grade(question_id=qid, overall=60, graded_at=at, criteria=criteria, errors=errors)


def _record(store: Store, sid: str, at: datetime, qids: list[str]) -> None:
    record_graded(store, sid, at, [_grade(qid, at) for qid in qids])


def _svg(html_text: str) -> ET.Element:
    found = re.search(r'<svg class="chart tracks".*?</svg>', html_text, re.S)
    assert found, "no per-track chart in the report"
    return ET.fromstring(found.group(0))


def test_one_series_per_track_with_escaped_labels_and_nothing_active() -> None:
    series = {
        "a": [("2026-03-01T09:00:00+00:00", 20.0), ("2026-03-02T09:00:00+00:00", 50.0)],
        "b": [("2026-03-01T10:00:00+00:00", 90.0)],
        "empty": [],
    }
    svg = track_chart_svg(series, {"a": '<script>alert("x")</script> & co', "b": "Agents & tools"})
    assert "<script" not in svg and "href" not in svg and "http" not in svg.replace('xmlns="http', "")
    root = _svg(svg)
    groups = [g for g in root.iter("g") if g.get("class") == "series"]
    assert [g.get("data-track") for g in groups] == ["a", "b"]  # a track without points is left out
    assert [len(g.findall("circle")) for g in groups] == [2, 1]
    first = groups[0].find("path")
    assert first is not None and first.get("d", "").count("L") == 1
    ys = [float(c.get("cy", "0")) for c in groups[0].findall("circle")]
    assert ys[0] > ys[1]  # 50 is drawn above 20
    legend = [g.find("text") for g in root.iter("g") if g.get("class") == "legend"]
    names = [t.text or "" for t in legend if t is not None]
    assert names[0].startswith('<script>alert("x")') and names[0].endswith("…") and names[1] == "Agents & tools"
    assert groups[0].findtext("title") == '<script>alert("x")</script> & co'  # whole in the tooltip
    colours = {g.find("path").get("style") for g in groups}  # type: ignore[union-attr]
    assert len(colours) == 2  # inline: a stylesheet rule for .chart paths cannot paint them alike
    assert track_chart_svg({}) == "" and track_chart_svg({"a": []}) == ""


def test_track_series_prefers_recall_and_falls_back_to_scores() -> None:
    tracks: dict[str, dict[str, object]] = {
        "llm_fundamentals": {
            "series": [{"at": "2026-03-01T09:00:00+00:00", "score": 40.0}],
            "retention_series": [{"at": "2026-03-01T09:00:00+00:00", "retention": 0.25, "points": 4}],
        },
        "coding": {"series": [{"at": "2026-03-01T09:00:00+00:00", "score": 70.0}]},
    }
    known = {
        "llm_fundamentals": Track(
            id="llm_fundamentals", name=LocalizedText(zh="LLM基础与高级应用", en="LLM fundamentals")
        ),
        "coding": Track(id="coding", name=LocalizedText(zh="编程与实现", en="Coding")),
    }
    data, names, recall = track_series(tracks, "zh", known)
    assert recall and data == {"llm_fundamentals": [("2026-03-01T09:00:00+00:00", 25.0)]}
    assert names == {"llm_fundamentals": "LLM基础与高级应用"}
    del tracks["llm_fundamentals"]["retention_series"]
    data, names, recall = track_series(tracks, "en", known)
    assert not recall and set(data) == {"llm_fundamentals", "coding"} and names["coding"] == "Coding"


def test_the_html_report_charts_each_track_and_the_exports_say_what_to_study(
    isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_LANG", "en")
    now = datetime.now(UTC)
    store = Store(paths.db_file(isolated_home))
    try:
        _record(store, "bbbbbbbb0001", now - timedelta(days=4), [ROPE])
        _record(store, "bbbbbbbb0002", now - timedelta(days=3), [LOOPS])
        _record(store, "bbbbbbbb0003", now - timedelta(days=1), [ROPE, LOOPS])
    finally:
        store.close()
    out = tmp_path / "r.html"
    assert main(["export", "bbbbbbbb0003", "--format", "html", "-o", str(out)]) == 0
    html_text = out.read_text(encoding="utf-8")
    assert "<script" not in html_text
    root = _svg(html_text)
    groups = {g.get("data-track"): g for g in root.iter("g") if g.get("class") == "series"}
    assert set(groups) == {"llm_fundamentals", "agents_tools"}
    # a dot per point of the track's retention_series (progress --json), at its recall
    capsys.readouterr()
    assert main(["progress", "--json"]) == 0
    tracks = json.loads(capsys.readouterr().out)["tracks"]
    for track, g in groups.items():
        series = tracks[track]["retention_series"]
        assert len(series) >= 2 and len(g.findall("circle")) == len(series)
        tips = [c.findtext("title") or "" for c in g.findall("circle")]
        assert [t.rsplit(": ", 1)[1] for t in tips] == [f"{100 * p['retention']:.0f}%" for p in series]
    legend = {t.text for g in root.iter("g") if g.get("class") == "legend" for t in g.iter("text")}
    assert legend == {"LLM fundamentals", "Agents & tools"}
    assert "Agents &amp; tools" in html_text  # escaped in the file
    assert "Recall by track" in html_text

    # what to study next: the session's misses and wrong claims, with the section and the date due
    assert "What to study next" in html_text
    study = html_text.split("What to study next", 1)[1]
    assert study.index("(stated wrongly)") < study.index("(missed)")
    assert (
        "<b>RoPE vs ALiBi: rotary and linear-bias position encodings › ALiBi: a linear bias on attention scores</b>"
        in study
    )
    assert "back for review: " in study
    capsys.readouterr()
    assert main(["export", "bbbbbbbb0003", "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "## What to study next" in md and "— Read: **RoPE vs ALiBi" in md


def test_a_chinese_report_speaks_chinese(
    isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    store = Store(paths.db_file(isolated_home))
    try:
        sid = "cccccccc0001"
        session = Session(id=sid, lang="zh", started_at=now, count=1)
        store.record(SessionStarted(session_id=sid, at=now, session=session))
        store.record(QuestionAsked(session_id=sid, at=now, question_id=ROPE, index=1, total=1, text=ROPE))
        store.record(AnswerReceived(session_id=sid, at=now, question_id=ROPE, text="回答"))
        store.record(AnswerGraded(session_id=sid, at=now, question_id=ROPE, grade=_grade(ROPE, now)))
        store.record(SessionEnded(session_id=sid, at=now))
        assert store.wait_saved(10)
    finally:
        store.close()
    out = tmp_path / "zh.html"
    assert main(["export", sid, "--format", "html", "-o", str(out)]) == 0
    text: Any = out.read_text(encoding="utf-8")
    assert "下一步学习" in text and "没有提到" in text and "各方向的记忆保持率" in text
    assert {g.get("data-track") for g in _svg(text).iter("g") if g.get("class") == "series"} == {"llm_fundamentals"}
    assert "LLM基础与高级应用" in text
