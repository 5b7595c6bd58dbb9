"""What to practise now: the questions whose key points are most due and weakest, or, without
any history, one question per track (a diagnostic). A pure function of the bank, the schedule and
a clock, so the CLI and the TUI build the same session."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from interviewer.domain import Question
from interviewer.store.db import Store
from interviewer.study.schedule import PointCard, Schedule, build_schedule

MINUTES_PER_QUESTION = 6
"""A question with its follow-ups takes about this long: `--minutes` is turned into a count."""
DEFAULT_COUNT = 5
DIAGNOSTIC_DIFFICULTY = 3
"""A diagnostic asks middling questions: neither a giveaway nor a wall."""


@dataclass
class PracticePlan:
    question_ids: list[str] = field(default_factory=list)
    targets: dict[str, list[str]] = field(default_factory=dict)
    """Question id -> the key point ids it is asked for (due ones, weakest first); empty for a
    question asked to fill the session (new material)."""
    diagnostic: bool = False
    """No history yet: one question per track."""

    def public(self) -> dict[str, object]:
        return {
            "diagnostic": self.diagnostic,
            "questions": [{"question_id": q, "targets": self.targets.get(q, [])} for q in self.question_ids],
        }


def count_for(count: int | None, minutes: int | None) -> int | None:
    """The session length from ``--count`` or ``--minutes`` (None: the plan decides)."""
    if count is not None:
        return count
    if minutes is not None:
        return max(1, minutes // MINUTES_PER_QUESTION)
    return None


def plan_practice(
    store: Store,
    questions: Sequence[Question],
    now: datetime,
    *,
    count: int | None = None,
    tracks: Sequence[str] = (),
    track_order: Sequence[str] = (),
) -> PracticePlan:
    """The plan for ``now`` from the store's whole history (what the CLI and a TUI entry call); the
    same all day until something new is graded (the seed is the date)."""
    return select_practice(
        questions,
        build_schedule(store),
        now,
        count=count,
        tracks=tracks,
        seed=now.date().isoformat(),
        track_order=track_order,
    )


def select_practice(
    questions: Sequence[Question],
    schedule: Schedule,
    now: datetime,
    *,
    count: int | None = None,
    tracks: Sequence[str] = (),
    seed: str = "",
    track_order: Sequence[str] = (),
) -> PracticePlan:
    """Questions ranked by the urgency of their due key points (each due point counts 1 plus how
    likely it is forgotten, plus 1 if it was last stated wrongly), then new questions spread over
    tracks. Never a point ahead of its due time: the plan may be shorter than ``count``, even
    empty. Deterministic for a given ``seed``. New questions go round the tracks in ``track_order``
    (the bank's order of its tracks), then any other track by id."""
    pool = sorted((q for q in questions if not tracks or q.track in tracks), key=lambda q: q.id)
    rng = random.Random(seed)
    if not schedule.cards:
        n = count if count is not None else len({q.track for q in pool})
        return PracticePlan(_spread(pool, n, rng, track_order), diagnostic=True)
    n = count if count is not None else DEFAULT_COUNT
    plan = PracticePlan()
    by_question: dict[str, list[PointCard]] = {}
    for card in schedule.cards.values():
        by_question.setdefault(card.question_id, []).append(card)
    live = [q for q in pool if q.id in by_question]

    def points(q: Question, cards: list[PointCard]) -> list[PointCard]:
        ids = {kp.id for _, kp in q.rubric.key_points()}
        return sorted((c for c in cards if c.key_point in ids), key=lambda c: (c.retention(now), c.key))

    def urgency(cards: list[PointCard]) -> float:
        return sum(1 + (1 - c.retention(now)) + (c.last_result == "wrong") for c in cards)

    due = {q.id: [c for c in points(q, by_question[q.id]) if c.is_due(now)] for q in live}
    ranked = sorted((q for q in live if due[q.id]), key=lambda q: (-urgency(due[q.id]), q.id))
    for q in ranked[:n]:
        plan.question_ids.append(q.id)
        plan.targets[q.id] = [c.key_point for c in due[q.id]]
    fresh = [q for q in pool if q.id not in by_question]
    plan.question_ids += _spread(fresh, n - len(plan.question_ids), rng, track_order)
    return plan


def _spread(pool: Sequence[Question], n: int, rng: random.Random, track_order: Sequence[str] = ()) -> list[str]:
    """Up to ``n`` questions, one per track in the tracks' order and round again, each of middling
    difficulty where the track has one."""
    by_track: dict[str, list[Question]] = {}
    for q in pool:
        by_track.setdefault(q.track, []).append(q)
    order = [t for t in track_order if t in by_track] + sorted(t for t in by_track if t not in track_order)
    out: list[str] = []
    while len(out) < n and any(by_track.values()):
        for track in order:
            left = by_track[track]
            if not left or len(out) >= n:
                continue
            best = min(abs(q.difficulty - DIAGNOSTIC_DIFFICULTY) for q in left)
            pick = rng.choice([q for q in left if abs(q.difficulty - DIAGNOSTIC_DIFFICULTY) == best])
            left.remove(pick)
            out.append(pick.id)
    return out
