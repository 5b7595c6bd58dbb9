"""What the app and its screens share without importing each other: the options an interview starts
with, where the app opens, and the error raised when the app's services cannot load."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

WarmState = Literal["loading", "indexing", "ready", "failed"]


class ServicesUnavailable(Exception):
    """The bank or the index could not be loaded; the message says why."""


@dataclass
class InterviewOptions:
    """What the Home form (or `interviewer interview`) asks for; turned into an InterviewPlan later."""

    count: int = 5
    tracks: list[str] = field(default_factory=list)
    difficulty: int | None = None
    lang: Literal["zh", "en"] = "en"
    model: str | None = None
    """None: the configured model; '': the offline engine."""
    forced: list[str] = field(default_factory=list)
    """Questions to ask first, by id (a retry of a question from its feedback)."""
    targets: dict[str, list[str]] = field(default_factory=dict)
    """Question id -> key point ids to practise (a practice session: follow-ups aim at them)."""
    practice: Literal["", "review", "new", "diagnostic"] = ""
    """A practice session (Home's Practice action): on due points ('review'), new material only
    because nothing is due ('new'), or a first diagnostic; '' for an ordinary interview."""


@dataclass
class Launch:
    """Where the app opens: Home, or straight into an interview, a resume or a replay."""

    interview: InterviewOptions | None = None
    resume: str | None = None
    replay: str | None = None
