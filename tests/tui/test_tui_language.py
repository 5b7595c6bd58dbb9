"""The TUI speaks the user's language: Home follows the configured language, an interview its own."""

from __future__ import annotations

from tui_helpers import SIZE, flat, screen_text, wait_for

from interviewer.services import Services
from interviewer.tui.app import make_app
from interviewer.tui.screens.home import HomeScreen


async def test_home_in_chinese(tui_services: Services) -> None:
    tui_services.settings.lang = "zh"
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()  # the session list has loaded (none yet)
        await wait_for(pilot, lambda: "还没有面试记录" in screen_text(app), "the Chinese form, no sessions yet")
        text = flat(screen_text(app))
        assert "新的面试" in text and "开始面试" in text and "题数" in text and "难度" in text and "离线引擎" in text
