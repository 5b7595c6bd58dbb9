"""Help: every screen's key bindings, read from the screens themselves so it never goes stale, in
the language of the screen it was opened from (a session's screens speak the session's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from interviewer.messages import msg, translated
from interviewer.tui.i18n import localize_bindings


def _rows(bindings: list[BindingType], lang: str) -> list[tuple[str, str]]:
    seen: dict[str, list[str]] = {}
    for b in bindings:
        if not isinstance(b, Binding) or b.action == "app.help":  # listed once, under Everywhere
            continue
        label = translated("key", b.description or b.action, lang)
        keys = [b.key_display or k.strip() for k in b.key.split(",")]
        seen.setdefault(label, [])
        for k in keys:
            if k not in seen[label]:
                seen[label].append(k)
    return [(" / ".join(keys), label) for label, keys in seen.items()]


def help_markdown(app_bindings: Sequence[BindingType] = (), lang: str = "en") -> str:
    """The key table in ``lang``: the app's own bindings (``app_bindings``), then each screen's."""
    from interviewer.tui.screens.coding import CodingScreen
    from interviewer.tui.screens.feedback import FeedbackScreen
    from interviewer.tui.screens.history import HistoryScreen
    from interviewer.tui.screens.home import HomeScreen
    from interviewer.tui.screens.interview import InterviewScreen
    from interviewer.tui.screens.replay import ReplayScreen

    sections = [
        (
            msg("help.everywhere", lang),
            [
                *app_bindings,
                Binding("ctrl+p", "palette", "Command palette"),
                Binding("ctrl+q", "quit", "Quit"),
            ],
        ),
        (msg("help.home", lang), HomeScreen.BINDINGS),
        (msg("help.interview", lang), [*InterviewScreen.BINDINGS, Binding("tab", "indent", "Indent (in the editor)")]),
        (msg("help.code", lang), CodingScreen.BINDINGS),
        (msg("help.feedback", lang), FeedbackScreen.BINDINGS),
        (msg("help.history", lang), HistoryScreen.BINDINGS),
        (msg("help.replay", lang), ReplayScreen.BINDINGS),
    ]
    out = [f"# {msg('help.title', lang)}", "", msg("help.intro", lang), ""]
    head = f"| {msg('help.key', lang)} | {msg('help.action', lang)} |"
    for title, bindings in sections:
        out += [f"## {title}", "", head, "|---|---|"]
        out += [f"| `{keys}` | {label} |" for keys, label in _rows(list(bindings), lang)]
        out.append("")
    return "\n".join(out)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown(type(self.app).BINDINGS, self.lang))

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.query_one("#help").focus()
