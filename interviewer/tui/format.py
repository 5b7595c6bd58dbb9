"""Small display helpers shared by the screens (formatting only, no interview logic)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text

from interviewer.messages import msg

if TYPE_CHECKING:  # the domain models import pydantic: Home's first frame does without
    from interviewer.domain import ClaimDoubt, ClaimError, Track


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


def track_name(track: str, lang: str, tracks: Mapping[str, Track]) -> str:
    """A track's name in ``lang`` from the bank's ``tracks``; its id for a track the bank does not
    declare (or before the bank is loaded)."""
    known = tracks.get(track)
    if known is None:
        return track
    return known.name.zh if lang == "zh" else known.name.en


def track_names(ids: list[str], lang: str, tracks: Mapping[str, Track], empty: str = "all tracks") -> str:
    return ", ".join(track_name(t, lang, tracks) for t in ids) or empty


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


def note_label(ref: str, titles: Mapping[str, str] | None = None) -> str:
    """Where to read: the note's title, or the bare id when no title is known (a note gone)."""
    title = (titles or {}).get(ref.split("::", 1)[0], "")
    return title if title and ref else ref


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str, limit: int) -> str:
    """Untrusted text (the answer's words) as one printable line: no terminal controls."""
    return one_line(_CONTROL.sub("", text), limit)


def _claim_error_parts(
    errors: Sequence[ClaimError], lang: str, titles: Mapping[str, str] | None, limit: int | None, compact: bool
) -> list[tuple[str, str]]:
    """(line, kind) pairs; kind is heading, quote, correction, read or more. ``compact`` puts the
    note to read on the correction's line."""
    if not errors:
        return []
    colon = msg("sep.colon", lang)
    shown = errors if limit is None else errors[:limit]
    parts = [(f"{msg('errors', lang)} ({len(errors)})", "heading")]
    for e in shown:
        read = f"{msg('read', lang)}{colon}{_plain(note_label(e.reference, titles), 160)}" if e.reference else ""
        parts.append((f"  ✗ “{_plain(e.quote, 160)}”", "quote"))
        if compact:
            parts.append((f"    → {_plain(e.correction, 160)}" + (f"  · {read}" if read else ""), "correction"))
            continue
        parts.append((f"    → {_plain(e.correction, 200)}", "correction"))
        if read:
            parts.append((f"    {read}", "read"))
    if len(shown) < len(errors):
        parts.append(("  " + msg("errors.more", lang, n=len(errors) - len(shown)), "more"))
    return parts


def claim_error_lines(
    errors: Sequence[ClaimError], lang: str, titles: Mapping[str, str] | None = None, limit: int | None = None
) -> list[str]:
    """The grade's wrong claims as plain lines, most important first: a heading, then per claim the
    answer's words, the correction and the note to read. [] when the answer made none."""
    return [line for line, _ in _claim_error_parts(errors, lang, titles, limit, compact=False)]


def _unverified_parts(
    doubts: Sequence[ClaimDoubt], lang: str, titles: Mapping[str, str] | None, limit: int
) -> list[tuple[str, str]]:
    """(line, kind) pairs for the sentences the judge could not verify: the answer's words, then the
    misconception they read close to, with the correction and the note to read."""
    if not doubts:
        return []
    colon = msg("sep.colon", lang)
    parts = [(f"{msg('unverified', lang)} ({len(doubts)})", "heading")]
    for d in doubts[:limit]:
        read = f"  · {msg('read', lang)}{colon}{_plain(note_label(d.reference, titles), 160)}" if d.reference else ""
        parts.append((f"  ? “{_plain(d.quote, 160)}”", "quote"))
        parts.append((f"    {msg('unverified.resembles', lang, claim=_plain(d.claim, 140))}", "claim"))
        parts.append((f"    → {_plain(d.correction, 160)}{read}", "correction"))
    if len(doubts) > limit:
        parts.append(("  " + msg("errors.more", lang, n=len(doubts) - limit), "more"))
    return parts


_UNVERIFIED_STYLES = {"heading": "bold yellow", "quote": "yellow", "claim": "dim", "correction": "dim", "more": "dim"}


def unverified_claims(
    doubts: Sequence[ClaimDoubt], lang: str, titles: Mapping[str, str] | None = None, limit: int = 2
) -> Text:
    """The sentences the judge could not verify, styled for the screen below the wrong claims: a lead to
    check, not a verdict (nothing was deducted)."""
    parts = _unverified_parts(doubts, lang, titles, limit)
    return Text("\n").join(Text(line, style=_UNVERIFIED_STYLES[kind]) for line, kind in parts)


_ERROR_STYLES = {"heading": "bold red", "quote": "red", "correction": "green", "read": "dim", "more": "dim italic"}


def claim_errors(
    errors: Sequence[ClaimError], lang: str, titles: Mapping[str, str] | None = None, limit: int = 3
) -> Text:
    """The wrong claims styled for the screen, two lines each (the answer's words in red, then the
    correction in green with the note to read)."""
    parts = _claim_error_parts(errors, lang, titles, limit, compact=True)
    return Text("\n").join(Text(line, style=_ERROR_STYLES[kind]) for line, kind in parts)
