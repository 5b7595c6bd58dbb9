"""The configured language, read without loading the settings.

The TUI's Home paints its first frame (title, what is loading, the key bar) in the user's language
before pydantic and the full settings are loaded; this reads the same three sources in the same
order as :class:`interviewer.config.Settings` does for ``lang`` — INTERVIEWER_LANG (any case), then
``lang`` in the TOML config file, then the system locale — with nothing validated: a value the
settings would reject reads as the locale's language here and is reported when the settings load.
"""

from __future__ import annotations

import locale
import os
from typing import Literal

from interviewer import paths

Lang = Literal["zh", "en"]


def default_lang() -> Lang:
    """The system locale's language: Chinese for a zh locale, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def configured_lang() -> Lang:
    """``Settings().lang`` when the settings are valid, without building them."""
    for name, value in os.environ.items():
        if name.lower() == "interviewer_lang":
            return _known(value)
    try:
        import tomllib

        with paths.config_file().open("rb") as f:
            configured: object = tomllib.load(f).get("lang")
    except (OSError, ValueError):  # no file, unreadable, not TOML: the settings say what is wrong
        configured = None
    return default_lang() if configured is None else _known(configured)


def _known(value: object) -> Lang:
    if value == "zh" or value == "en":
        return value
    return default_lang()
