"""The store's errors and the rows it returns: plain types with no SQLite behind them, so the
application layer (``interviewer.services``) can hand them to the TUI without loading the store."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """A user-facing storage problem (corrupt, foreign or newer database)."""


class UnknownSession(KeyError):
    pass


@dataclass(frozen=True)
class SessionRow:
    id: str
    started_at: str
    status: str
    lang: str
    tracks: list[str]
    model: str
    overall: float | None
    questions: int

    def public(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "status": self.status,
            "lang": self.lang,
            "tracks": self.tracks,
            "model": self.model or "offline",
            "overall": self.overall,
            "questions": self.questions,
        }


@dataclass(frozen=True)
class Draft:
    """The unsent text of a session's open prompt, saved as the candidate types (and a coding
    question's unsent code)."""

    question_id: str
    follow_up_index: int
    text: str
    saved_at: str
    code: str = ""
