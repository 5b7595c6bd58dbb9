"""Fixtures of the TUI tests.

Every test gets its own INTERVIEWER_HOME and store. The bank, the embedder and the note index
are loaded once per session (``warm_services``) and shared, so a test starts an interview in
well under a second instead of loading the model again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import BANK_DIR, seed_sessions, services_for

from interviewer.bank import load_bank
from interviewer.config import Settings
from interviewer.services import Services
from interviewer.store.db import Store


@pytest.fixture(autouse=True)
def tui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp INTERVIEWER_HOME and a fixed time zone (dates on screen are local time)."""
    home = tmp_path / "home"  # the same directory as the repo-level isolated_home, when there is one
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield home
    monkeypatch.undo()
    time.tzset()


def _settings(home: Path) -> Settings:
    return Settings(
        home=home, model="", lang="en", question_timer_s=0, max_follow_ups=2, judge_samples=1, chroma_url=""
    )


@pytest.fixture(scope="session")
def warm_services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The fixture bank with its index built and the embedder loaded, shared by every test."""
    home = tmp_path_factory.mktemp("tui-shared-home")
    bank = load_bank([BANK_DIR], builtin=False, strict=True)
    services = Services(_settings(home), bank=bank, store=Store(home / "unused.sqlite3"))
    services.warm()
    return services


@pytest.fixture
def tui_services(warm_services: Services, tui_home: Path) -> Services:
    """Per-test services: own home and empty store, shared bank/index/embedder."""
    return services_for(warm_services, tui_home)


@pytest.fixture
def seeded(tui_services: Services) -> dict[str, str]:
    """The store holds three canned sessions (older, completed, active); returns their ids by name."""
    return seed_sessions(tui_services.store, tui_services.bank)
