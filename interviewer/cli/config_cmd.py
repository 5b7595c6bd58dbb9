"""`interviewer config show [--json]`: effective settings, secrets masked."""

from __future__ import annotations

import argparse

from interviewer.cli.common import settings_from
from interviewer.cli.output import print_json, say


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("config", help="show effective settings")
    csub = p.add_subparsers(dest="config_cmd", required=True)
    s = csub.add_parser("show", help="print effective settings (API keys masked)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from interviewer.config import Settings

    data = settings_from(args).masked()
    if args.json:
        print_json(data)
        return 0
    docs = {name: (field.description or "") for name, field in Settings.model_fields.items()}
    for key, value in data.items():
        shown = "(offline engine)" if key == "model" and not value else value
        say(f"{key:<16} = {shown!s:<40} {docs.get(key, '')[:70]}")
    return 0
