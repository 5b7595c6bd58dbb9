"""Home's focused control stands out (issue 15: it differed from the others by one shade of grey).

Each of Home's form controls is drawn focused and then blurred (the focus elsewhere): a whole row of
it (a select's value, a button, the track list's highlighted track) must change colour by a large step
in RGB, not by the 5% tint compact controls get by default."""

from __future__ import annotations

import io
from typing import Any

from rich.color import Color
from rich.console import Console
from tui_helpers import wait_for

from interviewer.services import Services
from interviewer.tui.app import make_app
from interviewer.tui.screens.home import HomeScreen

CONTROLS = ("tracks", "count", "difficulty", "lang", "model", "start", "practice")
STEP = 60
"""Least RGB distance (0-441) for a cell to count as clearly changed."""
SHARE = 0.6
"""Least share of a row's cells that must change that much."""
Cell = tuple[tuple[int, int, int], tuple[int, int, int]]
"""A cell's (foreground, background) RGB."""


def cell_colours(app: Any) -> dict[tuple[int, int], Cell]:
    """(x, y) -> (foreground, background) RGB of every cell on the screen, theme colours resolved."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    out: dict[tuple[int, int], Cell] = {}
    x = y = 0
    black = Color.from_rgb(0, 0, 0)
    for segment in console.render(render):
        if segment.control:
            continue
        for line_no, part in enumerate(segment.text.split("\n")):
            if line_no:
                y, x = y + 1, 0
            style = segment.style
            fg = (style.color if style and style.color else black).get_truecolor()
            bg = (style.bgcolor if style and style.bgcolor else black).get_truecolor()
            if style and style.reverse:
                fg, bg = bg, fg
            for _ in part:
                out[(x, y)] = (tuple(fg), tuple(bg))  # type: ignore[assignment]
                x += 1
    return out


def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


def changed(focused: Cell, blurred: Cell) -> bool:
    """The cell's background or text colour moved by at least STEP."""
    return max(distance(focused[1], blurred[1]), distance(focused[0], blurred[0])) >= STEP


async def test_the_focused_control_on_home_stands_out(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.built, "Home's controls")
        weak = []
        for name in CONTROLS:
            widget = home.query_one(f"#{name}")
            widget.focus()
            await pilot.pause()
            region = widget.region
            focused = cell_colours(app)
            other = home.query_one("#tracks" if name != "tracks" else "#count")
            other.focus()
            await pilot.pause()
            blurred = cell_colours(app)
            share = max(
                sum(changed(focused[(x, y)], blurred[(x, y)]) for x in range(region.x, region.right)) / region.width
                for y in range(region.y, region.bottom)
            )
            if share < SHARE:
                weak.append(f"{name}: at most {share:.0%} of a row changes on focus")
        assert weak == []
