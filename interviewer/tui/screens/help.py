"""Help: every screen's key bindings, read from the screens themselves so it never goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

INTRO = """\
# interviewer — keys

Mock interviews for senior AI / LLM engineering roles. Answer in the editor (code is fine),
submit with **ctrl+s** (or **ctrl+j** / **F5**). Grading happens in the background; the
feedback screen shows per-criterion scores, evidence from your answer, missing points and the
passages to read. **ctrl+p** opens the command palette (new interview, resume, history, replay,
themes; **ctrl+t** practises what is due). Press **escape** to close this help.
"""


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    seen: dict[str, list[str]] = {}
    for b in bindings:
        if not isinstance(b, Binding) or b.action == "app.help":  # listed once, under Everywhere
            continue
        label = b.description or b.action
        keys = [b.key_display or k.strip() for k in b.key.split(",")]
        seen.setdefault(label, [])
        for k in keys:
            if k not in seen[label]:
                seen[label].append(k)
    return [(" / ".join(keys), label) for label, keys in seen.items()]


def help_markdown(app_bindings: Sequence[BindingType] = ()) -> str:
    """The key table: the app's own bindings (``app_bindings``), then each screen's."""
    from interviewer.tui.screens.coding import CodingScreen
    from interviewer.tui.screens.feedback import FeedbackScreen
    from interviewer.tui.screens.history import HistoryScreen
    from interviewer.tui.screens.home import HomeScreen
    from interviewer.tui.screens.interview import InterviewScreen
    from interviewer.tui.screens.replay import ReplayScreen

    sections = [
        (
            "Everywhere",
            [
                *app_bindings,
                Binding("ctrl+p", "palette", "Command palette"),
                Binding("ctrl+q", "quit", "Quit"),
            ],
        ),
        ("Home", HomeScreen.BINDINGS),
        ("Interview", [*InterviewScreen.BINDINGS, Binding("tab", "indent", "Indent (in the editor)")]),
        ("Code editor (coding questions; F4 in the interview opens it again)", CodingScreen.BINDINGS),
        ("Feedback", FeedbackScreen.BINDINGS),
        ("History", HistoryScreen.BINDINGS),
        ("Replay", ReplayScreen.BINDINGS),
    ]
    out = [INTRO]
    for title, bindings in sections:
        out += [f"## {title}", "", "| Key | Action |", "|---|---|"]
        out += [f"| `{keys}` | {label} |" for keys, label in _rows(list(bindings))]
        out.append("")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown(type(self.app).BINDINGS))

    def on_mount(self) -> None:
        self.query_one("#help").focus()
