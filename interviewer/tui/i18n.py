"""The TUI's key bar in the session's language. Every visible string lives in the message catalog
(``interviewer/messages.py``, ``msg(key, lang)``): a session's screens (interview, feedback,
replay) speak its language, Home and History the configured one.

Key bindings are declared in English; ``localize_bindings`` relabels a screen's key bar from the
catalog's ``key.<description>`` messages, and the command palette's key ("palette") too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from interviewer.messages import has, msg


def localize_bindings(node: Any, lang: str) -> None:
    """Relabel the key bar of ``node`` (a screen) in ``lang``: each binding whose description has a
    ``key.<description>`` message gets its translation. Textual declares bindings per class, so the
    node's own copy of the map gets relabelled bindings (the class's stay English)."""
    if lang != "zh":
        return
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        table[key] = [
            replace(b, description=msg(f"key.{b.description}", lang)) if has(f"key.{b.description}") else b
            for b in bindings
        ]
    app = node.app
    palette = app.COMMAND_PALETTE_BINDING  # the app's binding, labelled 'palette' in the key bar
    if app.ENABLE_COMMAND_PALETTE and palette not in table:
        label = msg("key.palette", lang)
        display = app.COMMAND_PALETTE_DISPLAY
        table[palette] = [
            Binding(palette, "app.command_palette", label, show=False, key_display=display, priority=True)
        ]
    refresh = getattr(node, "refresh_bindings", None)
    if refresh is not None:
        refresh()
