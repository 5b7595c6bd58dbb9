"""What one graded answer says about each key point of its question, as an FSRS rating.

A card is per key point, not per question: an answer can nail one point and miss another, and
the schedule should bring back only the one it missed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fsrs import Rating

from interviewer.domain import Grade

Result = Literal["wrong", "missed", "partial", "covered", "strong"]
RESULTS: tuple[Result, ...] = ("wrong", "missed", "partial", "covered", "strong")

RATINGS: dict[Result, Rating] = {
    "wrong": Rating.Again,
    "missed": Rating.Again,
    "partial": Rating.Hard,
    "covered": Rating.Good,
    "strong": Rating.Easy,
}
"""A wrong claim and a miss both fail the recall; the schedule brings a wrong claim back sooner
(see ``schedule.WRONG_RETRY``) because a misconception left alone gets rehearsed."""

STRONG_SCORE = 4
"""A covered point of a criterion scored at this level (excellent) is 'strong'."""
PARTIAL_BELOW = 3
"""A covered point of a criterion scored below this level (vague or partial) is 'partial'."""


@dataclass(frozen=True)
class PointResult:
    question_id: str
    key_point: str
    criterion: str
    result: Result

    @property
    def key(self) -> str:
        """The card's id: key point ids are unique within a question only."""
        return f"{self.question_id}/{self.key_point}"


def point_results(grade: Grade) -> list[PointResult]:
    """One result per key point the grade speaks of: a point the judge's ``errors`` name is
    'wrong' whatever its coverage; a covered point is rated by its criterion's level."""
    wrong = {(e.criterion, e.key_point) for e in grade.errors if e.key_point}
    out: list[PointResult] = []
    for c in grade.criteria:
        seen: set[str] = set()
        for kp in [*c.covered_ids, *c.missing_ids]:
            if kp in seen:
                continue
            seen.add(kp)
            result: Result
            if (c.id, kp) in wrong:
                result = "wrong"
            elif kp not in c.covered_ids:
                result = "missed"
            elif c.score >= STRONG_SCORE:
                result = "strong"
            elif c.score < PARTIAL_BELOW:
                result = "partial"
            else:
                result = "covered"
            out.append(PointResult(grade.question_id, kp, c.id, result))
        out += [
            PointResult(grade.question_id, kp, c.id, "wrong")
            for crit, kp in sorted(wrong)
            if crit == c.id and kp not in seen
        ]
    return out
