"""An answer submitted while another process keeps the database locked for 30 s (issue 13, item 1):
it stays in the editor and in the local journal, the screen says what is happening, and the
interview resumes, with the answer committed, as soon as the lock clears."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import TextArea
from tui_helpers import SIZE, flat, listening, notifications, partial_answer, screen_text, wait_for

from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.interview import InterviewScreen

LOCK_S = 30.0
LOCKER = r"""
import select, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[2]))
conn.execute("COMMIT")
"""


def answers_in(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:  # WAL: reading works while the other process holds the write lock
        rows = conn.execute("SELECT payload FROM events WHERE type = 'answer_received' ORDER BY id").fetchall()
    return [json.loads(r[0])["text"] for r in rows]


@pytest.mark.slow
async def test_an_answer_survives_a_30_second_lock(tui_services: Services) -> None:
    store = tui_services.store
    store.sessions(limit=1)  # the database exists before the other process locks it
    db = store.path
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="en", model=""))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        prompt = screen.source.waiting
        assert prompt is not None
        answer = partial_answer(tui_services.bank.questions[prompt.question_id])

        holder = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(db), "120"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            locked_at = time.monotonic()
            area = screen.query_one("#answer", TextArea)
            area.insert(answer)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: screen.saving, "the screen to say the answer is not saved yet")
            assert area.text == answer and area.read_only  # kept in the editor (it was cleared and lost)
            assert any("locked by another process" in n for n in notifications(app))
            assert "saving… (database locked)" in flat(screen_text(app))
            journal = store.journal_path
            assert journal is not None and answer in journal.read_text(encoding="utf-8")  # and in the journal
            assert answers_in(db) == []
            # the lock holds for 30 s: the answer stays put, the next prompt waits, the screen keeps drawing
            while time.monotonic() - locked_at < LOCK_S:
                await pilot.pause(1.0)
                assert screen.saving and area.text == answer and screen.phase != "failed"
                assert not listening(screen)
        finally:
            if holder.poll() is None:
                assert holder.stdin is not None
                holder.stdin.write("\n")
                holder.stdin.flush()
            holder.wait(timeout=30)

        # the lock clears: the answer is committed, the editor empties, the follow-up takes the next answer
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "the follow-up, once saved", timeout=60)
        assert answers_in(db) == [answer]
        assert not screen.saving and area.text == "" and not area.read_only
        assert store.pending_writes == 0 and store.journal_path is None
        assert any("Saved" in n for n in notifications(app))
        session = store.load(screen.session_id)
        assert [t.text for t in session.turns if t.kind == "answer"] == [answer]
        assert [t.kind for t in session.turns] == ["question", "answer", "follow_up"]  # in order, nothing twice
