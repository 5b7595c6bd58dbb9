"""Session commands end to end on real SQLite files: history, show, replay, delete, export
(md / json / html), import, rescore, progress, and the errors for bad input."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviewer import paths
from interviewer.agent.events import Event
from interviewer.bank import load_bank
from interviewer.cli.main import build_parser, main
from interviewer.domain import Grade, Session
from interviewer.report import transcript_markdown
from interviewer.store.db import APP_ID, Store

ROOT = Path(__file__).resolve().parent.parent

SESSION_A = """
- question: code-react-agent
  answer: |
    A ReAct agent loops over thought, action and observation. I parse the action with a regex,
    look the tool up in a registry dict<str, Tool> & call it, append the observation to the
    transcript and stop on a final answer.
  follow_ups:
    - "I cap the loop with max_steps and feed parse errors back to the model as an observation."
    - "Tests use a fake LLM with scripted replies."
- question: code-rag-framework
  answer: "I would use LlamaIndex."
"""

SESSION_B = """
- question: llm-lost-in-the-middle
  answer: |
    Models attend most to the start and the end of a long context, so facts in the middle are
    missed. Put the key passages first or last, rerank, and keep the context short.
- question: code-react-agent
  answer: "A loop calling tools."
"""


def _run_interview(answers: str, extra: list[str], workdir: Path) -> str:
    file = workdir / "answers.yaml"
    file.write_text(answers, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["run", "--answers", str(file), "--json", "--count", "2", *extra])
    assert rc == 0
    return str(json.loads(out.getvalue())["session_id"])


@pytest.fixture(scope="module")
def template(built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A database holding two headless interviews (built once per module)."""
    home = tmp_path_factory.mktemp("sessions-template")
    (home / "index").symlink_to(built_index / "index")
    old = os.environ.get("INTERVIEWER_HOME")
    os.environ["INTERVIEWER_HOME"] = str(home)
    try:
        a = _run_interview(SESSION_A, ["--track", "coding"], home)
        b = _run_interview(SESSION_B, [], home)
    finally:
        if old is None:
            os.environ.pop("INTERVIEWER_HOME", None)
        else:
            os.environ["INTERVIEWER_HOME"] = old
    return paths.db_file(home), a, b


@pytest.fixture
def sessions(template: tuple[Path, str, str], isolated_home: Path) -> tuple[str, str]:
    """This test's home with a copy of the two-session database; returns (older id, newer id)."""
    src_path, a, b = template
    src, dst = sqlite3.connect(src_path), sqlite3.connect(paths.db_file(isolated_home))
    src.backup(dst)
    src.close()
    dst.close()
    return a, b


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def store() -> Store:
    return Store(paths.db_file())


def snapshot(sid: str) -> tuple[Session, list[Event], list[tuple[str, Grade]]]:
    s = Store(paths.db_file())
    try:
        return s.load(sid), s.events(sid), s.grade_versions(sid)
    finally:
        s.close()


def commands() -> set[str]:
    """The subcommands the CLI registers."""
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def assert_command(name: str) -> None:
    """A command the README documents must exist: a test never skips quietly when one disappears."""
    assert name in commands(), f"`interviewer {name}` is not registered (it is documented in the README)"


def test_the_session_commands_are_all_registered() -> None:
    for name in ("history", "show", "replay", "resume", "delete", "export", "import", "rescore", "progress"):
        assert_command(name)


# -- history / show / replay -----------------------------------------------------------------------
def test_history_lists_sessions_newest_first(sessions: tuple[str, str], capsys) -> None:
    a, b = sessions
    rc, out, _ = cli(capsys, "history", "--json")
    assert rc == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [b, a]
    for r in rows:
        assert r["status"] == "completed" and r["questions"] == 2 and r["model"] == "offline"
        assert r["overall"] == pytest.approx(store().load(r["id"]).overall(), abs=0.05)
    assert rows[1]["tracks"] == ["coding"]
    rc, out, _ = cli(capsys, "history")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].startswith(b) and lines[1].startswith(a)
    assert "completed" in lines[0] and "2q" in lines[0]


def test_history_of_an_empty_home(capsys) -> None:
    assert cli(capsys, "history", "--json")[:2] == (0, "[]\n")
    rc, out, _ = cli(capsys, "history")
    assert rc == 0 and "no sessions yet" in out


def test_show_prints_the_transcript_and_grades(sessions: tuple[str, str], capsys) -> None:
    a, _ = sessions
    rc, out, _ = cli(capsys, "show", a[:6], "--json")  # a unique prefix is enough
    assert rc == 0
    data = json.loads(out)
    session = store().load(a)
    assert data["session_id"] == a and data["status"] == "completed" and data["model"] == "offline"
    assert data["started_at"] == session.started_at.isoformat()
    assert [q["question_id"] for q in data["questions"]] == ["code-react-agent", "code-rag-framework"]
    react = data["questions"][0]
    assert react["answer"].startswith("A ReAct agent loops")
    assert react["follow_ups"][0]["answer"].startswith("I cap the loop")
    assert react["grade"]["overall"] == round(session.grades["code-react-agent"].overall, 1)
    assert data["overall"] == session.overall()

    rc, out, _ = cli(capsys, "show", a)
    assert rc == 0
    assert f"# Interview {a}" in out
    assert "A ReAct agent loops over thought" in out and "I would use LlamaIndex." in out
    assert "--- code-react-agent ---" in out and "/100" in out


def test_replay_plain_prints_the_stored_session(sessions: tuple[str, str], capsys) -> None:
    assert_command("replay")
    a, _ = sessions
    rc, out, _ = cli(capsys, "replay", a, "--plain")
    assert rc == 0
    assert "A ReAct agent loops over thought" in out and "I would use LlamaIndex." in out
    assert cli(capsys, "show", a)[1] == out


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "nosuchid"],
        ["show", "nosuchid", "--json"],
        ["delete", "nosuchid"],
        ["export", "nosuchid"],
        ["rescore", "nosuchid"],
        ["replay", "nosuchid", "--plain"],
        ["show", ""],
        ["show", "%"],
    ],
)
def test_unknown_session_ids_exit_2(sessions: tuple[str, str], capsys, argv: list[str]) -> None:
    assert_command(argv[0])
    before = Path(paths.db_file()).read_bytes()
    rc, out, err = cli(capsys, *argv)
    assert rc == 2
    assert "unknown session id" in err and out == ""
    assert len(store().sessions()) == 2
    assert Path(paths.db_file()).read_bytes() == before


# -- delete ----------------------------------------------------------------------------------------
def test_delete_removes_the_session(sessions: tuple[str, str], capsys) -> None:
    a, b = sessions
    kept = snapshot(b)
    rc, out, _ = cli(capsys, "delete", a)
    assert rc == 0 and a in out
    assert [r["id"] for r in json.loads(cli(capsys, "history", "--json")[1])] == [b]
    assert cli(capsys, "show", a)[0] == 2
    conn = sqlite3.connect(paths.db_file())
    for table, col in (("events", "session_id"), ("grades", "session_id"), ("sessions", "id")):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?", (a,)).fetchone()[0] == 0
    conn.close()
    assert snapshot(b) == kept


# -- export / import -------------------------------------------------------------------------------
def test_export_markdown(sessions: tuple[str, str], capsys, tmp_path: Path) -> None:
    a, _ = sessions
    rc, out, _ = cli(capsys, "export", a, "--format", "md")
    assert rc == 0
    assert out.startswith(f"# Interview {a}")
    assert "> A ReAct agent loops over thought" in out
    assert "| Criterion | Score |" in out
    # what to read: note title › section and the start of its text (the summary in Chinese), no ids
    assert re.search(r"^- \*\*.+ › .+\*\* — \S", out, re.MULTILINE)
    assert "react-agent-implementation::" not in out
    zh = transcript_markdown(store().load(a), load_bank(), "zh")
    assert re.search(r"^- \*\*.+\*\* — .*[\u4e00-\u9fff]", zh, re.MULTILINE)
    target = tmp_path / "out" / "a.md"
    rc, out2, _ = cli(capsys, "export", a, "-o", str(target))
    assert rc == 0 and str(target) in out2
    assert target.read_text(encoding="utf-8") == out
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]


EXTERNAL = re.compile(
    r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_export_html_is_self_contained_with_a_progress_chart(
    sessions: tuple[str, str],
    capsys,
    tmp_path: Path,
) -> None:
    a, b = sessions
    target = tmp_path / "a.html"
    rc, _, _ = cli(capsys, "export", a, "--format", "html", "-o", str(target))
    assert rc == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "registry dict&lt;str, Tool&gt; &amp; call it" in page  # answers are escaped
    scores = re.findall(r'<svg class="chart" .*?</svg>', page, re.S)
    assert len(scores) == 1 and scores[0].count("<circle") == 2  # a chart over the two sessions
    assert page.count('<svg class="chart tracks"') == 1  # and recall per track (tests/test_report_track_chart.py)
    # with one session left there is no score to chart over sessions
    assert cli(capsys, "delete", b)[0] == 0
    rc, page, _ = cli(capsys, "export", a, "--format", "html")
    assert rc == 0 and '<svg class="chart" ' not in page and not EXTERNAL.search(page)


def test_json_export_imports_back_into_an_identical_session(
    sessions: tuple[str, str],
    capsys,
    tmp_path: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, _ = sessions
    # a later grade version too (as `rescore` stores it), so the export holds more than the events
    from interviewer.domain import CriterionGrade, Grade

    later = Grade(
        question_id="code-rag-framework",
        overall=12.5,
        judge="llm:other",
        rubric_version=1,
        criteria=[CriterionGrade(id="architecture", score=1)],
    )
    s = store()
    s.add_grades(a, [later], origin="rescore")
    s.close()
    original = snapshot(a)

    file = tmp_path / "a.json"
    assert cli(capsys, "export", a, "--format", "json", "-o", str(file))[0] == 0
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["session_id"] == a and len(data["events"]) == len(original[1])

    # into a second home
    other = tmp_path / "other-home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(other))
    rc, out, _ = cli(capsys, "import", str(file))
    assert rc == 0 and a in out
    assert snapshot(a) == original
    rc, _, err = cli(capsys, "import", str(file))  # never twice
    assert rc == 2 and "already exists" in err
    assert snapshot(a) == original

    # and back into the first one after deleting the original
    monkeypatch.setenv("INTERVIEWER_HOME", str(isolated_home))
    assert cli(capsys, "delete", a)[0] == 0
    assert cli(capsys, "import", str(file))[0] == 0
    assert snapshot(a) == original
    assert store().load(a).grades["code-rag-framework"].judge == "llm:other"
    assert json.loads(cli(capsys, "export", a, "--format", "json")[1])["events"] == data["events"]


def test_old_grades_and_removed_questions_still_show_and_export(sessions: tuple[str, str], capsys) -> None:
    """A grade made under an older rubric (a criterion since renamed) and a question no longer in
    the bank are shown by their ids instead of crashing show / replay / export."""
    from interviewer.agent.events import AnswerGraded, AnswerReceived, QuestionAsked, SessionStarted
    from interviewer.domain import CriterionGrade, Grade, Session

    a, _ = sessions
    old_rubric = Grade(
        question_id="code-rag-framework",
        overall=50.0,
        rubric_version=0,
        criteria=[CriterionGrade(id="retired-criterion", score=2, missing=["an old key point"])],
    )
    s = store()
    s.add_grades(a, [old_rubric], origin="rescore")
    at = datetime(2024, 1, 1, tzinfo=UTC)
    s.record(SessionStarted(session_id="gone1", session=Session(id="gone1", started_at=at), at=at))
    s.record(QuestionAsked(session_id="gone1", question_id="gone-question", index=1, total=1, text="Old one?", at=at))
    s.record(AnswerReceived(session_id="gone1", question_id="gone-question", text="An old answer", at=at))
    s.record(
        AnswerGraded(
            session_id="gone1",
            question_id="gone-question",
            at=at,
            grade=Grade(question_id="gone-question", overall=75.0, criteria=[CriterionGrade(id="depth", score=3)]),
        )
    )
    s.close()
    for sid, criterion in ((a, "retired-criterion"), ("gone1", "depth")):
        # show covers the Markdown transcript (= export md, replay --plain) and the grade lines
        for argv in (["show", sid], ["export", sid, "--format", "html"]):
            rc, out, err = cli(capsys, *argv)
            assert rc == 0, (argv, err)
            assert criterion in out, argv
    rc, out, _ = cli(capsys, "progress", "--json")
    assert rc == 0 and json.loads(out)["tracks"]["unknown"]["answers"] == 1


def test_import_rejects_bad_files_and_imports_nothing(sessions: tuple[str, str], capsys, tmp_path: Path) -> None:
    a, b = sessions
    good = json.loads(cli(capsys, "export", a, "--format", "json")[1])
    assert cli(capsys, "delete", a)[0] == 0
    mixed = json.loads(json.dumps(good))
    mixed["events"][3]["session_id"] = "someone-else"
    cases = {
        "missing.json": None,
        "not-json.json": "{nope",
        "foreign.json": json.dumps({"format": "something/9", "events": []}),
        "no-events.json": json.dumps({**good, "events": []}),
        "bad-event.json": json.dumps({**good, "events": [*good["events"][:2], {"type": "bogus"}]}),
        "mixed-ids.json": json.dumps(mixed),
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text, encoding="utf-8")
        rc, _, err = cli(capsys, "import", str(path))
        assert rc == 2, name
        assert err.startswith("interviewer: error:") and "Traceback" not in err, name
        assert [r.id for r in store().sessions()] == [b], name
        conn = sqlite3.connect(paths.db_file())
        assert conn.execute("SELECT count(*) FROM events WHERE session_id != ?", (b,)).fetchone()[0] == 0, name
        conn.close()


def test_export_to_a_path_that_cannot_be_written(sessions: tuple[str, str], capsys, tmp_path: Path) -> None:
    a, _ = sessions
    before = snapshot(a)
    db_bytes = Path(paths.db_file()).read_bytes()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    directory = tmp_path / "a-dir"
    directory.mkdir()
    for target in (blocker / "out.md", blocker / "sub" / "out.html", directory):
        rc, out, err = cli(capsys, "export", a, "--format", "html", "-o", str(target))
        assert rc == 2, target
        assert "cannot write" in err and str(target) in err and "unchanged" in err
        assert "Traceback" not in err and "wrote" not in out
    assert blocker.read_text() == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a-file", "a-dir", "home"])  # no stray temp file
    assert list(directory.iterdir()) == []
    assert snapshot(a) == before
    assert Path(paths.db_file()).read_bytes() == db_bytes


# -- rescore ---------------------------------------------------------------------------------------
def _fake_judge(monkeypatch: pytest.MonkeyPatch, fake_llm):
    """`--model fake/judge` gets a scripted LLM judge scoring every criterion 1/4."""
    from interviewer.bank import load_bank
    from interviewer.services import Services

    criteria = {c.id for q in load_bank([]).questions.values() for c in q.rubric.criteria}
    llm = fake_llm(
        default={
            "criteria": [{"id": c, "reasoning": "thin", "evidence": [], "score": 1} for c in sorted(criteria)],
            "summary": "thin",
        },
        name="fake/judge",
    )
    real = Services.llm

    def llm_for(self, model=None):
        return llm if model == "fake/judge" else real(self, model)

    monkeypatch.setattr(Services, "llm", llm_for)
    return llm


def test_rescore_keeps_old_grades_and_prints_what_changed(
    indexed_home: Path,
    sessions: tuple[str, str],
    capsys,
    monkeypatch: pytest.MonkeyPatch,
    fake_llm,
) -> None:
    a, b = sessions
    llm = _fake_judge(monkeypatch, fake_llm)
    # the judge's 1/4 everywhere is 25; both are coding questions answered without code, so their
    # correctness criterion (weight 0.3, the heaviest) scores 0: 25 / 1.3
    thin = round(25.0 / 1.3, 1)
    old_session, old_events, old_versions = snapshot(a)
    other = snapshot(b)
    old = {q: g.overall for q, g in old_session.grades.items()}
    assert set(old) == {"code-react-agent", "code-rag-framework"} and old["code-react-agent"] != thin

    rc, out, _ = cli(capsys, "rescore", a, "--model", "fake/judge")
    assert rc == 0
    assert len(llm.calls) == 2
    for qid, value in old.items():
        [line] = [ln for ln in out.splitlines() if ln.startswith(qid)]
        assert f"{round(value, 1)}" in line and "→" in line and f"{thin}" in line
        if value != thin:
            assert f"{thin - round(value, 1):+.1f}" in line
    assert "earlier grades are kept" in out

    session, events, versions = snapshot(a)
    assert events == old_events  # the transcript is untouched
    assert versions[: len(old_versions)] == old_versions  # nothing overwritten
    assert [(o, g.judge) for o, g in versions[len(old_versions) :]] == [("rescore", "llm:fake/judge")] * 2
    assert {q: g.overall for q, g in session.grades.items()} == {q: thin for q in old}
    assert snapshot(b) == other

    # back to the offline judge: the change is reported per criterion too, as JSON
    rc, out, _ = cli(capsys, "rescore", a, "--model", "", "--json")
    assert rc == 0
    changes = json.loads(out)["changes"]
    assert {c["question_id"]: (c["old"], c["old_judge"], c["new_judge"]) for c in changes} == {
        q: (thin, "llm:fake/judge", "offline") for q in old
    }
    react = next(c for c in changes if c["question_id"] == "code-react-agent")
    assert react["new"] == round(old["code-react-agent"], 1)
    assert all(v["old"] == 1 for k, v in react["criteria"].items() if k != "correctness")
    assert react["criteria"]["correctness"] == {"old": 0, "new": 0}  # no code was submitted
    assert len(snapshot(a)[2]) == len(old_versions) + 4
    assert json.loads(cli(capsys, "history", "--json")[1])[1]["overall"] == pytest.approx(
        old_session.overall(), abs=0.05
    )


# -- progress --------------------------------------------------------------------------------------
def test_progress_per_track_and_concept(sessions: tuple[str, str], capsys) -> None:
    a, b = sessions
    rc, out, _ = cli(capsys, "progress", "--json")
    assert rc == 0
    data = json.loads(out)
    assert [s["id"] for s in data["sessions"]] == [a, b]
    for s in data["sessions"]:
        assert s["overall"] == pytest.approx(store().load(s["id"]).overall(), abs=0.05)
    assert data["tracks"]["coding"]["answers"] == 3 and data["tracks"]["llm_fundamentals"]["answers"] == 1
    react = [store().load(sid).grades["code-react-agent"].overall for sid in (a, b)]
    assert [p["score"] for p in data["tracks"]["coding"]["series"]][::2] == [round(v, 1) for v in react]
    assert data["concepts"]
    for concept in data["concepts"].values():
        assert 0.0 <= concept["mastery"] <= 1.0 and concept["seen"] >= 1 and concept["text"]
    assert data["practice"] and all(p["mastery"] < 0.8 for p in data["practice"])

    rc, out, _ = cli(capsys, "progress")
    assert rc == 0
    assert "By track:" in out and "Practise next:" in out and a in out and b in out


def test_progress_keeps_same_named_concepts_of_different_questions_apart(capsys) -> None:
    """Key point ids are unique per question only ('tool-schema' exists in two questions)."""
    from interviewer.agent.events import AnswerGraded, SessionStarted
    from interviewer.domain import CriterionGrade, Grade, Session

    at = datetime(2025, 3, 1, tzinfo=UTC)
    s = store()
    s.record(SessionStarted(session_id="s1", session=Session(id="s1", started_at=at), at=at))
    graded = [
        ("agent-reliable-tool-calling", "function-calling-protocol", True),
        ("sd-realtime-web-agent", "core-loop-tools", False),
    ]
    for i, (qid, crit, covered) in enumerate(graded):
        kp = {"covered_ids": ["tool-schema"]} if covered else {"missing_ids": ["tool-schema"]}
        g = Grade(
            question_id=qid,
            overall=80.0 if covered else 10.0,
            criteria=[CriterionGrade(id=crit, score=3 if covered else 0, **kp)],
        )
        s.record(AnswerGraded(session_id="s1", question_id=qid, grade=g, at=at + timedelta(seconds=i + 1)))
    rc, out, _ = cli(capsys, "progress", "--json")
    assert rc == 0
    concepts = list(json.loads(out)["concepts"].values())
    assert sorted((c["question_id"], c["mastery"], c["seen"]) for c in concepts) == [
        ("agent-reliable-tool-calling", 1.0, 1),
        ("sd-realtime-web-agent", 0.0, 1),
    ]
    texts = {c["text"] for c in concepts}
    assert len(texts) == 2 and all(texts)  # each its own question's key point
    practice = json.loads(out)["practice"]
    assert [(p["question_id"], p["key_point"]) for p in practice] == [("sd-realtime-web-agent", "tool-schema")]


def test_progress_of_an_empty_home(capsys) -> None:
    rc, out, _ = cli(capsys, "progress")
    assert rc == 0 and "no graded sessions yet" in out
    data = json.loads(cli(capsys, "progress", "--json")[1])
    assert data == {"sessions": [], "tracks": {}, "concepts": {}, "practice": [], "due": []}


# -- bad database files ------------------------------------------------------------------------------
def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.execute("CREATE TABLE sessions (id TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda p: p.write_bytes(os.urandom(5000)), "not a database"), (_newer, "newer interviewer")],
    ids=["random-bytes", "newer-schema"],
)
def test_a_bad_database_is_refused_with_exit_2_and_left_alone(
    isolated_home: Path,
    tmp_path: Path,
    make,
    message: str,
    capsys,
) -> None:
    db = paths.db_file(isolated_home)
    make(db)
    before = db.read_bytes()
    export_target = tmp_path / "x.md"
    for argv in (
        ["history"],
        ["history", "--json"],
        ["show", "abc"],
        ["delete", "abc"],
        ["export", "abc", "-o", str(export_target)],
        ["rescore", "abc"],
        ["progress", "--json"],
        ["replay", "abc", "--plain"],
    ):
        assert_command(argv[0])
        rc, out, err = cli(capsys, *argv)
        assert rc == 2, argv
        assert message in err and "not modified" in err and "Traceback" not in err, argv
        assert out == "", argv
        assert db.read_bytes() == before, argv
    # nothing beside the database: no journal, no copy, no second database (the parsed-bank cache
    # under cache/ is the app's own and may be written by any command)
    assert sorted(p.name for p in isolated_home.iterdir() if p.name != "cache") == [db.name]
    assert not export_target.exists()

    # the same through a real process
    proc = subprocess.run(
        [sys.executable, "-m", "interviewer", "history"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert proc.returncode == 2 and message in proc.stderr and proc.stdout == ""
    assert db.read_bytes() == before
