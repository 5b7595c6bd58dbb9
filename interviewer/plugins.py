"""Extension points: the app's own implementations and those of installed plugin packages.

Each extension point is an entry-point group. A plugin package adds an implementation without any
edit to ``interviewer/`` by declaring, in its own ``pyproject.toml``::

    [project.entry-points."interviewer.embedders"]
    my-embedder = "my_package.module:factory"

    [project.entry-points."interviewer.exporters"]
    docx = "my_package.export:DocxExporter"

    [project.entry-points."interviewer.judges"]
    strict = "my_package.judge:make"

The built-ins below are found the same way, by import path, so the app works from a source tree
that was never installed. Discovery reads package metadata only (no plugin module is imported
until its name is asked for): cheap enough for ``config`` validation on every start.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.metadata import entry_points

EMBEDDERS = "interviewer.embedders"
EXPORTERS = "interviewer.exporters"
JUDGES = "interviewer.judges"

BUILTIN: dict[str, dict[str, str]] = {
    EMBEDDERS: {
        "e5-small": "interviewer.rag.embedders:e5_small",
        "sentence-transformers": "interviewer.rag.embedders:sentence_transformers",
    },
    EXPORTERS: {
        "md": "interviewer.exporters:MarkdownExporter",
        "html": "interviewer.exporters:HtmlExporter",
        "json": "interviewer.exporters:JsonExporter",
    },
    JUDGES: {
        "offline": "interviewer.judge.registry:offline",
        "llm": "interviewer.judge.registry:llm",
    },
}
"""Group -> name -> "module:attribute". A plugin cannot replace a built-in name."""


class PluginError(ValueError):
    """An unknown name, or a plugin that fails to load (its package named)."""


@lru_cache(maxsize=8)
def _installed(group: str) -> dict[str, str]:
    """Name -> "module:attribute" of the plugins installed for ``group`` (not imported)."""
    return {ep.name: ep.value for ep in entry_points(group=group) if ep.name not in BUILTIN.get(group, {})}


def names(group: str) -> list[str]:
    """Every name ``group`` knows: the built-ins first, then the installed plugins, sorted."""
    return [*BUILTIN.get(group, {}), *sorted(_installed(group))]


def load(group: str, name: str) -> object:
    """The object registered as ``name`` in ``group``, imported on first use."""
    target = BUILTIN.get(group, {}).get(name) or _installed(group).get(name)
    if target is None:
        raise PluginError(f"unknown {group.rsplit('.', 1)[-1][:-1]} {name!r}: known are {', '.join(names(group))}")
    module, _, attr = target.partition(":")
    try:
        obj: object = importlib.import_module(module)
        for part in attr.split(".") if attr else []:
            obj = getattr(obj, part)
    except Exception as exc:  # a broken plugin must not take the app down with a traceback
        raise PluginError(f"{group} plugin {name!r} ({target}) failed to load: {exc}") from exc
    return obj


def refresh() -> None:
    """Forget discovered plugins (after installing one in a running process: tests)."""
    _installed.cache_clear()
