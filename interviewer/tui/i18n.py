"""The TUI's key bar in the session's language. Every visible string lives in the message catalog
(``interviewer/messages.py``, ``msg(key, lang)``): a session's screens (interview, feedback,
replay) speak its language, Home and History the configured one.

Key bindings are declared in English; ``localize_bindings`` relabels a screen's key bar from the
catalog's ``key.<description>`` messages, the app's own keys (help, the palette) included.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from interviewer.messages import has, msg, translated


def localize_bindings(node: Any, lang: str) -> None:
    """Relabel the key bar of ``node`` (a screen) in ``lang``: each binding whose description has a
    ``key.<description>`` message gets its translation. Textual declares bindings per class, so the
    node's own copy of the map gets relabelled bindings (the class's stay English)."""
    if lang != "zh":
        return
    _relabel(node, lang)
    table = node._bindings.key_to_bindings
    # The app's own bindings (F1 help, the palette's key) show in every screen's key bar: this
    # screen gets relabelled copies that run the app's actions.
    for key, bindings in node.app._bindings.key_to_bindings.items():
        if key in table:
            continue
        relabelled = [
            replace(
                b,
                action=b.action if b.action.startswith("app.") else f"app.{b.action}",
                description=msg(f"key.{b.description}", lang),
            )
            for b in bindings
            if has(f"key.{b.description}")
        ]
        if relabelled:
            table[key] = relabelled
    refresh = getattr(node, "refresh_bindings", None)
    if refresh is not None:
        refresh()


def _relabel(node: Any, lang: str) -> None:
    """Translate the descriptions in ``node``'s own copy of its bindings (Textual copies the class's
    map into each instance)."""
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        table[key] = [replace(b, description=translated("key", b.description, lang)) for b in bindings]


def localize_focus_chain(widget: Any, lang: str) -> None:
    """Relabel what the Keys panel lists for ``widget``: its bindings and its ancestors' up to the
    screen (Textual's own widgets — the editor, scroll views, lists — declare theirs in English). The
    app's map is shared by every screen and stays as it is."""
    if lang != "zh":
        return
    from textual.app import App

    for node in widget.ancestors_with_self:
        if not isinstance(node, App):
            _relabel(node, lang)


def fallback_title(stage: str, lang: str) -> str:
    """The title of the notice that a stage (``Fallback.stage``: judge, follow_up, …) fell back."""
    return msg("fallback.title", lang, stage=translated("stage", stage, lang))


def fallback_notice(stage: str, reason: str, lang: str) -> str:
    """The body of that notice: the technical reason (English, as stored in the transcript), after
    what it means for the candidate in a zh session."""
    if lang != "zh" or not has(f"fallback.{stage}"):
        return reason
    return f"{msg(f'fallback.{stage}', lang)}（{reason}）"
