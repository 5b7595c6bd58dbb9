"""Entry point of the `interviewer` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from interviewer import __version__
from interviewer.cli import (
    bank_cmd,
    code_cmd,
    config_cmd,
    eval_cmd,
    practice_cmd,
    rag_cmd,
    run_cmd,
    session_cmd,
    tui_cmd,
)
from interviewer.cli.output import CliError, say
from interviewer.safetext import safe_text


class _Parser(argparse.ArgumentParser):
    """argparse quotes bad arguments back in its errors: neutralise terminal controls there too."""

    def _print_message(self, message: str, file: Any = None) -> None:
        super()._print_message(safe_text(message) if message else message, file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="interviewer",
        description="Mock interviews for senior AI / LLM engineering jobs. Without a command: the TUI home screen.",
    )
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    sub = parser.add_subparsers(dest="command")
    for module in _command_modules():
        module.register(sub)
    return parser


def _command_modules() -> list:  # type: ignore[type-arg]
    return [bank_cmd, run_cmd, rag_cmd, session_cmd, eval_cmd, config_cmd, tui_cmd, code_cmd, practice_cmd]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    try:
        if func is None:
            from interviewer.cli.tui_cmd import run_home

            return run_home(args)
        return int(func(args) or 0)
    except CliError as exc:
        _error(str(exc))
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `interviewer replay ID --plain | head`
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        message = _known_error(exc)
        if message is None:
            raise
        _error(message)
        return 2


def _error(message: str) -> None:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    say(f"interviewer: error: {'; '.join(lines) or 'failed'}", file=sys.stderr)


def _known_error(exc: BaseException) -> str | None:
    """A one-line message for the errors bad input or a bad environment can cause anywhere (a broken
    config file, a damaged database, an unusable home directory); None for anything else (a bug)."""
    config = sys.modules.get("interviewer.config")
    if config is not None and isinstance(exc, config.SettingsError):
        return str(exc)
    db = sys.modules.get("interviewer.store.db")
    if db is not None and isinstance(exc, db.StoreError):
        return str(exc)
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError):
        return (
            f"{_db_path()}: {exc}; the database may be damaged — `sqlite3 FILE .recover` can save what is "
            "readable; nothing else was changed"
        )
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    return None


def _db_path() -> str:
    from interviewer import paths

    try:
        from interviewer.config import load_settings

        return str(paths.db_file(load_settings().home))
    except Exception:
        return str(paths.db_file())
