"""Entry point of the `interviewer` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from interviewer import __version__
from interviewer.cli import bank_cmd, config_cmd, eval_cmd, rag_cmd, run_cmd, session_cmd, tui_cmd
from interviewer.cli.output import CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Mock interviews for senior AI / LLM engineering jobs. Without a command: the TUI home screen.",
    )
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    sub = parser.add_subparsers(dest="command")
    for module in _command_modules():
        module.register(sub)
    return parser


def _command_modules() -> list:  # type: ignore[type-arg]
    return [bank_cmd, run_cmd, rag_cmd, session_cmd, eval_cmd, config_cmd, tui_cmd]


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
        print(f"interviewer: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `interviewer replay ID --plain | head`
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
