"""Export formats for a stored session: one class per format, found through ``interviewer.plugins``.

An exporter has a ``description`` and ``render(ctx) -> str``. A plugin package adds a format
(``interviewer export ID --format NAME``) by registering a class or factory under the entry-point
group ``interviewer.exporters``; it receives the same ``ExportContext`` as the built-ins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from interviewer.bank import Bank
    from interviewer.domain import Session
    from interviewer.progress import Progress
    from interviewer.store.db import Store


@dataclass
class ExportContext:
    """What a format may draw on: the session, the bank it was asked from, and the store (history)."""

    session_id: str
    session: Session
    bank: Bank
    store: Store

    @cached_property
    def progress(self) -> Progress:
        """Progress over every stored session, in the session's language (computed once, if asked for)."""
        from interviewer.progress import compute_progress

        return compute_progress(self.store, self.bank, self.session.lang)


class Exporter(Protocol):
    description: str

    def render(self, ctx: ExportContext) -> str: ...


class MarkdownExporter:
    description = "Markdown transcript with grades, errors and what to study next"

    def render(self, ctx: ExportContext) -> str:
        from interviewer.report import transcript_markdown

        return transcript_markdown(ctx.session, ctx.bank, cards=ctx.progress.cards)


class HtmlExporter:
    description = "a self-contained HTML report with charts"

    def render(self, ctx: ExportContext) -> str:
        from interviewer.report import transcript_html

        progress = ctx.progress
        history = [(s[1][:10], s[2]) for s in progress.sessions]
        public = progress.public()["tracks"]
        tracks = public if isinstance(public, dict) else {}
        return transcript_html(ctx.session, ctx.bank, history=history, tracks=tracks, cards=progress.cards)


class JsonExporter:
    description = "every stored event, for `interviewer import`"

    def render(self, ctx: ExportContext) -> str:
        from interviewer.agent.transcript import session_json
        from interviewer.safetext import safe_json
        from interviewer.store.exchange import export_session

        data = export_session(ctx.store, ctx.session_id, session_json(ctx.session, ctx.bank.questions)["questions"])
        return safe_json(json.dumps(data, ensure_ascii=False, indent=2))


def get_exporter(name: str) -> Exporter:
    """The exporter registered as ``name`` (a class or factory is called with no arguments)."""
    from interviewer import plugins

    found = plugins.load(plugins.EXPORTERS, name)
    exporter = found() if isinstance(found, type) or (callable(found) and not hasattr(found, "render")) else found
    if not hasattr(exporter, "render"):
        raise plugins.PluginError(f"exporter {name!r} has no render(ctx) method")
    return exporter  # type: ignore[return-value]


def formats() -> list[str]:
    from interviewer import plugins

    return plugins.names(plugins.EXPORTERS)
