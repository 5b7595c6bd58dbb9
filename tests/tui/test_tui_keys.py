"""Command palette entries, the help screen, and the key bindings shown in the footer."""

from __future__ import annotations

from tui_helpers import SIZE, flat, screen_text, wait_for

from interviewer.services import Services
from interviewer.tui.app import make_app
from interviewer.tui.screens.help import HelpScreen, help_markdown
from interviewer.tui.screens.history import HistoryScreen
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen


async def test_command_palette_opens_history(tui_services: Services, seeded: dict[str, str]) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_ready()
        await pilot.press("ctrl+p")
        await pilot.press(*"history")
        await wait_for(pilot, lambda: "Past sessions and scores over time" in screen_text(app), "the command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history screen")


async def test_command_palette_lists_the_main_actions(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "New interview",
            "Resume interview",
            "History",
            "Replay last session",
            "Feedback for last session",
            "Help",
            "Theme",
        ):
            assert any(t.startswith(title) for t in titles), title
        await pilot.press("ctrl+s")  # start an interview from Home
        assert isinstance(app.screen, InterviewScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]  # type: ignore[arg-type]
        assert {"Submit answer", "Skip question", "End interview"} <= set(titles)


async def test_palette_resume_without_active_session_warns(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        app.action_resume_last()
        await wait_for(pilot, lambda: bool(app._notifications), "a notification")
        assert isinstance(app.screen, HomeScreen)


async def test_help_screen_lists_every_binding(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = flat(screen_text(app))
        assert "interviewer — keys" in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
    markdown = help_markdown(app.BINDINGS)
    for row in (
        "| `ctrl+s / f5 / ctrl+j / ctrl+enter` | Submit |",
        "| `ctrl+n / f8` | Skip |",
        "| `ctrl+g / f9` | End |",
        "| `escape` | Pause |",
        "| `→ / n / j / space` | Next |",
    ):
        assert row in markdown, row


async def test_footer_shows_the_submit_key(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, InterviewScreen)
        await wait_for(pilot, lambda: "^s Submit" in screen_text(app).splitlines()[-1], "the interview's key bar")
        footer = screen_text(app).splitlines()[-1]
        assert "^s Submit" in footer and "^n Skip" in footer and "^g End" in footer


async def test_home_sessions_loading_after_its_widgets_are_gone_does_not_crash(tui_services: Services) -> None:
    """The app can quit while the session list is still loading: the worker then finds no widgets
    (CI once failed with NoMatches on '#recent-empty'). It must end quietly, not fail the app."""
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.pause()
        await home.query_one("#recent-empty").remove()
        worker = home.load_sessions()
        await worker.wait()
        assert worker.error is None


async def test_history_loading_after_its_widgets_are_gone_does_not_crash(
    tui_services: Services, seeded: dict[str, str]
) -> None:
    """Leaving History while its list loads must not fail the app (NoMatches on '#sessions-empty')."""
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history screen")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: len(history.rows) == 3, "the sessions")
        await history.query_one("#sessions-empty").remove()
        worker = history.load()
        await worker.wait()
        assert worker.error is None
