"""The TUI speaks the user's language: Home follows the configured language, an interview its own."""

from __future__ import annotations

import re
import string

from tui_helpers import SIZE, flat, screen_text, wait_for

from interviewer.services import Services
from interviewer.tui import i18n
from interviewer.tui.app import make_app
from interviewer.tui.screens.home import HomeScreen


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_has_a_chinese_version_with_the_same_placeholders() -> None:
    assert set(i18n._ZH) == set(i18n._EN)
    for key, english in i18n._EN.items():
        chinese = i18n._ZH[key]
        assert fields(chinese) <= fields(english), key  # never a placeholder English does not fill
        assert re.search(r"[\u4e00-\u9fff]", chinese), key
    assert i18n.say("zh", "question", n=2, total=5) == "第 2/5 题"
    assert i18n.say("fr", "question", n=2, total=5) == "Question 2 of 5"  # unknown language: English


async def test_home_in_chinese(tui_services: Services) -> None:
    tui_services.settings.lang = "zh"
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()  # the session list has loaded (none yet)
        await wait_for(pilot, lambda: "还没有面试记录" in screen_text(app), "the Chinese form, no sessions yet")
        text = flat(screen_text(app))
        assert "新的面试" in text and "开始面试" in text and "题数" in text and "难度" in text and "离线引擎" in text
