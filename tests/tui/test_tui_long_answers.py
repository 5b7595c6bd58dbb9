"""Issue 15: the transcript shows the candidate's whole answer — a long one collapsed behind an
expander, never cut ("… (+28,470 characters)")."""

from __future__ import annotations

from textual.widgets import Collapsible, Static, TextArea
from tui_helpers import flat, listening, screen_text, wait_for

from interviewer.agent.events import QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.widgets import ANSWER_DISPLAY_LIMIT, AnswerTurn, split_preview

SIZE = (100, 32)


def test_split_preview_keeps_every_character() -> None:
    text = ("word " * 900) + "\n" + ("另一行 " * 300)
    head, rest = split_preview(text, 1500)
    assert head + rest == text and 750 <= len(head) <= 1500 and head.endswith((" ", "\n"))
    head, rest = split_preview("x" * 4000, 1500)  # no break at all: cut at the limit
    assert (len(head), head + rest) == (1500, "x" * 4000)


async def test_a_long_answer_is_shown_whole_behind_an_expander(tui_services: Services) -> None:
    answer = " ".join(f"Sentence {i} of a long answer about batching and caching." for i in range(300))
    assert len(answer) > 3 * ANSWER_DISPLAY_LIMIT
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        screen.query_one("#answer", TextArea).insert(answer)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: bool(screen.query(AnswerTurn)), "the answer in the transcript")
        turn = screen.query_one(AnswerTurn)
        expander = turn.query_one(Collapsible)
        assert expander.collapsed
        assert "more characters" in expander.title and "+" not in flat(screen_text(app))
        # the rest is not laid out (nor even put in its widget) until it is first expanded: a 28k
        # collapsed text was wrapped once on the event loop between submit and the next turn
        assert not turn.rest_shown and str(expander.query_one(".turn-body", Static).render()) == ""
        expander.query_one("CollapsibleTitle").focus()  # keyboard, not a click: the conversation may scroll
        await pilot.press("enter")
        await wait_for(pilot, lambda: not expander.collapsed, "the rest expanded")
        assert turn.rest_shown
        shown = "".join(str(s.render()) for s in turn.query(Static).results() if s.has_class("turn-body"))
        assert shown == answer  # every character is there once expanded
        rest = expander.query_one(".turn-body", Static)
        assert rest.display and rest.region.height > 0
        expander.collapsed = True  # collapsed and expanded again (ctrl-free: the title scrolled away)
        await pilot.pause()
        expander.collapsed = False
        await pilot.pause()
        shown = "".join(str(s.render()) for s in turn.query(Static).results() if s.has_class("turn-body"))
        assert shown == answer
