"""Fold an event stream into a Session: the one place that knows how events build a transcript.

The store uses it to load sessions, replay uses it to step through them, import uses it to
rebuild them, so a session always equals what its events say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Event,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
)
from interviewer.domain import Question, Session, Turn


def apply(session: Session | None, event: Event) -> Session | None:
    """Apply one event; returns the (possibly new) session."""
    if isinstance(event, SessionStarted):
        return event.session.model_copy(deep=True)
    if session is None:
        return None
    if event.tokens_used is not None:
        session.tokens_used = max(session.tokens_used, event.tokens_used)
    if isinstance(event, QuestionAsked):
        if event.question_id not in session.plan:
            session.plan.append(event.question_id)
        session.turns.append(
            Turn(question_id=event.question_id, role="interviewer", kind="question", text=event.text, at=event.at)
        )
    elif isinstance(event, FollowUpAsked):
        session.turns.append(
            Turn(
                question_id=event.question_id,
                role="interviewer",
                kind="follow_up",
                text=event.text,
                follow_up_index=event.follow_up_index,
                at=event.at,
            )
        )
    elif isinstance(event, AnswerReceived):
        session.turns.append(
            Turn(
                question_id=event.question_id,
                role="candidate",
                kind="answer",
                text=event.text,
                follow_up_index=event.follow_up_index,
                at=event.at,
                code=event.code,
            )
        )
    elif isinstance(event, QuestionClosed) and event.reason == "skipped":
        session.turns.append(Turn(question_id=event.question_id, role="candidate", kind="skip", text="", at=event.at))
    elif isinstance(event, AnswerGraded):
        session.grades[event.question_id] = event.grade
    elif isinstance(event, SessionEnded):
        session.status = event.status
        session.ended_at = event.at
        session.summary = event.summary
    return session


def fold(events: Iterable[Event]) -> Session | None:
    session: Session | None = None
    for event in events:
        session = apply(session, event)
    return session


def pending_question(session: Session) -> tuple[str, int] | None:
    """The question (and follow-up index) left unanswered when a session stopped, if any."""
    if not session.turns:
        return None
    last = session.turns[-1]
    if last.role == "interviewer":
        return last.question_id, last.follow_up_index
    return None


def submitted_code(session: Session, question_id: str) -> str:
    """The last code submitted on a question ('' when none was)."""
    return next((t.code for t in reversed(session.answers_for(question_id)) if t.code.strip()), "")


def exchanges(session: Session, question: Question) -> list[tuple[str, str]]:
    """Each answer on ``question`` with the prompt it replied to (the question, then each follow-up):
    the LLM judge reads the conversation, and the offline judge the replies to its doubt checks."""
    turns = [t for t in session.turns if t.question_id == question.id]
    asked = {t.follow_up_index: t.text for t in turns if t.kind == "follow_up"}
    asked[0] = next((t.text for t in turns if t.kind == "question"), question.prompt(session.lang))
    return [(asked.get(t.follow_up_index, ""), t.text) for t in turns if t.kind == "answer" and t.text.strip()]


def session_json(session: Session, questions: Mapping[str, Question]) -> dict[str, Any]:
    """The stable JSON of a session: {session_id, overall, questions: [...]}; a coding answer adds
    ``code`` (the code submitted on the question) and ``tests`` (its hidden-test run, from the grade)."""
    out = []
    for qid in session.asked():
        turns = [t for t in session.turns if t.question_id == qid]
        answers = {t.follow_up_index: t.text for t in turns if t.kind == "answer"}
        follow_ups = [
            {"question": t.text, "answer": answers.get(t.follow_up_index)} for t in turns if t.kind == "follow_up"
        ]
        grade = session.grades.get(qid)
        entry = {
            "question_id": qid,
            "question": next((t.text for t in turns if t.kind == "question"), ""),
            "answer": answers.get(0),
            "follow_ups": follow_ups,
            "grade": grade.public() if grade else None,
        }
        code = submitted_code(session, qid)
        if code or (grade is not None and grade.tests is not None):
            entry.update({"code": code, "tests": grade.tests if grade else None})
        out.append(entry)
    return {"session_id": session.id, "overall": session.overall(), "questions": out}
