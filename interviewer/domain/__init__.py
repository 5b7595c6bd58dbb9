"""Domain model: plain pydantic types shared by every other part. No I/O here."""

from interviewer.domain.grade import ClaimDoubt, ClaimError, CriterionGrade, Grade
from interviewer.domain.question import (
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
from interviewer.domain.track import Track, track_name

__all__ = [
    "ClaimDoubt",
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
    "Track",
    "Turn",
    "track_name",
]
