"""Feedback: the session summary and, per question, the score and the criteria with their evidence."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Markdown, Static, TabbedContent, TabPane

from interviewer.messages import msg
from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_bindings
from interviewer.tui.widgets import criterion_detail, criterion_name, grade_headline

if TYPE_CHECKING:
    from interviewer.bank import Bank
    from interviewer.domain import Grade, Lang, Question, Session, Track
    from interviewer.rag.chunking import Chunk
    from interviewer.tui.app import InterviewerApp


class Catalog:
    """What the feedback and replay screens look up: questions, note titles and chunk texts."""

    def __init__(self, bank: Bank | None, chunks: Mapping[str, Chunk] | None) -> None:
        self.questions: Mapping[str, Question] = bank.questions if bank else {}
        self.titles: dict[str, str] = {nid: n.meta.title for nid, n in bank.notes.items()} if bank else {}
        self.bodies: dict[str, str] = {nid: n.body for nid, n in bank.notes.items()} if bank else {}
        self.chunks: Mapping[str, Chunk] = chunks or {}
        self.tracks: Mapping[str, Track] = bank.tracks if bank else {}


class SessionLoadError(Exception):
    """A stored session that cannot be opened; the message says which and why."""


async def load_session(app: InterviewerApp, session_id: str) -> tuple[Session, Catalog]:
    """Load a stored session and the catalog (never raises for a missing bank: ids are shown instead)."""
    from interviewer.services import StoreError, UnknownSession
    from interviewer.tui.options import ServicesUnavailable

    services = app.services
    try:
        session = await asyncio.to_thread(services.load_session, session_id)
    except (UnknownSession, StoreError, OSError, ValueError) as exc:
        raise SessionLoadError(f"Cannot open session {session_id}: {exc}") from exc
    try:
        await app.wait_catalog()
        catalog = Catalog(services.bank, services.retriever.by_id)
    except ServicesUnavailable:
        catalog = Catalog(None, None)
    return session, catalog


class QuestionFeedback(Vertical):
    """One question: its text, overall score, a criteria table and the highlighted criterion's detail
    (the detail scrolls; the table stays in view)."""

    DEFAULT_CLASSES = "question-feedback"
    DEFAULT_CSS = """
    QuestionFeedback .fb-errors {
        height: auto;
        max-height: 8;
        margin: 1 0 0 0;
    }
    QuestionFeedback .fb-unverified {
        height: auto;
        max-height: 7;
        margin: 1 0 0 0;
    }
    """

    def __init__(
        self,
        n: int,
        qid: str,
        session: Session,
        catalog: Catalog,
        attempts: list[tuple[str, str, float]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.n = n
        self.qid = qid
        self.session = session
        self.catalog = catalog
        self.attempts = attempts or []
        """(session id, started at, score) of every graded attempt at this question, oldest first."""
        self.question = catalog.questions.get(qid)
        self.grade: Grade | None = session.grades.get(qid)

    @property
    def lang(self) -> Lang:
        return self.session.lang

    def compose(self) -> ComposeResult:
        q = self.question
        asked = next((t.text for t in self.session.turns if t.question_id == self.qid and t.kind == "question"), "")
        head = Text.assemble((f"Q{self.n} ", "bold"), (self.qid, "dim"))
        if q is not None:
            head.append(
                f" · {fmt.track_name(q.track, self.lang, self.catalog.tracks)} · {fmt.stars(q.difficulty)}", style="dim"
            )
        yield Static(head, classes="fb-qhead")
        yield Static(Text(asked or (q.prompt(self.lang) if q else "")), classes="fb-qtext")
        if self.grade is None:
            skipped = any(t.kind == "skip" for t in self.session.turns if t.question_id == self.qid)
            yield Static(Text(msg("fb.skipped" if skipped else "fb.not_graded", self.lang), style="dim italic"))
            return
        yield Static(grade_headline(self.grade, self.lang), classes="fb-score")
        yield Static(Text(msg("fb.keys", self.lang), style="dim"), classes="fb-keys")
        if len(self.attempts) > 1:
            yield Static(self._attempts_line(), classes="fb-attempts")
        if self.grade.tests:  # a coding answer: how its code did on the hidden tests
            from interviewer.report import tests_lines

            yield Static(Text("\n".join(tests_lines(self.grade.tests, self.lang))), classes="fb-tests")
        if self.grade.errors:  # wrong claims come first: they cost more than anything missing
            yield Static(fmt.claim_errors(self.grade.errors, self.lang, self.catalog.titles), classes="fb-errors")
        if self.grade.unverified:  # leads, not verdicts: below the errors, nothing deducted
            doubts = fmt.unverified_claims(self.grade.unverified, self.lang, self.catalog.titles)
            yield Static(doubts, classes="fb-unverified")
        table: DataTable[str | Text] = DataTable(cursor_type="row", classes="fb-criteria")
        yield table
        with VerticalScroll(classes="fb-detail-box"):
            yield Markdown(classes="fb-detail")

    def _attempts_line(self) -> Text:
        """Every graded attempt at this question, oldest first, this one marked, with the change."""
        line = Text(msg("fb.attempts", self.lang), style="dim")
        for i, (sid, at, score) in enumerate(self.attempts):
            if i:
                line.append(" → ", style="dim")
            line.append(f"{fmt.when(at, short=True)} ", style="dim")
            line.append(fmt.score(score), style=f"bold {fmt.score_style(score)}")
            if sid == self.session.id:
                line.append(f" ({msg('fb.this_attempt', self.lang)})", style="dim")
        first, last = self.attempts[0][2], self.attempts[-1][2]
        line.append(f"  {last - first:+.0f}", style="green" if last >= first else "red")
        return line

    def on_mount(self) -> None:
        if self.grade is None:
            return
        table = self.query_one(DataTable)
        table.add_columns(*(msg(f"fb.{c}", self.lang) for c in ("criterion", "score", "reason")))
        for c in self.grade.criteria:
            table.add_row(
                fmt.one_line(criterion_name(self.question, c.id, self.lang), 26),
                fmt.criterion_bar(c.score),
                fmt.one_line(c.reason or "—", 56),
                key=c.id,
            )
        self.show_criterion(0)

    def show_criterion(self, index: int) -> None:
        if self.grade is None or not 0 <= index < len(self.grade.criteria):
            return
        text = criterion_detail(self.grade, index, self.question, self.lang, self.catalog.chunks, self.catalog.titles)
        self.query_one(".fb-detail", Markdown).update(self._errors_of(self.grade.criteria[index].id) + text)

    def _errors_of(self, criterion_id: str) -> str:
        """Markdown for the wrong claims of one criterion (every one of them, with where to read)."""
        assert self.grade is not None
        mine = [e for e in self.grade.errors if e.criterion == criterion_id]
        if not mine:
            return ""
        colon = msg("sep.colon", self.lang)
        out = [f"**{msg('errors', self.lang)}**", ""]
        for e in mine:
            item = [f"✗ “{_md(e.quote)}”", f"→ {_md(e.correction)}"]
            if e.reference:
                item.append(f"*{msg('read', self.lang)}{colon}{_md(fmt.note_label(e.reference, self.catalog.titles))}*")
            out.append("- " + "  \n  ".join(item))  # one list item, hard line breaks
        return "\n".join(out) + "\n\n"

    def reference(self) -> str:
        """The passage to read for the highlighted criterion (else for any criterion), '' if none."""
        if self.grade is None or not self.grade.criteria:
            return ""
        tables = self.query(DataTable)
        row = tables.first().cursor_row if tables else 0
        ordered = [self.grade.criteria[row]] if 0 <= row < len(self.grade.criteria) else []
        for c in [*ordered, *self.grade.criteria]:
            if c.references:
                return c.references[0]
        return ""

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_criterion(event.cursor_row)


def _attempts(app: InterviewerApp, session: Session) -> dict[str, list[tuple[str, str, float]]]:
    """Per question of ``session``: (session id, started at, score) of every graded attempt at it
    in any session, oldest first (a retry is a new session on the same question)."""
    asked = set(session.asked())
    out: dict[str, list[tuple[str, str, float]]] = {}
    try:
        rows = app.services.all_grades()
    except Exception:  # the comparison is extra: a store that cannot say leaves it out
        return out
    for sid, started, grade in rows:
        if grade.question_id in asked:
            out.setdefault(grade.question_id, []).append((sid, started, grade.overall))
    return out


def _md(text: str) -> str:
    """Untrusted text as one line of literal Markdown."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", fmt.one_line(text, 300))


class FeedbackScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("s", "tab('summary')", "Summary"),
        Binding("right_square_bracket", "step(1)", "Next question", key_display="]"),
        Binding("left_square_bracket", "step(-1)", "Prev question", key_display="[", show=False),
        Binding("r", "replay", "Replay"),
        Binding("h", "history", "History"),
        Binding("m", "model_answer", "Model answer"),
        Binding("t", "retry", "Retry"),
        Binding("n", "read_note", "Read note"),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("f1", "app.help", "Help"),  # the app's, relabelled with the session's language
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.session: Session | None = None
        self.catalog: Catalog | None = None
        self.loaded = False

    @property
    def iapp(self) -> InterviewerApp:
        return cast("InterviewerApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(msg("loading.session", self.iapp.lang), style="dim"), id="fb-head")
        yield Vertical(id="fb-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = msg("title.feedback", self.iapp.lang)
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        try:
            session, catalog = await load_session(self.iapp, self.session_id)
        except SessionLoadError as exc:
            self.query_one("#fb-head", Static).update(Text(str(exc), "red"))
            return
        self.session = session
        self.catalog = catalog
        attempts = await asyncio.to_thread(_attempts, self.iapp, session)
        lang = session.lang
        overall = session.overall()
        head = Text.assemble(
            (msg("fb.overall", lang), "bold"),
            (f"{fmt.score(overall)}/100 ", f"bold {fmt.score_style(overall)}"),
            fmt.meter(overall),
            (
                f"  {fmt.when(session.started_at)} · "
                f"{fmt.one_line(fmt.track_names(session.tracks, lang, catalog.tracks, msg('fb.all_tracks', lang)), 34)}"
                f" · {session.model or msg('fb.offline', lang)} · {msg(f'status.{session.status}', lang)}",
                "dim",
            ),
        )
        self.query_one("#fb-head", Static).update(head)
        self.sub_title = msg("title.feedback", lang)
        localize_bindings(self, lang)
        await self.query_one("#fb-body").mount(FeedbackTabs(session, catalog, attempts))
        self.loaded = True
        pane = self._pane()
        if pane is not self and pane.focusable:
            pane.focus()  # the summary takes the keys at once: PageDown and arrows scroll it, no Tab needed

    @on(TabbedContent.TabActivated)
    def _focus_criteria(self, event: TabbedContent.TabActivated) -> None:
        """On a question's tab the criteria table takes the keys (up/down walk the criteria)."""
        tables = event.pane.query(DataTable)
        if tables:
            tables.first().focus()

    def _pane(self) -> Widget:
        """What PageDown scrolls on the active tab: the summary, or the criterion's detail."""
        tabs = self.query(TabbedContent)
        if not tabs:
            return self
        pane = tabs.first().active_pane
        if pane is None:
            return self
        scrollers = pane.query(".fb-summary-pane, .fb-detail-box")
        return scrollers.first() if scrollers else pane

    # -- actions -------------------------------------------------------------------------------
    def action_page(self, direction: int) -> None:
        pane = self._pane()
        if direction > 0:
            pane.scroll_page_down(animate=False)
        else:
            pane.scroll_page_up(animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, pane: str) -> None:
        tabs = self.query(TabbedContent)
        if tabs:
            tabs.first().active = pane

    def action_step(self, delta: int) -> None:
        tabs = self.query(TabbedContent)
        if not self.loaded or not tabs or self.session is None:
            return
        ids = ["summary"] + [f"q{n}" for n in range(1, len(self.session.asked()) + 1)]
        current = tabs.first().active
        index = ids.index(current) if current in ids else 0
        tabs.first().active = ids[(index + delta) % len(ids)]

    def action_replay(self) -> None:
        self.iapp.open_replay(self.session_id)

    def _active_question(self) -> str | None:
        """The question of the active tab (None on the summary)."""
        tabs = self.query(TabbedContent)
        if not self.loaded or not tabs or self.session is None:
            return None
        active = tabs.first().active or ""
        asked = self.session.asked()
        n = int(active[1:]) if re.fullmatch(r"q\d+", active) else 0
        return asked[n - 1] if 0 < n <= len(asked) else None

    def action_model_answer(self) -> None:
        from interviewer.tui.screens.model_answer import ModelAnswerScreen

        qid = self._active_question()
        if qid is None or self.session is None:
            self.notify(msg("notice.pick_question", self.session.lang if self.session else "en"))
            return
        lang = self.session.lang
        question = self.catalog.questions.get(qid) if self.catalog else None
        asked = next((t.text for t in self.session.turns if t.question_id == qid and t.kind == "question"), qid)
        answer = question.model_answer.get(lang) if question is not None and question.model_answer else ""
        self.app.push_screen(ModelAnswerScreen(asked, answer, lang))

    def action_read_note(self) -> None:
        """Open the note the highlighted criterion cites, at the section it cites."""
        from interviewer.tui.screens.note import NoteScreen

        qid = self._active_question()
        session, catalog = self.session, self.catalog
        if qid is None or session is None or catalog is None:
            self.notify(msg("notice.pick_question", session.lang if session else "en"))
            return
        view = next((v for v in self.query(QuestionFeedback) if v.qid == qid), None)
        ref = view.reference() if view is not None else ""
        note_id = ref.split("::")[0]
        if not ref or note_id not in catalog.bodies:
            self.notify(msg("notice.no_note", session.lang))
            return
        chunk = catalog.chunks.get(ref)
        section = chunk.heading.split(" > ")[-1] if chunk is not None and chunk.heading else ""
        title = catalog.titles.get(note_id, note_id)
        self.app.push_screen(NoteScreen(title, catalog.bodies[note_id], section, session.lang))

    def action_retry(self) -> None:
        """Answer the active question again in a new one-question session (the attempts compare)."""
        from interviewer.tui.options import InterviewOptions

        qid = self._active_question()
        session = self.session
        if qid is None or session is None:
            self.notify(msg("notice.pick_question", session.lang if session else "en"))
            return
        question = self.catalog.questions.get(qid) if self.catalog else None
        if question is None:
            self.notify(msg("notice.not_in_bank", session.lang), severity="warning")
            return
        options = InterviewOptions(
            count=1, tracks=[question.track], lang=session.lang, model=session.model, forced=[qid]
        )
        self.iapp.open_interview(options)

    def action_history(self) -> None:
        self.iapp.open_history()


class FeedbackTabs(Vertical):
    """A Summary tab and one tab per question asked."""

    def __init__(
        self, session: Session, catalog: Catalog, attempts: Mapping[str, list[tuple[str, str, float]]] | None = None
    ) -> None:
        super().__init__(id="fb-tabs-box")
        self.session = session
        self.catalog = catalog
        self.attempts = attempts or {}

    def compose(self) -> ComposeResult:
        with TabbedContent(id="fb-tabs", initial="summary"):
            with TabPane(msg("summary", self.session.lang), id="summary"):
                yield self._summary(self.session, self.catalog)
            for n, qid in enumerate(self.session.asked(), start=1):
                with TabPane(f"Q{n}", id=f"q{n}"):
                    yield QuestionFeedback(n, qid, self.session, self.catalog, self.attempts.get(qid))

    def _summary(self, session: Session, catalog: Catalog) -> VerticalScroll:
        lang = session.lang
        lines: list[Text] = []
        for n, qid in enumerate(session.asked(), start=1):
            grade = session.grades.get(qid)
            q = catalog.questions.get(qid)
            text = next((t.text for t in session.turns if t.question_id == qid and t.kind == "question"), qid)
            track = fmt.track_name(q.track, lang, catalog.tracks) if q else ""
            value = grade.overall if grade else None
            skipped = any(t.kind == "skip" for t in session.turns if t.question_id == qid)
            lines.append(
                Text.assemble(
                    (f"Q{n} ", "bold"),
                    fmt.meter(value, 8),
                    (f" {fmt.score(value):>3} ", fmt.score_style(value)),
                    (f"{track:<20.20} ", "dim"),
                    fmt.one_line(text, 56),
                    (msg("fb.skipped_mark", lang) if skipped else "", "dim italic"),
                )
            )
        if not lines:
            lines.append(Text(msg("fb.none_asked", lang), style="dim"))
        summary = session.summary or msg("fb.no_summary", lang)
        return VerticalScroll(
            Static(Text("\n").join(lines), id="fb-questions"),
            Markdown(summary, id="fb-summary"),
            classes="fb-summary-pane",
        )
