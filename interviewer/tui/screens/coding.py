"""The code editor of a coding question: the task's statement, the candidate's code (starter code at
first, Python highlighting when tree-sitter is installed), an optional explanation, and the public
tests on a key.

The tests run in the sandbox from a worker (``run_tests_async``: a thread and a subprocess), so the
editor keeps taking keys while they run; a second run replaces the first. The screen returns what
the candidate did: submitted (code and explanation go to the interviewer as the answer, and the
hidden tests run in the background while it grades) or went back (the code stays as a draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static, TextArea

from interviewer.messages import msg
from interviewer.tui.i18n import localize_bindings

if TYPE_CHECKING:
    from collections.abc import Callable

    from interviewer.coding import CodingTask, TestRun


@dataclass
class CodeResult:
    """What the candidate left the editor with."""

    code: str
    notes: str
    submit: bool
    """True: send as the answer; False: back to the conversation, the code kept as a draft."""


def highlighting_available() -> bool:
    """Whether TextArea can highlight Python here (the tree-sitter grammar is installed)."""
    try:
        from textual._tree_sitter import get_language
    except ImportError:
        return False
    return get_language("python") is not None


def run_text(run: TestRun, lang: str) -> Text:
    """A test run for the results pane: a headline (passed/total, time, peak memory), then one line
    per test with its assertion message when it failed."""
    if run.status == "skipped":
        return Text(f"{msg('code.skipped', lang)}: {run.detail}", style="yellow")
    ok = run.status == "passed"
    head = msg("code.result", lang, status=msg(f"code.status.{run.status}", lang), passed=run.passed, total=run.total)
    out = Text.assemble(
        ("✓ " if ok else "✗ ", "bold green" if ok else "bold red"),
        (head, "bold"),
        (f"  ·  {run.time_s:.2f} s  ·  {msg('code.peak', lang)} {run.peak_mb:.0f} MB", "dim"),
    )
    if run.detail and not ok:
        out.append(f"\n{run.detail}", style="red")
    for case in run.tests:
        out.append("\n")
        out.append("✓ " if case.passed else "✗ ", style="green" if case.passed else "red")
        out.append(case.name, style="" if case.passed else "bold")
        if case.message and not case.passed:
            out.append(f"\n    {' '.join(case.message.split())[:400]}", style="dim")
    if run.output.strip() and not ok:
        out.append(f"\n\n{msg('code.output', lang)}\n", style="dim bold")
        out.append(run.output.strip()[-1500:], style="dim")
    return out


class CodingScreen(Screen[CodeResult]):
    DEFAULT_CSS = """
    CodingScreen #code-body { height: 1fr; }
    CodingScreen #code-side { width: 2fr; }
    CodingScreen #code-main { width: 3fr; }
    CodingScreen #code-statement { height: 1fr; border: round $panel; padding: 0 1; }
    CodingScreen #code-results-box { height: 1fr; border: round $panel; padding: 0 1; }
    CodingScreen #code-editor { height: 1fr; }
    CodingScreen #code-notes { height: 6; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_tests", "Run tests", priority=True),
        Binding("f6", "run_tests", "Run tests", show=False, priority=True),
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("f5", "submit", "Submit", show=False, priority=True),
        Binding("ctrl+o", "switch_pane", "Notes", priority=True),
        Binding("escape", "back", "Back", priority=True),
    ]

    def __init__(
        self,
        task: CodingTask,
        lang: str,
        code: str = "",
        notes: str = "",
        on_edit: Callable[[str], None] | None = None,
    ) -> None:
        """``on_edit`` is called with the code whenever it changes (the interview saves it as a draft)."""
        super().__init__()
        self.coding_task = task
        self.lang = lang
        self._code = code or task.starter
        self._notes = notes
        self._on_edit = on_edit
        self.last_run: TestRun | None = None
        self.runs = 0
        """Public test runs finished (tests wait on it)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="code-body"):
            with Vertical(id="code-side"):
                with VerticalScroll(id="code-statement"):
                    yield Markdown(
                        self.coding_task.statement.get(self.lang) or self.coding_task.statement.get("en", "")
                    )
                with VerticalScroll(id="code-results-box"):
                    yield Static(Text(msg("code.no_run", self.lang), style="dim"), id="code-results")
            with Vertical(id="code-main"):
                language = "python" if highlighting_available() else None
                editor = TextArea.code_editor(self._code, language=language, id="code-editor")
                editor.border_title = msg("code.editor", self.lang)
                editor.border_subtitle = msg("code.keys", self.lang)
                yield editor
                notes = TextArea(self._notes, id="code-notes", soft_wrap=True)
                notes.border_title = msg("code.notes", self.lang)
                notes.placeholder = msg("code.notes_placeholder", self.lang)
                yield notes
        yield Footer()

    def on_mount(self) -> None:
        self.title = msg("code.title", self.lang)
        self.sub_title = self.coding_task.question_id
        localize_bindings(self, self.lang)
        editor = self.query_one("#code-editor", TextArea)
        editor.cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#code-notes", TextArea).cursor_blink = editor.cursor_blink
        editor.focus()

    @property
    def code(self) -> str:
        return self.query_one("#code-editor", TextArea).text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "code-editor" and self._on_edit is not None:
            self._on_edit(event.text_area.text)

    @property
    def notes(self) -> str:
        return self.query_one("#code-notes", TextArea).text

    # -- actions ---------------------------------------------------------------------------------
    def action_run_tests(self) -> None:
        self.query_one("#code-results", Static).update(Text(msg("code.running", self.lang), style="italic"))
        self._run_public(self.code)

    @work(exclusive=True, group="public-tests")
    async def _run_public(self, code: str) -> None:
        """The public tests in the sandbox, off the event loop (exclusive: a new run cancels the
        one in flight, which kills its sandbox)."""
        from interviewer.coding import run_tests_async

        try:
            run = await run_tests_async(self.coding_task, code, hidden=False)
        except Exception as exc:  # the runner never raises for the code; anything else is said
            self.query_one("#code-results", Static).update(Text(f"{type(exc).__name__}: {exc}", style="red"))
            return
        self.last_run = run
        self.runs += 1
        self.query_one("#code-results", Static).update(run_text(run, self.lang))
        self.query_one("#code-results-box", VerticalScroll).scroll_home(animate=False)

    def action_switch_pane(self) -> None:
        editor, notes = self.query_one("#code-editor", TextArea), self.query_one("#code-notes", TextArea)
        (editor if notes.has_focus else notes).focus()

    def action_submit(self) -> None:
        if not self.code.strip():
            self.notify(msg("code.empty", self.lang), severity="warning")
            return
        self.dismiss(CodeResult(self.code, self.notes, submit=True))

    def action_back(self) -> None:
        self.dismiss(CodeResult(self.code, self.notes, submit=False))
