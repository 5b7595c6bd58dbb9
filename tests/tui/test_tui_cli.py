"""The TUI commands: `interviewer` (Home), `interview`, `replay ID [--plain]`, `resume [ID]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tui_helpers import BANK_DIR, seed_sessions

from interviewer import paths
from interviewer.bank import load_bank
from interviewer.cli.main import main
from interviewer.store.db import Store
from interviewer.tui.app import InterviewerApp, InterviewOptions, Launch


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[Launch]:
    """Record how the app would open instead of running it."""
    seen: list[Launch] = []

    def fake_run(self: InterviewerApp, *args: Any, **kwargs: Any) -> None:
        seen.append(self.launch)

    monkeypatch.setattr(InterviewerApp, "run", fake_run)
    return seen


@pytest.fixture
def stored(tui_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Canned sessions in this test's home; the fixture bank merged into the built-in one."""
    monkeypatch.setenv("INTERVIEWER_BANK", str(BANK_DIR))
    return seed_sessions(Store(paths.db_file(tui_home)), load_bank([BANK_DIR], builtin=False))


def test_no_command_opens_home(launches: list[Launch]) -> None:
    assert main([]) == 0
    assert launches == [Launch()]


def test_no_command_reports_a_broken_config_once_home_has_painted(
    tui_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Home's first frame paints before the settings load; a broken config file then quits the app
    with the error and exit code the CLI gave before the TUI started."""
    (tui_home / "config.toml").write_text("max_follow_ups = 99\n", encoding="utf-8")
    real_run = InterviewerApp.run

    def headless(self: InterviewerApp, *args: Any, **kwargs: Any) -> None:
        real_run(self, headless=True, size=(80, 24))

    monkeypatch.setattr(InterviewerApp, "run", headless)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "interviewer: error: invalid setting 'max_follow_ups'" in err


def test_interview_opens_straight_into_an_interview(launches: list[Launch]) -> None:
    argv = [
        "interview",
        "--track",
        "coding",
        "--track",
        "frontier",
        "--count",
        "3",
        "--difficulty",
        "4",
        "--lang",
        "zh",
        "--model",
        "",
    ]
    assert main(argv) == 0
    assert launches == [
        Launch(interview=InterviewOptions(count=3, tracks=["coding", "frontier"], difficulty=4, lang="zh", model=""))
    ]


def test_interview_rejects_an_unknown_track(launches: list[Launch], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interview", "--track", "cooking"]) == 2
    assert "unknown track 'cooking'" in capsys.readouterr().err
    assert launches == []


def test_replay_opens_the_replay_screen(launches: list[Launch], stored: dict[str, str]) -> None:
    assert main(["replay", stored["completed"][:6]]) == 0  # a unique prefix is enough
    assert launches == [Launch(replay=stored["completed"])]


def test_replay_plain_prints_the_transcript(
    launches: list[Launch], stored: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", stored["completed"], "--plain"]) == 0
    out = capsys.readouterr().out
    assert "What is the KV cache in transformer inference" in out
    assert "How much memory does the KV cache need" in out
    assert "Overall: 55/100" in out
    assert f"session {stored['completed']} saved" in out
    assert launches == []


def test_resume_without_id_takes_the_most_recent_active_session(launches: list[Launch], stored: dict[str, str]) -> None:
    assert main(["resume"]) == 0
    assert launches == [Launch(resume=stored["active"])]


def test_resume_errors(launches: list[Launch], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resume"]) == 2
    assert "no interrupted session to resume" in capsys.readouterr().err
    assert main(["resume", "deadbeef"]) == 2
    assert "unknown session id 'deadbeef'" in capsys.readouterr().err
    assert launches == []


def test_resume_refuses_a_finished_session(
    launches: list[Launch], stored: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resume", stored["completed"]]) == 2
    assert "is completed" in capsys.readouterr().err
    assert main(["resume", stored["active"]]) == 0
    assert launches == [Launch(resume=stored["active"])]


def test_replay_unknown_session(launches: list[Launch], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "nope", "--plain"]) == 2
    assert "unknown session id" in capsys.readouterr().err
