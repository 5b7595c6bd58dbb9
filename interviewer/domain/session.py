"""Sessions and their turns: the transcript of one mock interview."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.domain.grade import Grade
from interviewer.domain.question import Lang

TurnKind = Literal["question", "follow_up", "answer", "skip", "note"]
Status = Literal["active", "completed", "abandoned"]


def now() -> datetime:
    return datetime.now(UTC)


class Turn(BaseModel):
    question_id: str
    role: Literal["interviewer", "candidate", "system"]
    kind: TurnKind
    text: str
    follow_up_index: int = 0
    """0 for the main question and its answer, k for the k-th follow-up and its answer."""
    code: str = ""
    """Code submitted with an answer (a coding question's solution), apart from its prose."""
    at: datetime = Field(default_factory=now)


class Session(BaseModel):
    id: str
    lang: Lang = "en"
    tracks: list[str] = Field(default_factory=list)
    model: str = ""
    """Empty for the offline engine, else the litellm model string."""
    difficulty: int | None = None
    count: int = 5
    status: Status = "active"
    started_at: datetime = Field(default_factory=now)
    ended_at: datetime | None = None
    plan: list[str] = Field(default_factory=list)
    """Question ids chosen so far, in the order asked."""
    turns: list[Turn] = Field(default_factory=list)
    grades: dict[str, Grade] = Field(default_factory=dict)
    """Latest grade per question id."""
    summary: str = ""
    tokens_used: int = 0
    """LLM tokens spent so far (the token budget holds across resume)."""
    targets: dict[str, list[str]] = Field(default_factory=dict)
    """A practice session's targets: question id -> the key point ids its follow-ups aim at first
    (recorded in the session-start event, so a resumed session keeps them; empty otherwise and in
    sessions stored before it existed)."""

    def answers_for(self, question_id: str) -> list[Turn]:
        return [t for t in self.turns if t.question_id == question_id and t.kind == "answer"]

    def asked(self) -> list[str]:
        seen: list[str] = []
        for t in self.turns:
            if t.kind == "question" and t.question_id not in seen:
                seen.append(t.question_id)
        return seen

    def skipped(self) -> list[str]:
        """Questions skipped without a grade, in the order asked."""
        seen: list[str] = []
        for t in self.turns:
            if t.kind == "skip" and t.question_id not in self.grades and t.question_id not in seen:
                seen.append(t.question_id)
        return seen

    def overall(self) -> float | None:
        """The session's score (see :func:`overall_score`)."""
        return overall_score([g.overall for g in self.grades.values()], len(self.skipped()))


def overall_score(grades: list[float], skipped: int) -> float | None:
    """Mean score of the questions asked and closed: graded ones at their grade, skipped ones at 0
    (skipping the hard questions must not raise the average). None when nothing was either.
    The one definition: the feedback, the store's session rows (CLI history) and exports use it."""
    scores = list(grades) + [0.0] * skipped
    return round(sum(scores) / len(scores), 1) if scores else None
