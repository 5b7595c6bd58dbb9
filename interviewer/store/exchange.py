"""JSON export / import of a whole session: its event stream and every grade version.

`import` of an `export --format json` rebuilds an identical session (same id, turns, grades).
"""

from __future__ import annotations

from typing import Any

from interviewer import __version__
from interviewer.agent.events import EVENT_ADAPTER, parse_event
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


def import_session(store: Store, data: Any) -> str:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"not an interviewer session export (expected format {FORMAT!r})")
    try:
        events = [parse_event(e) for e in data["events"]]
        versions = [(str(v["origin"]), Grade.model_validate(v["grade"])) for v in data.get("grade_versions", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"the export is malformed: {exc}") from None
    # Every grade version comes back in its order and with its origin (interview, rescore, ...);
    # an export without them falls back to the grades its events carry.
    return store.import_events(events, versions or None)
