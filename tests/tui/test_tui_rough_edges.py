"""The rough edges a new user hit (issue 15): replay follows its steps, ctrl+q and ctrl+n confirm,
skipped questions count as 0, dialogs fit 80×24 and speak the session's language, the feedback
scrolls without Tab, the strengths do not repeat the questions, Home says what the track list does,
tables fit 80 columns and a one-session chart is not a solid block."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll
from tui_helpers import screen_text, wait_for

from interviewer.services import Services
from interviewer.tui.app import Launch, make_app
from interviewer.tui.screens.replay import ReplayScreen

SMALL = (80, 24)


def in_view(container: Any, widget: Any) -> bool:
    """Whether any row of ``widget`` is inside ``container``'s scrolled viewport."""
    top = widget.virtual_region.y
    bottom = top + widget.outer_size.height
    return top < container.scroll_offset.y + container.size.height and bottom > container.scroll_offset.y


# -- replay ---------------------------------------------------------------------------------------
async def test_replay_shows_the_step_it_names(tui_services: Services, seeded: dict[str, str]) -> None:
    """Issue 15: after → six times the header said 'Step 7 … Question 2' while the view showed question 1."""
    app = make_app(tui_services.settings, tui_services, launch=Launch(replay=seeded["completed"]), cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await wait_for(pilot, lambda: bool(replay.steps), "the transcript")
        transcript = replay.query_one("#transcript", VerticalScroll)
        for n in range(1, len(replay.steps)):
            await pilot.press("right")
            await pilot.pause()
            await pilot.pause()
            assert replay.index == n
            assert f"Step {n + 1} of" in screen_text(app)
            assert in_view(transcript, replay.steps[n].widget), f"step {n + 1} is not in view"
        await pilot.press("home")
        await pilot.pause()
        await pilot.pause()
        assert in_view(transcript, replay.steps[0].widget)
