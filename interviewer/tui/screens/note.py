"""A reference note, opened from the feedback at the section a criterion cites."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from interviewer.messages import msg
from interviewer.tui.i18n import localize_bindings


class NoteScreen(ModalScreen[None]):
    """The whole note, scrolled to ``section`` (the last part of a passage's heading path)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,n", "dismiss", "Close")]
    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > VerticalScroll {
        width: 95%;
        max-width: 120;
        height: 95%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    NoteScreen .note-where { color: $text-muted; }
    """

    def __init__(self, title: str, body: str, section: str, lang: str) -> None:
        super().__init__()
        self.title = title
        self.body = body
        self.section = section
        self.lang = lang
        self.shown_section = ""
        """The heading scrolled to ('' until found)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="note"):
            where = f"{self.title} › {self.section}" if self.section else self.title
            yield Static(f"{where}  ·  {msg('fb.close', self.lang)}", classes="note-where")
            yield Markdown(f"# {self.title}\n\n{self.body}", id="note-body")

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.query_one("#note").focus()
        self.call_after_refresh(self._go_to_section)

    def _go_to_section(self) -> None:
        """Scroll to the first heading whose text is the section's (once the document is laid out)."""
        if not self.section:
            return
        markdown = self.query_one("#note-body", Markdown)
        wanted = " ".join(self.section.split()).lower()
        for _, label, block_id in markdown.table_of_contents or []:
            if " ".join(label.split()).lower() == wanted:
                self.query_one("#note", VerticalScroll).scroll_to_widget(
                    markdown.query_one(f"#{block_id}"), top=True, animate=False
                )
                self.shown_section = label
                return
