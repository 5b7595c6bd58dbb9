"""The TUI commands: Home (no command), `interview`, `replay ID [--plain]` and `resume [ID]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from interviewer.cli.common import (
    add_plan_args,
    check_tracks,
    private_home,
    resolve_session,
    services_from,
    settings_from,
)
from interviewer.cli.output import fail

if TYPE_CHECKING:
    from interviewer.config import Settings
    from interviewer.services import Services
    from interviewer.tui.app import Launch


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("interview", help="open the TUI straight into a new interview")
    add_plan_args(p)
    p.set_defaults(func=cmd_interview)
    p = sub.add_parser("replay", help="step through a past session in the TUI (or print it with --plain)")
    p.add_argument("session_id", metavar="ID", help="session id or a unique prefix of one")
    p.add_argument("--plain", action="store_true", help="print the transcript and grades instead of opening the TUI")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the printed labels (default: the session's)")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("resume", help="continue an interrupted interview (default: the most recent one)")
    p.add_argument("session_id", metavar="ID", nargs="?", help="session id or a unique prefix of one")
    p.set_defaults(func=cmd_resume)


def _run(services: Services | Callable[[], Settings], launch: Launch | None = None) -> int:
    """Run the app on ``services``, or on a function that loads the settings after Home's first frame."""
    from interviewer.tui.app import make_app

    if callable(services):
        app = make_app(services, launch=launch)
    else:
        app = make_app(services.settings, services, launch=launch)
    app.run()
    if app.startup_error is not None:
        raise app.startup_error  # reported by main, as before the TUI starts
    code = app.return_code or 0
    if app.warming:
        # Quit during the first-run index build: the warm-up thread cannot be interrupted and Python
        # would wait for it at exit. Leave now; the next start resumes the build where it stopped.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def run_home(args: argparse.Namespace) -> int:
    """`interviewer` with no command: the Home screen. Its first frame paints before the settings load
    (pydantic); a broken config file quits the app right after it, with the same error."""
    return _run(lambda: private_home(settings_from(args)))


def cmd_interview(args: argparse.Namespace) -> int:
    from interviewer.tui.app import InterviewOptions, Launch

    if args.count is not None and args.count < 1:
        fail("--count must be at least 1")
    settings = settings_from(args)
    from interviewer.services import Services

    services = Services(private_home(settings))
    check_tracks(args.track, services)

    options = InterviewOptions(
        count=args.count or 5,
        tracks=list(dict.fromkeys(args.track)),
        difficulty=args.difficulty,
        lang=settings.lang,
        model=settings.model,
    )
    return _run(services, Launch(interview=options))


def cmd_replay(args: argparse.Namespace) -> int:
    from interviewer.tui.app import Launch

    services = services_from(args)
    session_id = resolve_session(services, args.session_id)
    if args.plain:
        from interviewer.cli.render import print_transcript

        session = services.store.load(session_id)
        print_transcript(session, services.bank, args.lang or session.lang, sys.stdout)
        return 0
    return _run(services, Launch(replay=session_id))


def cmd_resume(args: argparse.Namespace) -> int:
    from interviewer.tui.app import Launch

    services = services_from(args)
    if args.session_id:
        session_id = resolve_session(services, args.session_id)
        status = services.store.load(session_id).status
        if status != "active":
            fail(
                f"session {session_id} is {status}; only an interrupted session can be resumed "
                f"(see `interviewer replay {session_id}`)"
            )
    else:
        active = services.store.sessions(limit=1, status="active")
        if not active:
            fail("no interrupted session to resume (start one with `interviewer interview`)")
        session_id = active[0].id
    return _run(services, Launch(resume=session_id))
