"""Domain model: plain pydantic types shared by every other part. No I/O here."""

from interviewer.domain.grade import ClaimError, CriterionGrade, Grade
from interviewer.domain.question import (
    TRACKS,
    Criterion,
    FollowUpSeed,
    KeyPoint,
    Lang,
    LocalizedText,
    Misconception,
    NoteMeta,
    Question,
    Rubric,
    Terms,
)
from interviewer.domain.session import Session, Turn

__all__ = [
    "TRACKS",
    "ClaimError",
    "Criterion",
    "CriterionGrade",
    "FollowUpSeed",
    "Grade",
    "KeyPoint",
    "Lang",
    "LocalizedText",
    "Misconception",
    "NoteMeta",
    "Question",
    "Rubric",
    "Session",
    "Terms",
    "Turn",
]
