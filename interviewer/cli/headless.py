"""What the headless commands (`run`, `practice --answers`) share: the store opened before the
interview, fallbacks said on stderr, the wait for a locked database, the exit code for ungraded answers."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from interviewer.cli.output import fail, warn

if TYPE_CHECKING:
    from interviewer.bank import Bank
    from interviewer.domain import Session
    from interviewer.services import Services
    from interviewer.store.db import Store


SAVE_WAIT_S = 300.0
"""How long `run` waits, at the end, for a database another process keeps locked."""


def _wait_saved(store: Store) -> None:
    """Return once the whole session is in the database. Under a lock the store keeps what it could
    not write in a local journal and retries; say so, and never exit as if it were saved."""
    if not getattr(store, "pending_writes", 0):
        return
    journal = store.journal_path
    print(
        f"interviewer: the database is locked by another process; the session is kept in {journal} "
        f"and saved as soon as the lock clears (waiting up to {SAVE_WAIT_S / 60:g} min)…",
        file=sys.stderr,
    )
    try:
        saved = store.wait_saved(SAVE_WAIT_S)
    except KeyboardInterrupt:
        saved = False
    if not saved:
        fail(
            f"the session is not in the database yet ({store.write_error or 'still locked'}); it is kept in "
            f"{journal} and will be saved the next time interviewer opens the database",
            code=1,
        )
    print("interviewer: the session is saved.", file=sys.stderr)


def _graded_or_said(session: Session) -> int:
    """0, or 1 with a message when an answered question has no grade (never silently null)."""
    skipped = {t.question_id for t in session.turns if t.kind == "skip"}
    ungraded = [q for q in session.asked() if q not in skipped and session.answers_for(q) and q not in session.grades]
    if not ungraded:
        return 0
    print(
        f"interviewer: error: {len(ungraded)} answered question(s) could not be graded ({', '.join(ungraded)}); "
        f"the answers are saved — `interviewer rescore {session.id}` grades them again",
        file=sys.stderr,
    )
    return 1


def _bank(services: Services) -> Bank:
    """The bank; a file of it that did not load is said on stderr (its questions are missing)."""
    bank = services.bank
    for issue in bank.issues:
        warn(f"warning: {issue}")
    return bank


class _FallbackNotices:
    """Says on stderr when the model is not used: an LLM call failed and the offline engine took
    over, the token budget ran out, retrieval failed (the session records the same events)."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, event: object) -> None:
        from interviewer.agent.events import Fallback

        if not isinstance(event, Fallback) or (event.stage, event.reason) in self.seen:
            return
        self.seen.add((event.stage, event.reason))
        what = (
            "the offline engine takes over" if event.stage in ("llm", "budget") else "fell back to the offline engine"
        )
        warn(f"interviewer: {event.stage}: {what}: {' '.join(event.reason.split())}")


def _open_store(services: Services) -> None:
    """Refuse a corrupt or newer database before the interview starts, not after the answers."""
    from interviewer.store.db import StoreError

    try:
        services.store.sessions(limit=1)
    except StoreError as exc:
        fail(str(exc))
