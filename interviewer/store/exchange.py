"""JSON export / import of a whole session: its event stream and every grade version.

`import` of an `export --format json` rebuilds an identical session (same id, turns, grades).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from interviewer import __version__
from interviewer.agent.events import (
    EVENT_ADAPTER,
    Event,
    QuestionAsked,
    SessionEnded,
    SessionStarted,
    TokenStreamed,
    parse_event,
)
from interviewer.domain import Grade
from interviewer.store.db import Store, StoreError

FORMAT = "interviewer-session/1"


def export_session(store: Store, session_id: str, questions_json: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    session = store.load(session_id)
    return {
        "format": FORMAT,
        "app_version": __version__,
        "session_id": session.id,
        "overall": session.overall(),
        "session": session.model_dump(mode="json"),
        "questions": questions_json or [],
        "events": [EVENT_ADAPTER.dump_python(e, mode="json") for e in store.events(session_id)],
        "grade_versions": [
            {"origin": origin, "grade": grade.model_dump(mode="json")}
            for origin, grade in store.grade_versions(session_id)
        ],
    }


SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""What a session id may be: the app makes 12 hex digits; an import may not bring an empty, huge or
path-like one (it could then never be shown or deleted, or would land in file names)."""
QUESTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,199}")
"""The bank's question id pattern."""
ORIGIN = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def import_session(store: Store, data: Any) -> str:
    """Store an exported session; StoreError (nothing stored) if the export is malformed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"not an interviewer session export (expected format {FORMAT!r})")
    try:
        events = [parse_event(e) for e in data["events"]]
        versions = [(str(v["origin"]), Grade.model_validate(v["grade"])) for v in data.get("grade_versions") or []]
    except RecursionError:
        raise StoreError("the export is malformed: nested too deeply") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"the export is malformed: {_one_line(exc)}") from None
    check_events(events, versions)
    # Every grade version comes back in its order and with its origin (interview, rescore, ...);
    # an export without them falls back to the grades its events carry.
    return store.import_events(events, versions or None)


def check_events(events: Sequence[Event], versions: Sequence[tuple[str, Grade]] = ()) -> None:
    """The stream the app writes: one session_started first, with a well-formed id that every event
    carries; a question's answers, follow-ups, grades and closing after it is asked; session_ended
    (if any) last. StoreError naming the first event that breaks it."""
    if not events or not isinstance(events[0], SessionStarted):
        raise StoreError("an imported session must start with a session_started event")
    first = events[0]
    sid = first.session_id
    if not SESSION_ID.fullmatch(sid):
        raise StoreError(f"the session id {_show(sid)} is not valid: 1-64 letters, digits, '-' or '_'")
    if first.session.id != sid:
        raise StoreError(f"session_started names the session {_show(first.session.id)}, its events {_show(sid)}")
    asked: set[str] = set()
    for n, event in enumerate(events[1:], start=2):
        if event.session_id != sid:
            raise StoreError(
                f"the export mixes events of other sessions (event {n}: {_show(event.session_id)}); nothing was imported"
            )
        if isinstance(event, SessionStarted):
            raise StoreError(f"event {n} starts the session a second time; nothing was imported")
        if isinstance(events[n - 2], SessionEnded):
            raise StoreError(f"event {n} comes after the session ended; nothing was imported")
        if isinstance(event, TokenStreamed):
            raise StoreError(f"event {n} is a streamed token, which is never stored; nothing was imported")
        qid = getattr(event, "question_id", None)
        if qid is None:
            continue
        if not QUESTION_ID.fullmatch(qid):
            raise StoreError(f"event {n} names an invalid question id {_show(qid)}")
        if isinstance(event, QuestionAsked):
            asked.add(qid)
        elif qid not in asked:
            raise StoreError(f"event {n} ({event.type}) is about question {qid!r} before it was asked")
    for origin, grade in versions:
        if not ORIGIN.fullmatch(origin):
            raise StoreError(f"a grade version has an invalid origin {_show(origin)}")
        if grade.question_id not in asked:
            raise StoreError(f"a grade version is for question {_show(grade.question_id)}, which was never asked")


def _show(value: str) -> str:
    """An untrusted value in a message: quoted, control characters escaped, cut short."""
    shown = repr(value[:40])
    return shown + (f" (… {len(value)} characters)" if len(value) > 40 else "")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")
