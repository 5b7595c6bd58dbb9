"""Issue 17: Home's first frame is light (header, a line saying Home is opening, the key bar) and
needs no settings; its controls are mounted right after it, the track list takes the focus, and a
key pressed in between neither crashes nor is lost (the last form action runs once they exist)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import SIZE, listening, screen_text, wait_for

from interviewer.agent.events import QuestionAsked
from interviewer.config import Settings
from interviewer.messages import msg
from interviewer.services import Services
from interviewer.tui.app import InterviewerApp
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen

REAL_BUILD = HomeScreen.build_controls


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[HomeScreen]:
    """Home's controls are not mounted until the test calls REAL_BUILD: the first frame stays on
    screen. Returns the screens whose build was held."""
    screens: list[HomeScreen] = []

    async def hold(self: HomeScreen) -> None:
        screens.append(self)

    monkeypatch.setattr(HomeScreen, "build_controls", hold)
    return screens


def _app(services: Services, loads: list[int]) -> InterviewerApp:
    def load() -> Settings:
        loads.append(1)
        return services.settings

    return InterviewerApp(load, services, cursor_blink=False)


async def _first_frame(pilot: Pilot[Any], held: list[HomeScreen]) -> HomeScreen:
    await wait_for(pilot, lambda: bool(held), "Home's first frame")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


async def test_home_paints_a_light_frame_then_its_controls(tui_services: Services, held: list[HomeScreen]) -> None:
    loads: list[int] = []
    app = _app(tui_services, loads)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(pilot, held)
        text = screen_text(app)
        assert msg("home.opening", "en") in text
        assert msg("home.new", "en") not in text
        assert not screen.query("#tracks") and not screen.built
        assert "Start" in text  # the key bar
        assert loads == []  # the settings are not loaded for the first frame
        await REAL_BUILD(screen)
        await pilot.pause()
        text = screen_text(app)
        assert msg("home.new", "en") in text and msg("home.opening", "en") not in text
        assert loads == [1]
        assert app.focused is not None and app.focused.id == "tracks"
        await wait_for(pilot, lambda: app.is_ready, "the warm-up, started once the controls are on screen")


async def test_keys_before_the_controls_exist_do_not_crash_and_focus_lands_on_the_tracks(
    tui_services: Services, held: list[HomeScreen]
) -> None:
    app = _app(tui_services, [])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(pilot, held)
        await pilot.press("down", "space", "tab", "f", "p", "enter")  # need a control or a selected session
        app.action_new_interview()
        assert isinstance(app.screen, HomeScreen)
        await REAL_BUILD(screen)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.focused is not None and app.focused.id == "tracks"
        assert screen.options().tracks == []  # the early space ticked nothing


async def test_a_start_pressed_before_the_controls_exist_runs_once_they_do(
    tui_services: Services, held: list[HomeScreen]
) -> None:
    app = _app(tui_services, [])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(pilot, held)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        await REAL_BUILD(screen)
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), "the interview the early ^s asked for")
        await wait_for(pilot, lambda: listening(app.screen, QuestionAsked), "its first question")


async def test_the_first_frame_speaks_the_configured_language(
    tui_services: Services, held: list[HomeScreen], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_LANG", "zh")
    app = _app(tui_services, [])
    async with app.run_test(size=SIZE) as pilot:
        await _first_frame(pilot, held)
        text = screen_text(app)
        assert msg("home.opening", "zh") in text
        assert msg("key.Start", "zh") in text


async def test_quitting_while_the_controls_mount_does_not_crash(tui_services: Services, held: list[HomeScreen]) -> None:
    app = _app(tui_services, [])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _first_frame(pilot, held)
        building = asyncio.create_task(REAL_BUILD(screen))
        await asyncio.sleep(0)  # the mount has started
        await pilot.press("ctrl+q")
    await building
    assert app.return_code == 0 and screen.built
