"""Small display helpers shared by the screens (formatting only, no interview logic)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from interviewer.domain import TRACKS


def when(value: str | datetime | None, short: bool = False) -> str:
    """A timestamp as local 'YYYY-MM-DD HH:MM' (short: 'MM-DD HH:MM')."""
    if value is None or value == "":
        return "—"
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        return str(value)[:16]
    if dt.tzinfo is not None:
        dt = dt.astimezone()
    return dt.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


def track_name(track: str, lang: str = "en") -> str:
    names = TRACKS.get(track)
    return names.get(lang, track) if names else track


def track_names(tracks: list[str], lang: str = "en", empty: str = "all tracks") -> str:
    return ", ".join(track_name(t, lang) for t in tracks) or empty


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def score_style(value: float | None) -> str:
    if value is None:
        return "dim"
    if value >= 70:
        return "green"
    if value >= 40:
        return "yellow"
    return "red"


def meter(value: float | None, width: int = 10) -> Text:
    """A 0-100 score as a bar, coloured by band."""
    if value is None:
        return Text("░" * width, style="dim")
    filled = max(0, min(width, round(value / 100 * width)))
    return Text.assemble(("█" * filled, score_style(value)), ("░" * (width - filled), "dim"))


def criterion_bar(value: int) -> Text:
    """A 0-4 criterion score as a four-cell bar with the number."""
    style = "green" if value >= 3 else "yellow" if value == 2 else "red"
    return Text.assemble(("█" * value, style), ("░" * (4 - value), "dim"), f" {value}/4")


def stars(difficulty: int | None) -> str:
    if not difficulty:
        return ""
    return "●" * difficulty + "○" * (5 - difficulty)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a note of what was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}… (+{len(text) - limit:,} characters)"


def one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
