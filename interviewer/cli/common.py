"""Building settings and services from CLI arguments."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from interviewer.cli.output import fail

if TYPE_CHECKING:
    from interviewer.config import Settings
    from interviewer.services import Services


def settings_from(args: argparse.Namespace) -> Settings:
    from interviewer.config import SettingsError, load_settings

    overrides = {
        "lang": getattr(args, "lang", None),
        "model": getattr(args, "model", None),
    }
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc))


def services_from(args: argparse.Namespace) -> Services:
    from interviewer.services import Services

    return Services(private_home(settings_from(args)))


def private_home(settings: Settings) -> Settings:
    """Create the app's home readable by the user only (0700) before anything writes into it."""
    from interviewer import paths

    try:
        paths.ensure_private_dir(settings.home)
    except OSError as exc:
        fail(f"cannot create the app's home {settings.home}: {exc.strerror or exc}")
    return settings


def add_plan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--track", action="append", default=[], help="track to draw from (repeatable)")
    p.add_argument("--count", type=int, help="number of questions")
    p.add_argument("--difficulty", type=int, choices=range(1, 6), help="starting difficulty 1-5")
    p.add_argument("--lang", choices=["zh", "en"], help="interview language")
    p.add_argument("--model", help="litellm model string; '' for the offline engine")


def check_tracks(tracks: list[str], services: Services) -> None:
    """Exit 2 on a track the bank (built-in and user banks) does not declare; loads the bank only
    when tracks are given."""
    if not tracks:
        return
    known = services.tracks
    for t in tracks:
        if t not in known:
            fail(f"unknown track {t!r}; tracks: {', '.join(known)}")


def resolve_session(services: Services, prefix: str) -> str:
    from interviewer.store.db import StoreError, UnknownSession

    try:
        return services.store.resolve(prefix)
    except UnknownSession:
        fail(f"unknown session id {prefix!r} (see `interviewer history`)")
    except StoreError as exc:
        fail(str(exc))
