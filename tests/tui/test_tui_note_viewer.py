"""Issue 15: a note viewer opens the reference a criterion cites, from the feedback, at its section."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static
from tui_helpers import flat, notifications, screen_text, wait_for

from interviewer.services import Services
from interviewer.tui.app import make_app
from interviewer.tui.screens.feedback import FeedbackScreen, QuestionFeedback
from interviewer.tui.screens.note import NoteScreen

SMALL = (80, 24)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


def in_view(scroll: Any, widget: Any) -> bool:
    top = widget.virtual_region.y - scroll.virtual_region.y
    return scroll.scroll_offset.y <= top < scroll.scroll_offset.y + scroll.size.height


async def test_the_note_opens_scrolled_to_its_section() -> None:
    body = "\n\n".join(f"## Section {i}\n\n" + "A line of the note.\n\n" * 6 for i in range(1, 9))
    app = Host()
    async with app.run_test(size=SMALL) as pilot:
        screen = NoteScreen("A long note", body, "Section 6", "en")
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.shown_section == "Section 6", "the section")
        await pilot.pause()
        scroll = screen.query_one("#note", VerticalScroll)
        markdown = screen.query_one("#note-body", Markdown)
        heading = next(
            markdown.query_one(f"#{block}")
            for _, label, block in markdown.table_of_contents or []
            if label == "Section 6"
        )
        assert scroll.scroll_offset.y > 0 and in_view(scroll, heading)
        await pilot.press("escape")
        assert not isinstance(app.screen, NoteScreen)


async def test_n_in_the_feedback_opens_the_cited_note(tui_services: Services, seeded: dict[str, str]) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(FeedbackScreen(seeded["completed"]))
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen) and app.screen.loaded, "the feedback")
        feedback = app.screen
        await pilot.press("n")  # the summary: no question yet
        assert any("Open a question's tab first" in n for n in notifications(app))
        await pilot.press("right_square_bracket")
        await pilot.pause()
        view = feedback.query(QuestionFeedback).first()
        ref = view.reference()
        assert ref.startswith("tui-")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen), "the note")
        note = app.screen
        assert isinstance(note, NoteScreen)
        chunk = tui_services.retriever.by_id[ref]
        assert note.title == chunk.title and note.section == chunk.heading.split(" > ")[-1]
        await wait_for(pilot, lambda: note.shown_section == note.section, "the cited section")
        where = str(note.query_one(".note-where", Static).render())
        assert f"{chunk.title} › {note.section}" in where
        await pilot.pause()
        assert note.section in flat(screen_text(app))  # the cited section is on screen
        await pilot.press("escape")
        assert app.screen is feedback
