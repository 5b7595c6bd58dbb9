"""Recording graded sessions straight into a store, as the agent records them (study and report tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

from interviewer.agent.events import AnswerGraded, AnswerReceived, QuestionAsked, SessionEnded, SessionStarted
from interviewer.domain import Grade, Session
from interviewer.store.db import Store


def record_graded(store: Store, sid: str, at: datetime, grades: list[Grade]) -> None:
    """A session that asked and graded one question per grade at ``at``, ended 30 minutes later."""
    store.record(SessionStarted(session_id=sid, at=at, session=Session(id=sid, started_at=at, count=len(grades))))
    for n, grade in enumerate(grades, start=1):
        qid = grade.question_id
        store.record(QuestionAsked(session_id=sid, at=at, question_id=qid, index=n, total=len(grades), text=qid))
        store.record(AnswerReceived(session_id=sid, at=at, question_id=qid, text="an answer"))
        store.record(AnswerGraded(session_id=sid, at=at, question_id=qid, grade=grade))
    store.record(SessionEnded(session_id=sid, at=at + timedelta(minutes=30)))
    assert store.wait_saved(10)
