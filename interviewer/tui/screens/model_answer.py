"""The model answer of a question: what a strong candidate would say, opened from the feedback."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from interviewer.messages import msg
from interviewer.tui.i18n import localize_bindings


class ModelAnswerScreen(ModalScreen[None]):
    """A scrollable dialog with the question and its model answer in the session's language."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,m", "dismiss", "Close")]
    DEFAULT_CSS = """
    ModelAnswerScreen { align: center middle; }
    ModelAnswerScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, question: str, answer: str, lang: str) -> None:
        super().__init__()
        self.question = question
        self.answer = answer
        self.lang = lang

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="model-answer"):
            yield Markdown(self.markdown())

    def markdown(self) -> str:
        lang = self.lang
        body = self.answer or f"*{msg('fb.no_model_answer', lang)}*"
        return (
            f"## {msg('fb.model_answer', lang)}\n\n> {_one_line(self.question)}\n\n{body}\n\n*{msg('fb.close', lang)}*"
        )

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.query_one("#model-answer").focus()


def _one_line(text: str) -> str:
    return " ".join(text.split())
