"""The TUI speaks the user's language: Home follows the configured language, an interview its own."""

from __future__ import annotations

import re

from tui_helpers import SIZE, flat, notifications, screen_text, wait_for

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
        assert "interviewer — AI/LLM 工程师模拟面试" in text and "mock interviews" not in text  # the header
        await wait_for(pilot, lambda: "就绪 · 离线引擎" in screen_text(app), "the warm-up's line in Chinese")
        # The footer recomposes when the screen's bindings settle: wait for it rather than read it once
        await wait_for(pilot, lambda: "f1 帮助" in screen_text(app).splitlines()[-1], "Home's key bar")
        footer = screen_text(app).splitlines()[-1]
        assert "命令面板" in footer and "Help" not in footer  # the app's own keys too
        await pilot.press("h")
        await wait_for(pilot, lambda: "interviewer — 历史" in screen_text(app), "History's Chinese header")
        await wait_for(pilot, lambda: "返回" in screen_text(app).splitlines()[-1], "History's key bar")
        await wait_for(pilot, lambda: "f1 帮助" in screen_text(app).splitlines()[-1], "History's key bar, help key")
        assert "Help" not in screen_text(app).splitlines()[-1]


async def test_home_notices_in_chinese(tui_services: Services) -> None:
    """Home's notices speak the configured language too: nothing to resume, no session to replay."""
    tui_services.settings.lang = "zh"
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("r")  # Home: resume, with no interrupted interview
        await wait_for(pilot, lambda: "没有可以继续的中断面试。" in notifications(app), "the Chinese notice")
        app.action_last_session("replay")
        await wait_for(pilot, lambda: "还没有面试记录。" in notifications(app), "the Chinese notice")
        assert not any(re.search(r"[A-Za-z]{3}", n) for n in notifications(app)), notifications(app)
