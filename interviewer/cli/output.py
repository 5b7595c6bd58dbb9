"""Shared CLI helpers: printing (every byte that reaches the terminal is made safe) and user-facing errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn, TextIO

from interviewer.safetext import safe_json, safe_text


class CliError(Exception):
    """A user-facing error: printed without a traceback, exits with ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 2) -> NoReturn:
    raise CliError(message, code)


def say(text: object = "", *, file: TextIO | None = None, end: str = "\n") -> None:
    """Print plain text with terminal controls neutralised (see :mod:`interviewer.safetext`)."""
    (file or sys.stdout).write(safe_text(str(text)) + end)


def warn(text: str) -> None:
    """A one-line notice on stderr."""
    say(text, file=sys.stderr)


def print_json(data: Any) -> None:
    sys.stdout.write(safe_json(json.dumps(data, ensure_ascii=False, indent=2, default=str)))
    sys.stdout.write("\n")
