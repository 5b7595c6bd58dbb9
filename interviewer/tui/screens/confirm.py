"""A yes/no question in a modal, in the language of the screen that asks."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from interviewer.messages import msg


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    # The question wraps inside the dialog (a Label is as wide as its text and was cut off at 80x24).
    DEFAULT_CSS = """
    ConfirmScreen #confirm-question {
        width: 100%;
    }
    """

    def __init__(self, question: str, yes: str | None = None, no: str | None = None, lang: str = "en") -> None:
        super().__init__()
        self.question = question
        self.yes = yes or msg("confirm.yes", lang)
        self.no = no or msg("confirm.no", lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="primary", id="yes", compact=True)
                yield Button(self.no, id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
