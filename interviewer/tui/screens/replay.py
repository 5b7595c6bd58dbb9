"""Replay: step through a stored transcript turn by turn, with each question's grade after its turns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Label, Static

from interviewer.messages import msg
from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_bindings
from interviewer.tui.screens.coding_desk import answer_with_code
from interviewer.tui.screens.feedback import Catalog, SessionLoadError, load_session
from interviewer.tui.widgets import AnswerTurn, InterviewerTurn, NoteTurn, grade_summary

if TYPE_CHECKING:
    from interviewer.domain import Session
    from interviewer.tui.app import InterviewerApp


@dataclass
class Step:
    widget: Widget
    question: int
    """1-based question number, 0 for the session summary."""
    what: str


class GradeTurn(Vertical):
    DEFAULT_CLASSES = "turn grade-turn"

    def __init__(self, label: str, body: object) -> None:
        super().__init__()
        self._label, self._body = label, body

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="turn-label")
        yield Static(self._body, classes="turn-body")  # type: ignore[arg-type]


def build_steps(session: Session, catalog: Catalog) -> list[Step]:
    """One step per turn, plus a grade step after each graded question and the summary at the end."""
    lang = session.lang
    asked = session.asked()
    steps: list[Step] = []
    last_turn = {t.question_id: i for i, t in enumerate(session.turns)}
    for i, turn in enumerate(session.turns):
        qid = turn.question_id
        n = asked.index(qid) + 1 if qid in asked else 0
        if turn.kind == "question":
            steps.append(Step(InterviewerTurn(msg("question", lang, n=n, total=len(asked)), turn.text), n, "question"))
        elif turn.kind == "follow_up":
            steps.append(
                Step(InterviewerTurn(msg("follow_up", lang, n=turn.follow_up_index), turn.text), n, "follow-up")
            )
        elif turn.kind == "answer":
            index = turn.follow_up_index
            label = msg("answer", lang) if index == 0 else msg("answer_to", lang, n=index)
            steps.append(Step(AnswerTurn(label, answer_with_code(turn.text, turn.code, lang), lang), n, "answer"))
        elif turn.kind == "skip":
            steps.append(Step(NoteTurn(msg("skipped", lang)), n, "skipped"))
        else:
            continue
        grade = session.grades.get(qid)
        if grade is not None and last_turn[qid] == i:
            body = grade_summary(grade, catalog.questions.get(qid), lang)
            steps.append(Step(GradeTurn(msg("grade_of", lang, n=n), body), n, "grade"))
    if session.summary:
        steps.append(Step(InterviewerTurn(msg("summary", lang), session.summary), 0, "summary"))
    return steps


class ReplayScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "step(1)", "Next", key_display="→", priority=True),
        Binding("n,j,space", "step(1)", "Next", show=False),
        Binding("left", "step(-1)", "Prev", key_display="←", priority=True),
        Binding("p,k", "step(-1)", "Prev", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("f", "feedback", "Feedback"),
        Binding("escape", "back", "Back"),
        Binding("f1", "app.help", "Help"),  # the app's, relabelled with the session's language
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.steps: list[Step] = []
        self.index = 0
        self.session: Session | None = None

    @property
    def iapp(self) -> InterviewerApp:
        return cast("InterviewerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(msg("loading.transcript", self.iapp.lang), id="replay-status")
        yield VerticalScroll(id="transcript", can_focus=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = msg("title.replay", self.iapp.lang)
        self.query_one("#transcript").focus()
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        try:
            session, catalog = await load_session(self.iapp, self.session_id)
        except SessionLoadError as exc:
            self.query_one("#replay-status", Label).update(Text(str(exc), "red"))
            return
        steps = build_steps(session, catalog)
        for step in steps:
            step.widget.display = False
        await self.query_one("#transcript", VerticalScroll).mount_all([s.widget for s in steps])
        self.session, self.steps = session, steps  # keys step through them from here on
        self.sub_title = msg("title.replay", session.lang)
        localize_bindings(self, session.lang)
        self.show(0)

    def show(self, index: int) -> None:
        status = self.query_one("#replay-status", Label)
        if not self.steps or self.session is None:
            status.update(Text(msg("replay.empty", self.iapp.settings.lang), style="dim"))
            return
        index = max(0, min(index, len(self.steps) - 1))
        self.index = index
        for i, step in enumerate(self.steps):
            step.widget.display = i <= index
            step.widget.set_class(i == index, "-current")
        step = self.steps[index]
        lang = self.session.lang
        what = msg(f"step.{step.what}", lang)
        total = len(self.session.asked())
        where = f"{msg('question', lang, n=step.question, total=total)} · {what}" if step.question else what
        status.update(
            Text.assemble(
                (msg("replay.step", lang, n=index + 1, total=len(self.steps)), "bold"),
                f" · {where} · ",
                (f"{fmt.when(self.session.started_at)} · {self.session.id}", "dim"),
            )
        )
        # Showing a step changes which turns are displayed: scroll once that layout has happened,
        # or the view scrolls to where the step was before (and stays on an earlier question).
        self.call_after_refresh(self._scroll_to_step, step.widget)

    def _scroll_to_step(self, widget: Widget) -> None:
        if not widget.is_attached or not widget.display:
            return
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.scroll_to_widget(widget, animate=False, top=widget.outer_size.height >= transcript.size.height)

    def action_step(self, delta: int) -> None:
        self.show(self.index + delta)

    def action_jump(self, where: int) -> None:
        self.show(where if where >= 0 else len(self.steps) - 1)

    def action_feedback(self) -> None:
        self.iapp.open_feedback(self.session_id)

    def action_back(self) -> None:
        self.app.pop_screen()
