"""Issue 15: a skipped question counts as 0 wherever a session's score is shown (the store's session
row, hence `history`, equals ``Session.overall``), and the unsent draft is committed as it is saved,
so it survives the process being killed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_store import child_env, grade, interview_events, read_line

from interviewer import paths
from interviewer.agent.events import AnswerGraded, AnswerReceived, QuestionAsked, QuestionClosed
from interviewer.cli.main import main as cli_main
from interviewer.store.db import Store


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return paths.db_file(isolated_home)


# -- skipped questions count as 0 ---------------------------------------------------------------
def test_the_stored_session_score_counts_a_skip_as_zero(db_path: Path) -> None:
    store = Store(db_path)
    for e in interview_events("s1", overall=80.0):  # q1 graded 80, q2 skipped
        store.record(e)
    assert store.load("s1").overall() == 40.0
    assert store.sessions()[0].overall == 40.0


def test_history_shows_the_same_score_as_the_feedback(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(db_path)
    for e in interview_events("s1", overall=70.0):
        store.record(e)
    store.close()
    assert cli_main(["history", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["overall"] == 35.0 == Store(db_path).load("s1").overall()


def test_a_skip_recorded_after_a_grade_lowers_the_score_and_a_later_grade_replaces_it(db_path: Path) -> None:
    events = [e for e in interview_events("s1", overall=60.0) if e.type not in ("session_ended",)]
    store = Store(db_path)
    for e in events:
        store.record(e)
    assert store.sessions()[0].overall == 30.0
    store.record(QuestionAsked(session_id="s1", question_id="q3", index=3, total=3, text="Q3?"))
    store.record(AnswerReceived(session_id="s1", question_id="q3", text="an answer"))
    store.record(QuestionClosed(session_id="s1", question_id="q3", reason="covered"))
    store.record(AnswerGraded(session_id="s1", question_id="q3", grade=grade("q3", 90.0)))
    assert store.sessions()[0].overall == 50.0 == store.load("s1").overall()
    store.add_grades("s1", [grade("q2", 30.0)])  # rescored: q2 is graded now, no longer a skip at 0
    assert store.sessions()[0].overall == 60.0 == store.load("s1").overall()


def test_an_older_database_is_recounted_once_on_open(db_path: Path) -> None:
    store = Store(db_path)
    for e in interview_events("s1", overall=80.0):
        store.record(e)
    store.close()
    conn = sqlite3.connect(db_path)  # back to schema 1, with the score it wrote: the mean of the grades alone
    conn.execute("DROP TABLE drafts")
    conn.execute("ALTER TABLE sessions DROP COLUMN overall_counts_skips")
    conn.execute("UPDATE sessions SET overall = 80.0")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("DROP TABLE _migrations")  # schema 1 predates named migrations
    conn.commit()
    conn.close()
    upgraded = Store(db_path)
    assert upgraded.sessions()[0].overall == 40.0
    upgraded.close()
    assert Store(db_path).sessions()[0].overall == 40.0


# -- drafts ----------------------------------------------------------------------------------------
def started(db_path: Path) -> Store:
    store = Store(db_path)
    for e in interview_events("s1")[:2]:  # started, q1 asked
        store.record(e)
    return store


def test_a_draft_is_kept_per_session_replaced_and_dropped(db_path: Path) -> None:
    store = started(db_path)
    assert store.draft("s1") is None
    assert store.save_draft("s1", "q1", 0, "half an ans")
    assert store.save_draft("s1", "q1", 0, "half an answer, 半个回答")
    draft = Store(db_path).draft("s1")  # committed: another connection sees it
    assert draft is not None and (draft.question_id, draft.follow_up_index) == ("q1", 0)
    assert draft.text == "half an answer, 半个回答"
    assert store.save_draft("s1", "q1", 0, "   ")  # emptied editor: nothing to keep
    assert store.draft("s1") is None


def test_a_coding_draft_keeps_its_code(db_path: Path) -> None:
    """A coding question's unsent code is a draft too, with or without text beside it."""
    store = started(db_path)
    code = "def lru(capacity):\n    return {}  # 先写个骨架\n"
    assert store.save_draft("s1", "q1", 0, "", code)
    draft = Store(db_path).draft("s1")
    assert draft is not None and (draft.text, draft.code) == ("", code)
    assert store.save_draft("s1", "q1", 0, "O(1) with a dict and a list", code)
    draft = store.draft("s1")
    assert draft is not None and (draft.text, draft.code) == ("O(1) with a dict and a list", code)
    assert store.save_draft("s1", "q1", 0, "", "  ")  # neither text nor code: nothing to keep
    assert store.draft("s1") is None


def test_sending_the_answer_drops_its_draft_only(db_path: Path) -> None:
    store = started(db_path)
    store.save_draft("s1", "q1", 1, "draft of the follow-up")
    store.record(AnswerReceived(session_id="s1", question_id="q1", follow_up_index=0, text="the answer"))
    assert store.draft("s1") is not None  # another prompt's draft stays
    store.record(AnswerReceived(session_id="s1", question_id="q1", follow_up_index=1, text="draft of the follow-up"))
    assert store.draft("s1") is None


def test_a_draft_of_an_unknown_session_is_refused_without_error(db_path: Path) -> None:
    store = started(db_path)
    assert store.save_draft("nope", "q1", 0, "text") is False
    assert store.draft("nope") is None


def test_deleting_a_session_deletes_its_draft(db_path: Path) -> None:
    store = started(db_path)
    store.save_draft("s1", "q1", 0, "text")
    store.delete("s1")
    assert store.draft("s1") is None


def test_a_draft_survives_kill_9(db_path: Path, isolated_home: Path) -> None:
    store = started(db_path)
    store.close()
    child = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from interviewer.store.db import Store
        store = Store(Path({str(db_path)!r}))
        for i in range(1, 6):
            store.save_draft("s1", "q1", 0, "typing… " + "word " * i)
        print("saved", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child],
        env=child_env(isolated_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert read_line(proc, timeout=60).strip() == "saved"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    draft = Store(db_path).draft("s1")
    assert draft is not None and draft.text == "typing… " + "word " * 5
