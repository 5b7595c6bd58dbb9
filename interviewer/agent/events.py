"""Typed events of an interview. The agent yields them; the TUI, the store and the headless
runner only consume them, and replay rebuilds a session from the stored stream."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from interviewer.domain import Grade, Session


def _now() -> datetime:
    return datetime.now(UTC)


class _Event(BaseModel):
    session_id: str
    at: datetime = Field(default_factory=_now)
    tokens_used: int | None = None
    """LLM tokens the session had spent when this happened, over all its runs (None offline)."""


class SessionStarted(_Event):
    type: Literal["session_started"] = "session_started"
    session: Session


class QuestionAsked(_Event):
    type: Literal["question_asked"] = "question_asked"
    question_id: str
    index: int
    """1-based position of the question in the session."""
    total: int
    text: str
    track: str = ""
    difficulty: int = 0
    references: list[str] = Field(default_factory=list)
    """Chunk ids retrieved for this question."""


class AnswerReceived(_Event):
    type: Literal["answer_received"] = "answer_received"
    question_id: str
    follow_up_index: int = 0
    text: str
    code: str = ""
    """Code submitted with the answer (a coding question's solution); its hidden-test run travels
    in the grade (``Grade.tests``)."""


class FollowUpAsked(_Event):
    type: Literal["follow_up_asked"] = "follow_up_asked"
    question_id: str
    follow_up_index: int
    text: str
    criterion: str = ""
    key_point: str = ""
    source: Literal["llm", "seed", "probe", "challenge", "deepen", "check"] = "seed"
    """Who wrote it: the model, a seed or a key point's probe from the bank, a push-back on a wrong
    claim ('challenge'), a harder question for a strong answer ('deepen'), or a misconception put to
    the candidate ('check')."""


class AnswerGraded(_Event):
    type: Literal["answer_graded"] = "answer_graded"
    question_id: str
    grade: Grade


class QuestionClosed(_Event):
    type: Literal["question_closed"] = "question_closed"
    question_id: str
    reason: Literal["covered", "budget", "skipped", "repeat", "model", "ended", "turn_limit"]


class SessionEnded(_Event):
    type: Literal["session_ended"] = "session_ended"
    status: Literal["completed", "abandoned"] = "completed"
    overall: float | None = None
    summary: str = ""


class Fallback(_Event):
    type: Literal["fallback"] = "fallback"
    stage: str
    """What fell back: 'follow_up', 'judge', 'summary', 'persona', 'retrieval', 'budget' (token budget
    spent) or 'llm' (repeated transport failures: the rest of the session runs offline)."""
    reason: str


class TokenStreamed(_Event):
    """A piece of an interviewer turn while an LLM streams it (not stored)."""

    type: Literal["token"] = "token"
    text: str


Event = Annotated[
    SessionStarted
    | QuestionAsked
    | AnswerReceived
    | FollowUpAsked
    | AnswerGraded
    | QuestionClosed
    | SessionEnded
    | Fallback
    | TokenStreamed,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: str | bytes | dict) -> Event:  # type: ignore[type-arg]
    if isinstance(data, dict):
        return EVENT_ADAPTER.validate_python(data)
    return EVENT_ADAPTER.validate_json(data)
