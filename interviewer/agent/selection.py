"""Question selection: by tracks, difficulty and history; difficulty adapts to the last grade."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from interviewer.domain import Question


@dataclass
class Selector:
    """Picks the next question. Deterministic for a given seed, so sessions can be reproduced."""

    questions: Sequence[Question]
    tracks: Sequence[str] = ()
    difficulty: int | None = None
    avoid: set[str] = field(default_factory=set)
    """Question ids asked in recent sessions: used only when enough fresh questions remain."""
    seed: str = ""
    forced: list[str] = field(default_factory=list)
    """Explicit question ids, asked first and in this order (headless answers files)."""

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._target = self.difficulty

    def pool(self) -> list[Question]:
        return [q for q in self.questions if not self.tracks or q.track in self.tracks]

    def adapt(self, last_overall: float | None) -> None:
        """Harder after a strong answer, easier after a weak one (within 1..5)."""
        if last_overall is None:
            return
        base = self._target or 3
        if last_overall >= 75:
            self._target = min(5, base + 1)
        elif last_overall < 40:
            self._target = max(1, base - 1)

    @property
    def target_difficulty(self) -> int | None:
        return self._target

    def next(self, asked: Sequence[str]) -> Question | None:
        by_id = {q.id: q for q in self.questions}
        for qid in self.forced:
            if qid not in asked and qid in by_id:
                return by_id[qid]
        candidates = [q for q in self.pool() if q.id not in asked]
        if not candidates:
            return None
        fresh = [q for q in candidates if q.id not in self.avoid]
        if fresh:
            candidates = fresh
        # Spread tracks: prefer a track not yet covered in this session.
        asked_tracks = {by_id[a].track for a in asked if a in by_id}
        new_track = [q for q in candidates if q.track not in asked_tracks]
        if new_track:
            candidates = new_track
        if self._target is not None:
            best = min(abs(q.difficulty - self._target) for q in candidates)
            candidates = [q for q in candidates if abs(q.difficulty - self._target) == best]
        ordered = sorted(candidates, key=lambda q: q.id)
        return self._rng.choice(ordered)
