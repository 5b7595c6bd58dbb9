"""The review schedule: a pure fold of the store's graded answers into one FSRS card per key point.

Nothing of it is stored. The answers' grades already are (as events, and rescored versions beside
them), so the schedule is rebuilt from them every time: `rescore`, export/import and replay agree
with it for free, and a change of the rating rules applies to the whole history at once."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fsrs import Card, Scheduler, State

from interviewer.agent.events import AnswerGraded, Event
from interviewer.domain import Grade
from interviewer.store.db import Store
from interviewer.study.cards import RATINGS, RESULTS, PointResult, Result, point_results

SCHEDULER = Scheduler(
    learning_steps=(timedelta(days=1),),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)
"""Steps of a day, not Anki's minutes: a practice session is a sitting, and a point missed today is
asked again tomorrow, not in ten minutes. No fuzz, so a rebuild is identical to the last one."""

_DECAY = -SCHEDULER.parameters[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1
"""FSRS-6's forgetting curve, as ``Scheduler`` builds it (retention 0.9 after ``stability`` days)."""

WRONG_RETRY = timedelta(hours=4)
"""A point stated wrongly comes back within this, sooner than one merely missed (a day)."""

DUE_SLACK = timedelta(hours=2)
"""A point due within this is practised now: a daily habit drifts by minutes or hours, and a point
missed at 09:10 yesterday should not skip today's 09:00 sitting (nor a wrong one come back within
the same sitting)."""


@dataclass(frozen=True)
class Review:
    """One graded answer's verdict on one key point, at the time it was graded."""

    at: datetime
    session_id: str
    point: PointResult


@dataclass
class PointCard:
    question_id: str
    key_point: str
    card: Card
    history: list[tuple[datetime, Result]] = field(default_factory=list)
    """Every review of the point, oldest first."""

    @property
    def key(self) -> str:
        return f"{self.question_id}/{self.key_point}"

    @property
    def due(self) -> datetime:
        return self.card.due

    @property
    def last_result(self) -> Result:
        return self.history[-1][1]

    @property
    def last_at(self) -> datetime:
        return self.history[-1][0]

    def retention(self, now: datetime) -> float:
        """FSRS's probability that the point is recalled at ``now``, over fractional days: the
        scheduler's own ``get_card_retrievability`` counts whole days, so a point missed 23 hours
        ago would read as fully remembered."""
        card = self.card
        if card.last_review is None or card.stability is None:
            return 0.0
        days = max(0.0, (_utc(now) - card.last_review).total_seconds() / 86400)
        return float((1 + _FACTOR * days / card.stability) ** _DECAY)

    @property
    def trend(self) -> str:
        """The last review against the one before: 'up', 'down', 'same', or 'new' (one review)."""
        if len(self.history) < 2:
            return "new"
        before, last = (RESULTS.index(r) for _, r in self.history[-2:])
        return "up" if last > before else "down" if last < before else "same"

    def is_due(self, now: datetime) -> bool:
        return self.card.due <= _utc(now) + DUE_SLACK

    def public(self, now: datetime) -> dict[str, object]:
        return {
            "retention": round(self.retention(now), 3),
            "due": self.card.due.isoformat(),
            "due_now": self.is_due(now),
            "last_result": self.last_result,
            "last_reviewed": self.last_at.isoformat(),
            "reviews": len(self.history),
            "stability": None if self.card.stability is None else round(self.card.stability, 3),
            "state": State(self.card.state).name.lower(),
            "results": [r for _, r in self.history],
            "trend": self.trend,
        }


@dataclass
class Schedule:
    cards: dict[str, PointCard] = field(default_factory=dict)
    """'question_id/key point id' -> its card."""

    def due(self, now: datetime) -> list[PointCard]:
        """Cards due at ``now``: the least likely to be recalled first."""
        return sorted((c for c in self.cards.values() if c.is_due(now)), key=lambda c: (c.retention(now), c.due, c.key))

    def of_question(self, question_id: str) -> list[PointCard]:
        return [c for c in self.cards.values() if c.question_id == question_id]

    def public(self, now: datetime) -> dict[str, dict[str, object]]:
        return {key: card.public(now) for key, card in sorted(self.cards.items())}


def fold(reviews: Iterable[Review], on_day: Callable[[Schedule, datetime], None] | None = None) -> Schedule:
    """Apply the reviews oldest first (ties in a fixed order) to fresh cards. ``on_day`` sees the
    schedule as it stood when each later day's (UTC) first review came: what was remembered then."""
    schedule = Schedule()
    ordered = sorted(reviews, key=lambda r: (_utc(r.at), r.session_id, r.point.key, r.point.criterion))
    day = None
    for review in ordered:
        at = _utc(review.at)
        if on_day is not None and at.date() != day:
            if schedule.cards:
                on_day(schedule, at)
            day = at.date()
        p = review.point
        entry = schedule.cards.get(p.key)
        if entry is None:
            # a stable id and no wall-clock default: the same reviews give the same cards
            entry = PointCard(p.question_id, p.key_point, Card(card_id=zlib.crc32(p.key.encode()), due=at))
            schedule.cards[p.key] = entry
        card, _ = SCHEDULER.review_card(entry.card, RATINGS[p.result], review_datetime=at)
        if p.result == "wrong":
            card.due = min(card.due, at + WRONG_RETRY)
        entry.card = card
        entry.history.append((at, p.result))
    return schedule


def retention_series(
    reviews: Iterable[Review], now: datetime, group: Callable[[PointCard], str]
) -> tuple[Schedule, dict[str, list[dict[str, object]]]]:
    """The schedule, and per group (e.g. track) its points' mean recall probability at the start of
    each practice day and at ``now``: {at, retention, points} oldest first (a chart over time)."""
    series: dict[str, list[dict[str, object]]] = {}

    def snapshot(schedule: Schedule, at: datetime) -> None:
        per: dict[str, list[float]] = {}
        for card in schedule.cards.values():
            per.setdefault(group(card), []).append(card.retention(at))
        for name, values in sorted(per.items()):
            series.setdefault(name, []).append(
                {"at": at.isoformat(), "retention": round(sum(values) / len(values), 3), "points": len(values)}
            )

    schedule = fold(reviews, snapshot)
    if schedule.cards:
        snapshot(schedule, _utc(now))
    return schedule, series


def reviews(graded: Iterable[tuple[str, str, datetime]], grades: Iterable[tuple[str, Grade]]) -> list[Review]:
    """One review per graded question of a session: judged by its latest grade version
    (``grades``: (session id, grade)), at the time of its last grading event (``graded``: (session
    id, question id, time)); a rescore replaces the verdict, not the time it was given. A grade with
    no grading event (an answer first graded by rescore) counts at its ``graded_at``."""
    times = {(sid, qid): at for sid, qid, at in graded}
    out: list[Review] = []
    for sid, grade in grades:
        at = times.get((sid, grade.question_id), grade.graded_at)
        out += [Review(at, sid, p) for p in point_results(grade)]
    return out


def session_reviews(session_id: str, events: Sequence[Event], grades: Mapping[str, Grade]) -> list[Review]:
    """The reviews of one session's event stream (``grades``: its latest grade per question; the
    grades its events carry stand in for any missing)."""
    graded = [e for e in events if isinstance(e, AnswerGraded)]
    latest = {e.question_id: e.grade for e in graded} | dict(grades)
    return reviews(((session_id, e.question_id, e.at) for e in graded), ((session_id, g) for g in latest.values()))


def store_reviews(store: Store) -> list[Review]:
    """The reviews of every session in the store (the same as ``session_reviews`` of each, read
    without parsing the whole event streams)."""
    graded = [(sid, qid, datetime.fromisoformat(at)) for sid, qid, at in store.graded_times()]
    return reviews(graded, ((sid, grade) for sid, _, grade in store.all_grades()))


def build_schedule(store: Store) -> Schedule:
    """The schedule of every graded answer in the store."""
    return fold(store_reviews(store))


def _utc(at: datetime) -> datetime:
    """FSRS takes only ``timezone.utc`` datetimes (a naive one is read as UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
