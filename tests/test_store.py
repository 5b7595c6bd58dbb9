"""The SQLite store: WAL, numbered migrations, events written as they happen (kill -9 safe),
versioned grades, two writer processes, refusing bad files untouched, no secrets on disk."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Fallback,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
    TokenStreamed,
)
from interviewer.agent.transcript import fold, pending_question
from interviewer.domain import CriterionGrade, Grade, Session
from interviewer.store import db as store_db
from interviewer.store.db import APP_ID, Store, StoreError, UnknownSession
from interviewer.store.migrations import MIGRATIONS, Migration

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


# -- helpers --------------------------------------------------------------------------------------
def grade(qid: str, overall: float, *, judge: str = "offline", rubric_version: int = 1, minutes: int = 0) -> Grade:
    score = round(overall / 25)
    return Grade(
        question_id=qid,
        overall=overall,
        criteria=[CriterionGrade(id="c1", score=score, reason=f"{score}/4", covered_ids=["kp1"], missing_ids=["kp2"])],
        judge=judge,
        rubric_version=rubric_version,
        graded_at=T0 + timedelta(minutes=minutes),
    )


def interview_events(sid: str, *, start: datetime = T0, overall: float = 50.0) -> list:
    """A small complete interview: one question with a follow-up, one skipped question."""
    at = [start + timedelta(seconds=i) for i in range(20)]
    session = Session(id=sid, tracks=["coding"], count=2, started_at=start)
    return [
        SessionStarted(session_id=sid, session=session, at=at[0]),
        QuestionAsked(session_id=sid, question_id="q1", index=1, total=2, text="What is attention?", at=at[1]),
        AnswerReceived(session_id=sid, question_id="q1", text="softmax(QK^T/sqrt(d))V", at=at[2]),
        TokenStreamed(session_id=sid, text="Why ", at=at[3]),
        FollowUpAsked(session_id=sid, question_id="q1", follow_up_index=1, text="Why scale?", at=at[4]),
        AnswerReceived(session_id=sid, question_id="q1", follow_up_index=1, text="variance grows with d", at=at[5]),
        QuestionClosed(session_id=sid, question_id="q1", reason="covered", at=at[6]),
        Fallback(session_id=sid, stage="judge", reason="no model", at=at[7]),
        AnswerGraded(session_id=sid, question_id="q1", grade=grade("q1", overall), at=at[8]),
        QuestionAsked(session_id=sid, question_id="q2", index=2, total=2, text="What is RoPE?", at=at[9]),
        QuestionClosed(session_id=sid, question_id="q2", reason="skipped", at=at[10]),
        SessionEnded(session_id=sid, status="completed", overall=overall, summary="fine", at=at[11]),
    ]


def stored(events: list) -> list:
    return [e for e in events if not isinstance(e, TokenStreamed)]


def pragma(path: Path, name: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["INTERVIEWER_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def read_line(proc: subprocess.Popen, timeout: float) -> str:
    """One stdout line of a child, or fail with its stderr."""
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not box or not box[0]:
        proc.kill()
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"child gave no line within {timeout}s (exit {proc.returncode}):\n{err[-3000:]}")
    return box[0]


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return paths.db_file(isolated_home)


# -- schema ---------------------------------------------------------------------------------------
def test_new_database_is_wal_with_numbered_migrations(db_path: Path) -> None:
    store = Store(db_path)
    assert store.sessions() == []
    store.close()
    assert pragma(db_path, "journal_mode") == "wal"
    assert pragma(db_path, "user_version") == len(MIGRATIONS) >= 1
    assert pragma(db_path, "application_id") == APP_ID
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert {"sessions", "events", "grades", "latest_grades"} <= names


def test_a_new_migration_upgrades_an_old_database_in_place(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = Store(db_path)
    for e in interview_events("s1"):
        old.record(e)
    old.close()
    assert pragma(db_path, "user_version") == len(MIGRATIONS)

    def m999_added_later(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE added_later (x INTEGER)")
        conn.execute("INSERT INTO added_later VALUES (7)")

    monkeypatch.setattr(store_db, "MIGRATIONS", [*MIGRATIONS, Migration("m999_added_later", m999_added_later)])
    upgraded = Store(db_path)
    assert upgraded.load("s1").grades["q1"].overall == 50.0  # old data intact
    upgraded.close()
    assert pragma(db_path, "user_version") == len(MIGRATIONS) + 1
    again = Store(db_path)  # opening again runs nothing twice (no duplicate rows, no "table exists")
    assert again.events("s1")
    again.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM added_later").fetchone()[0] == 1
    conn.close()


# -- events and the session they fold into -------------------------------------------------------
def test_every_event_is_stored_in_order_and_folds_into_the_session(db_path: Path) -> None:
    events = interview_events("s1", overall=62.5)
    store = Store(db_path)
    for e in events:
        store.record(e)
        # written as it happens: visible to another connection straight away
        if not isinstance(e, TokenStreamed):
            assert Store(db_path).events("s1")[-1] == e
    assert store.events("s1") == stored(events)
    session = store.load("s1")
    assert session == fold(stored(events))
    assert [(t.kind, t.follow_up_index) for t in session.turns] == [
        ("question", 0),
        ("answer", 0),
        ("follow_up", 1),
        ("answer", 1),
        ("question", 0),
        ("skip", 0),
    ]
    assert session.plan == ["q1", "q2"] and session.status == "completed" and session.summary == "fine"
    assert session.grades["q1"].overall == 62.5
    [row] = store.sessions()
    # q2 was skipped: it counts as 0 in the session's score, as in its feedback
    assert (row.id, row.status, row.overall, row.questions, row.tracks) == ("s1", "completed", 31.2, 2, ["coding"])
    assert row.overall == session.overall()


def test_grades_are_versioned_and_never_overwritten(db_path: Path) -> None:
    store = Store(db_path)
    for e in interview_events("s1", overall=40.0):
        store.record(e)
    first = store.grade_versions("s1")
    assert [(o, g.overall, g.judge, g.rubric_version) for o, g in first] == [("interview", 40.0, "offline", 1)]

    store.add_grades("s1", [grade("q1", 80.0, judge="llm:fake", rubric_version=2, minutes=5)])
    store.add_grades("s1", [grade("q1", 70.0, judge="offline", rubric_version=2, minutes=9)])
    versions = store.grade_versions("s1")
    assert [(o, g.overall, g.judge, g.rubric_version, g.graded_at) for o, g in versions] == [
        ("interview", 40.0, "offline", 1, T0),
        ("rescore", 80.0, "llm:fake", 2, T0 + timedelta(minutes=5)),
        ("rescore", 70.0, "offline", 2, T0 + timedelta(minutes=9)),
    ]
    assert versions[0] == first[0]  # the original row is untouched
    assert store.load("s1").grades["q1"].overall == 70.0  # the latest version wins
    assert [g.overall for g in store.latest_grades("s1")] == [70.0]
    assert store.sessions()[0].overall == 35.0 == store.load("s1").overall()  # and q2, skipped, at 0
    conn = sqlite3.connect(db_path)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(grades)")]
    conn.close()
    assert {"judge", "rubric_version", "graded_at", "origin"} <= set(columns)


def test_delete_removes_a_session_and_only_that_one(db_path: Path) -> None:
    store = Store(db_path)
    for sid in ("keep", "gone"):
        for e in interview_events(sid):
            store.record(e)
    store.add_grades("gone", [grade("q1", 90.0)])
    store.delete("gone")
    assert not store.exists("gone")
    with pytest.raises(UnknownSession):
        store.events("gone")
    with pytest.raises(UnknownSession):
        store.delete("gone")
    conn = sqlite3.connect(db_path)
    for table, col in (("events", "session_id"), ("grades", "session_id"), ("sessions", "id")):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE {col} = 'gone'").fetchone()[0] == 0
    conn.close()
    assert store.load("keep") == fold(stored(interview_events("keep")))
    assert [r.id for r in store.sessions()] == ["keep"]


def test_resolve_takes_a_unique_literal_prefix(db_path: Path) -> None:
    store = Store(db_path)
    for sid in ("abc123", "abd456"):
        for e in interview_events(sid):
            store.record(e)
    assert store.resolve("abc") == "abc123"
    assert store.resolve("abd456") == "abd456"
    assert store.resolve("ABC") == "abc123"
    for bad in ("ab", "zzz", "abc1234"):
        with pytest.raises(UnknownSession):
            store.resolve(bad)
    store.delete("abd456")
    # one session left: wildcards and an empty id must still not pick it
    for bad in ("", "%", "_bc123", "a_c"):
        with pytest.raises(UnknownSession):
            store.resolve(bad)


# -- crash safety: kill -9 in the middle of an interview ----------------------------------------
KILL_CHILD = textwrap.dedent(
    """
    import asyncio, json, time
    from interviewer.agent.events import QuestionAsked
    from interviewer.agent.loop import InterviewPlan, Reply
    from interviewer.config import load_settings
    from interviewer.services import Services

    seen = []

    class Person:
        async def reply(self, prompt):
            if isinstance(prompt, QuestionAsked) and prompt.index == 2:
                deadline = time.monotonic() + 60
                while not any(e.type == "answer_graded" for e in seen) and time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                print(json.dumps({"sid": interviewer.session.id, "events": [e.type for e in seen if e.type != "token"]}),
                      flush=True)
                time.sleep(600)  # typing the second answer; blocks the loop so nothing else is written
            if isinstance(prompt, QuestionAsked):
                return Reply("answer", "A ReAct agent loops: thought, action, observation, until a final answer.")
            if prompt.follow_up_index == 1:
                return Reply("answer", "I cap the loop with max_steps and feed parse errors back to the model.")
            return Reply("pass")

    services = Services(load_settings())
    interviewer = services.interviewer(InterviewPlan(count=2, tracks=["coding"], lang="en"), sinks=[seen.append])
    asyncio.run(interviewer.run(Person()))
    """
)


def test_kill_9_mid_interview_keeps_every_event_written_before(indexed_home: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_CHILD],
        env=child_env(indexed_home),
        cwd=indexed_home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        report = json.loads(read_line(proc, timeout=180))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    sid, before = report["sid"], report["events"]
    assert before[0] == "session_started" and "answer_received" in before and "answer_graded" in before
    assert before.count("question_asked") == 2

    store = Store(paths.db_file(indexed_home))
    assert [e.type for e in store.events(sid)] == before  # nothing written before the kill is lost
    session = store.load(sid)
    assert session.status == "active"
    assert len(session.asked()) == 2
    first = session.asked()[0]
    assert session.answers_for(first)[0].text.startswith("A ReAct agent loops")
    assert first in session.grades
    assert pending_question(session) == (session.asked()[1], 0)  # only the answer being typed is missing
    conn = sqlite3.connect(paths.db_file(indexed_home))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # the killed writer left no lock behind
    store.record(AnswerReceived(session_id=sid, question_id=session.asked()[1], text="typed after restart"))
    assert store.events(sid)[-1].text == "typed after restart"  # type: ignore[union-attr]


def test_a_write_transaction_cut_by_kill_9_leaves_earlier_events_and_no_lock(db_path: Path) -> None:
    child = textwrap.dedent(
        f"""
        import sqlite3, sys, time
        from pathlib import Path
        from interviewer.agent.events import AnswerReceived, QuestionAsked, SessionStarted
        from interviewer.domain import Session
        from interviewer.store.db import Store
        store = Store(Path({str(db_path)!r}))
        store.record(SessionStarted(session_id="s1", session=Session(id="s1")))
        store.record(QuestionAsked(session_id="s1", question_id="q1", index=1, total=1, text="Q"))
        for i in range(25):
            store.record(AnswerReceived(session_id="s1", question_id="q1", follow_up_index=i, text=f"answer {{i}}"))
        conn = store._connect()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO events (session_id, seq, type, at, payload) VALUES ('s1', 999, 'x', 'x', '{{}}')")
        print("ready", flush=True)
        time.sleep(600)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child],
        env=child_env(db_path.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert read_line(proc, timeout=60).strip() == "ready"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    store = Store(db_path)
    events = store.events("s1")
    assert len(events) == 27 and events[-1].text == "answer 24"  # type: ignore[union-attr]
    store.record(AnswerReceived(session_id="s1", question_id="q1", text="after the crash"))
    assert [e.type for e in store.events("s1")][-1] == "answer_received"
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM events WHERE type = 'x'").fetchone()[0] == 0
    conn.close()


# -- two processes writing at once -----------------------------------------------------------------
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from interviewer.agent.events import AnswerReceived, QuestionAsked, SessionStarted
    from interviewer.domain import Session
    from interviewer.store.db import Store
    db, sid, n, go, create = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
    while not os.path.exists(go):
        time.sleep(0.001)
    store = Store(Path(db))
    if create:
        store.record(SessionStarted(session_id=sid, session=Session(id=sid)))
        n -= 1
    for i in range(n):
        store.record(AnswerReceived(session_id=sid, question_id="q", follow_up_index=i, text=f"{os.getpid()} {i}"))
    print("done", flush=True)
    """
)


def _run_writers(db_path: Path, jobs: list[tuple[str, int, bool]]) -> None:
    go = db_path.parent / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), sid, str(n), str(go), "1" if create else "0"],
            env=child_env(db_path.parent),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for sid, n, create in jobs
    ]
    time.sleep(0.3)  # let both import, then start them at the same instant
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "done", err[-3000:]


def test_two_writer_processes_lose_nothing_and_do_not_corrupt(db_path: Path) -> None:
    assert not db_path.exists()  # both race to create and migrate the database too
    _run_writers(db_path, [("writer-a", 200, True), ("writer-b", 200, True)])
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 400
    for sid in ("writer-a", "writer-b"):
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE session_id = ? ORDER BY seq", (sid,))]
        assert seqs == list(range(1, 201))
    conn.close()
    store = Store(db_path)
    for sid in ("writer-a", "writer-b"):
        events = store.events(sid)
        assert len(events) == 200
        # in the order written
        assert [e.follow_up_index for e in events[1:]] == list(range(199))  # type: ignore[union-attr]


def test_two_writer_processes_appending_to_the_same_session(db_path: Path) -> None:
    store = Store(db_path)
    store.record(SessionStarted(session_id="shared", session=Session(id="shared")))
    store.close()
    _run_writers(db_path, [("shared", 150, False), ("shared", 150, False)])
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE session_id = 'shared' ORDER BY seq")]
    conn.close()
    assert seqs == list(range(1, 302))
    texts = [e.text for e in Store(db_path).events("shared")[1:]]  # type: ignore[union-attr]
    for pid in {t.split()[0] for t in texts}:
        assert [int(t.split()[1]) for t in texts if t.split()[0] == pid] == list(range(150))


# -- files that are not ours are refused and left untouched --------------------------------------
def _newer_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()


def _foreign_db(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('my data')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(os.urandom(3 * 4096)), "not a database"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(4096)), "not a database"),
        (_newer_db, "newer interviewer"),
        (_foreign_db, "not an interviewer database"),
    ],
    ids=["random-bytes", "broken-header", "newer-schema", "foreign-sqlite"],
)
def test_bad_database_files_are_refused_and_left_byte_identical(db_path: Path, make, message: str) -> None:
    make(db_path)
    before = db_path.read_bytes()
    listing = sorted(p.name for p in db_path.parent.iterdir())
    for attempt in (
        lambda s: s.sessions(),
        lambda s: s.record(SessionStarted(session_id="x", session=Session(id="x"))),
    ):
        store = Store(db_path)
        with pytest.raises(StoreError, match=message) as info:
            attempt(store)
        assert "not modified" in str(info.value)
        store.close()
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == listing


# -- secrets ----------------------------------------------------------------------------------------
SECRET = "sk-test-secret-5f3a9c1e7d2b4a6f8e0c1d3b5a7f9e2c"


class _EchoKeyProvider(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint that rejects the key and quotes it back, as providers do."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        type(self).seen.append(key)
        body = json.dumps(
            {
                "error": {
                    "message": f"Incorrect API key provided: {key}. Key {key} is invalid.",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_api_keys_are_never_written_to_the_database(
    indexed_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from interviewer.cli.main import main

    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKeyProvider)
    _EchoKeyProvider.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("INTERVIEWER_API_BASE", f"http://127.0.0.1:{server.server_address[1]}/v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "- question: code-react-agent\n  answer: A ReAct agent loops thought, action, observation.\n"
        "  follow_ups: ['max_steps caps the loop']\n",
        encoding="utf-8",
    )
    try:
        rc = main(["run", "--answers", str(answers), "--json", "--count", "1", "--model", "openai/gpt-4o-mini"])
    finally:
        server.shutdown()
        server.server_close()
    out = capsys.readouterr().out
    assert rc == 0
    assert SECRET in _EchoKeyProvider.seen  # the key was really in play
    sid = json.loads(out)["session_id"]
    store = Store(paths.db_file(indexed_home))
    events = store.events(sid)
    fallbacks = [e for e in events if isinstance(e, Fallback)]
    assert fallbacks and any("API key" in e.reason for e in fallbacks)  # provider errors were stored...
    assert store.load(sid).model == "openai/gpt-4o-mini"
    store.close()
    # ...yet no file of the database (main file, WAL, shared memory) holds the key or a piece of it
    files = [p for p in indexed_home.iterdir() if p.name.startswith(paths.db_file(indexed_home).name)]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    assert b"Incorrect API key" in blob
    for piece in (SECRET, SECRET[-16:], SECRET[:20]):
        assert piece.encode() not in blob
