"""Home: start a new interview, resume an interrupted one, open recent sessions.

Home's first frame is light — the header, a line saying Home is opening, the key bar — and costs
about what a bare Textual app's does: the settings (pydantic) and the ~70 widgets of the form and the
session list are loaded and mounted right after it (:meth:`HomeScreen.build_controls`), then the
session list and the warm-up fill in. A key pressed before the controls exist is kept and run once
they do (the last one), or does nothing if it needs a selected session.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, ClassVar, cast

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.strip import Strip
from textual.widgets import Button, DataTable, Footer, Header, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from interviewer.messages import msg
from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_bindings
from interviewer.tui.screens.session_list import SessionListScreen

if TYPE_CHECKING:
    from interviewer.services import SessionRow
    from interviewer.tui.options import InterviewOptions


class TrackList(SelectionList[str]):
    """The tracks to draw from: a ticked box only for a ticked track (Textual draws an 'X' in every
    box, told apart by colour alone, so with nothing ticked every track looked ticked)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if not 0 <= index < self.option_count:
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text.strip():
            segments[1] = Segment(" " * len(segments[1].text), segments[1].style)
        return Strip(segments, strip.cell_length)


class HomeForm(Horizontal):
    """Home's controls: the new-interview form on the left, resume and recent sessions on the right."""

    def __init__(self, tracks: list[Selection[str]], model: str, lang: str, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._tracks = tracks
        self._model = model
        self._lang = lang

    def compose(self) -> ComposeResult:
        lang = self._lang
        with VerticalScroll(id="new-interview") as form:
            form.border_title = msg("home.new", lang)
            yield Label(msg("home.tracks", lang), classes="hint")
            yield TrackList(*self._tracks, id="tracks", compact=True)
            with Horizontal(classes="field-row"):
                yield Label(msg("home.questions", lang), classes="field-label")
                yield Select[int](
                    [(str(n), n) for n in range(1, 11)], value=5, allow_blank=False, compact=True, id="count"
                )
            with Horizontal(classes="field-row"):
                yield Label(msg("home.difficulty", lang), classes="field-label")
                yield Select[int](
                    [(msg("home.any_difficulty", lang), 0), *((f"{n} {fmt.stars(n)}", n) for n in range(1, 6))],
                    value=0,
                    allow_blank=False,
                    compact=True,
                    id="difficulty",
                )
            with Horizontal(classes="field-row"):
                yield Label(msg("home.language", lang), classes="field-label")
                yield Select[str](
                    [("English", "en"), ("中文", "zh")], value=lang, allow_blank=False, compact=True, id="lang"
                )
            with Horizontal(classes="field-row"):
                yield Label(msg("home.model", lang), classes="field-label")
                models = [(msg("home.offline", lang), "")]
                if self._model:
                    models.append((fmt.one_line(self._model, 30), self._model))
                yield Select[str](models, value=self._model, allow_blank=False, compact=True, id="model")
            yield Button(msg("home.start", lang), variant="primary", id="start", compact=True)
            yield Button(msg("home.practice", lang), id="practice", compact=True)
        with Vertical(id="side"):
            with Vertical(id="resume-box") as box:
                box.border_title = msg("home.resume", lang)
                yield Static(msg("home.no_resume", lang), id="resume-text")
                yield Button(msg("home.resume_button", lang), id="resume", compact=True, disabled=True)
            table: DataTable[str | Text] = DataTable(id="recent", cursor_type="row", zebra_stripes=True)
            table.border_title = msg("home.recent", lang)
            yield table
            yield Static(Text(msg("home.no_sessions", lang), style="dim"), id="recent-empty")
            yield Static(id="warm-status")


class HomeScreen(SessionListScreen):
    TABLE = "#recent"
    # The focused control must stand out (compact controls only tint their background 5% on focus).
    DEFAULT_CSS = """
    HomeScreen #new-interview .hint {
        width: 100%;
    }
    HomeScreen Select.-textual-compact:focus > SelectCurrent {
        background: $accent 45%;
        color: $text;
        text-style: bold;
    }
    HomeScreen TrackList:focus {
        background-tint: $accent 12%;
    }
    HomeScreen TrackList:focus > .option-list--option-highlighted {
        background: $accent 45%;
        text-style: bold;
    }
    HomeScreen Button.-textual-compact:focus {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("ctrl+t", "practice", "Practice", priority=True),
        Binding("r", "resume", "Resume"),
        Binding("h", "history", "History"),
        Binding("f", "feedback", "Feedback", show=False),
        Binding("p", "replay", "Replay", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.built = False
        """Whether the controls are mounted (they are right after the first frame)."""
        self._building = False
        self._queued: str | None = None
        self.overall: dict[str, float | None] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(msg("home.opening", self.lang), style="dim"), id="home-opening")
        yield Footer()

    COLUMNS = (("when", 11), ("score", 5), ("status", 10))
    """Fixed-width columns; 'tracks' takes the rest, and 'status' goes (shown as ⏸ by the score)
    when the table is too narrow for both."""

    def on_mount(self) -> None:
        self.sub_title = msg("title.home", self.lang)
        localize_bindings(self, self.lang)

    async def build_controls(self) -> None:
        """After the first frame: load the settings, mount the form and the session list, focus the
        track list, then load the sessions and (once this is painted) start the app's warm-up."""
        if self.built or self._building:
            return
        self._building = True
        iapp = self.iapp
        try:
            model = iapp.settings.model
        except Exception as exc:  # a broken config file: the CLI says so once the app has quit
            iapp.startup_error = exc
            iapp.exit(return_code=2)
            return
        iapp.mounting_home = asyncio.Event()
        try:
            form = HomeForm(self._track_options(), model, self.lang, id="home")
            await self.mount(form, before=self.query_one(Footer))
            await self.query_one("#home-opening").remove()
        except BaseException:
            iapp.home_mounted()
            raise
        self.call_after_refresh(iapp.home_mounted)
        self.built = True
        self.set_columns(self.fit_columns(self.COLUMNS, "tracks", least=10))
        self.watch(iapp, "warm_state", self._show_warm)
        self.watch(iapp, "warm_detail", self._show_warm)
        self.query_one("#tracks").focus()
        if not self.query_one("#tracks", TrackList).option_count:
            self.fill_tracks()
        self.call_after_refresh(self.load_sessions)
        self.call_after_refresh(iapp.start_warm)
        queued, self._queued = self._queued, None
        if queued is not None:
            await self.run_action(queued)

    def _not_built(self, action: str) -> bool:
        """True (and ``action`` kept for when the controls exist) while they do not yet."""
        if self.built:
            return False
        self._queued = action
        return True

    def _track_options(self) -> list[Selection[str]]:
        """The bank's tracks, when it is loaded (Home paints first: the bank loads right after)."""
        tracks = self.iapp.services.loaded_tracks()
        return [Selection(fmt.track_name(t, self.lang, tracks), t) for t in tracks]

    @work(exclusive=True, group="tracks")
    async def fill_tracks(self) -> None:
        """Fill the track list once the bank is loaded, and name the sessions' tracks."""
        from interviewer.tui.options import ServicesUnavailable

        try:
            await self.iapp.wait_catalog()
        except ServicesUnavailable:
            return  # Home says what failed; no interview can start
        with contextlib.suppress(NoMatches):
            self.query_one("#tracks", TrackList).add_options(self._track_options())
            if self.rows:
                self._show_sessions(self.rows, None)

    def on_screen_resume(self) -> None:
        # after the frame: the controls, then the store, its migrations and the score module
        self.call_after_refresh(self.load_sessions if self.built else self.build_controls)

    def _show_warm(self) -> None:
        state = self.iapp.warm_state
        icon = {"loading": "◌", "indexing": "◌", "ready": "●", "failed": "✖"}[state]
        style = {"loading": "dim", "indexing": "yellow", "ready": "green", "failed": "red"}[state]
        detail = self.iapp.warm_detail or msg("home.loading", self.lang)
        self.query_one("#warm-status", Static).update(Text.assemble((icon, style), " ", (detail, style)))

    @work(exclusive=True, group="sessions")
    async def load_sessions(self) -> None:
        from interviewer.services import StoreError

        services = self.iapp.services
        error: str | None = None
        try:
            rows = await asyncio.to_thread(services.sessions, 50)
            self.overall = await asyncio.to_thread(services.overall_by_session, rows)  # skipped questions at 0
        except StoreError as exc:
            rows, error = [], str(exc)
        try:
            self._show_sessions(rows, error)
        except NoMatches:
            return  # the app quit (its widgets are gone) before the list finished loading

    def _show_sessions(self, rows: list[SessionRow], error: str | None) -> None:
        if error is not None:
            self.query_one("#resume-text", Static).update(Text(error, style="red"))
            return
        self.rows = rows
        self._fill_table()
        lang = self.lang
        table = self.query_one("#recent", DataTable)
        table.display = bool(rows)
        self.query_one("#recent-empty").display = not rows
        active = next((r for r in rows if r.status == "active"), None)
        button = self.query_one("#resume", Button)
        button.disabled = active is None
        text = self.query_one("#resume-text", Static)
        if active is None:
            text.update(Text(msg("home.no_resume", lang), style="dim"))
        else:
            text.update(
                f"{fmt.when(active.started_at)} · {msg('home.asked', lang, n=active.questions)} · "
                f"{fmt.one_line(fmt.track_names(active.tracks, lang, self.iapp.services.loaded_tracks(), msg('fb.all_tracks', lang)), 40)}"
            )

    def _fill_table(self) -> None:
        """The recent sessions, in columns that fit the table's current width."""
        table = self.query_one("#recent", DataTable)
        cursor = table.cursor_row
        widths = self.fit_columns(self.COLUMNS, "tracks", least=10)
        self.set_columns(widths)
        lang = self.lang
        for row in self.rows:
            overall = self.overall.get(row.id, row.overall)
            status = Text(f"⏸ {msg('status.active', lang)}", style="yellow") if row.status == "active" else None
            score = Text(fmt.score(overall), style=fmt.score_style(overall), justify="right")
            if "status" not in widths and status is not None:
                score = Text("⏸", style="yellow", justify="right")
            cells: dict[str, str | Text] = {
                "when": fmt.when(row.started_at, short=True),
                "score": score,
                "status": status or Text(msg(f"status.{row.status}", lang), style="dim"),
                "tracks": fmt.one_line(
                    fmt.track_names(row.tracks, lang, self.iapp.services.loaded_tracks(), msg("fb.all_tracks", lang)),
                    widths["tracks"],
                ),
            }
            table.add_row(*(cells[c] for c in widths), key=row.id)
        if 0 < cursor < len(self.rows):
            table.move_cursor(row=cursor)

    def on_resize(self) -> None:
        if self.rows:
            self.call_after_refresh(self._fill_table)

    # -- reading the form ----------------------------------------------------------------------
    def options(self) -> InterviewOptions:
        from interviewer.tui.options import InterviewOptions

        selected = set(self.query_one("#tracks", SelectionList).selected)
        difficulty = int(cast(int, self.query_one("#difficulty", Select).value))
        return InterviewOptions(
            count=int(cast(int, self.query_one("#count", Select).value)),
            tracks=[t for t in self.iapp.services.loaded_tracks() if t in selected],
            difficulty=difficulty or None,
            lang="zh" if self.query_one("#lang", Select).value == "zh" else "en",
            model=str(self.query_one("#model", Select).value),
        )

    def focus_form(self) -> None:
        if self.built:  # else the track list takes the focus when it is mounted
            self.query_one("#tracks").focus()

    def selected_session(self) -> SessionRow | None:
        return super().selected_session() if self.built else None

    # -- actions -------------------------------------------------------------------------------
    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if self._not_built("start"):
            return
        if self.iapp.warm_state == "failed":
            self.notify(msg("notice.cannot_start", self.lang, detail=self.iapp.warm_detail), severity="error")
            return
        self.iapp.open_interview(self.options())

    @on(Button.Pressed, "#practice")
    def action_practice(self) -> None:
        if self._not_built("practice"):
            return
        if self.iapp.warm_state == "failed":
            self.notify(msg("notice.cannot_start", self.lang, detail=self.iapp.warm_detail), severity="error")
            return
        self.practise(self.options())

    @work(exclusive=True, group="practice")
    async def practise(self, options: InterviewOptions) -> None:
        """Build today's practice plan off the UI thread (it folds the whole graded history), then
        open the interview on its questions; say what kind of session it is, or why there is none."""
        from interviewer.services import StoreError
        from interviewer.tui.options import ServicesUnavailable

        lang = options.lang
        services = self.iapp.services
        self.notify(msg("practice.planning", lang), timeout=3)
        soon = None
        try:
            await self.iapp.wait_catalog()
            plan = await asyncio.to_thread(services.practice_plan, tracks=options.tracks, now=self.iapp.clock())
            if not plan.question_ids:
                soon = await asyncio.to_thread(services.next_due, options.tracks)
        except (ServicesUnavailable, StoreError) as exc:
            self.notify(msg("notice.cannot_practise", self.lang, error=exc), severity="error", timeout=8)
            return
        if not plan.question_ids:
            when = msg("practice.next_due", lang, when=fmt.when(soon)) if soon else ""
            self.notify(msg("practice.nothing", lang) + when, severity="warning", timeout=8)
            return
        options.count = len(plan.question_ids)
        options.forced = list(plan.question_ids)
        options.targets = {q: list(k) for q, k in plan.targets.items() if k}
        options.difficulty = None  # the plan chose the questions
        if plan.diagnostic:
            options.practice = "diagnostic"
        else:
            options.practice = "review" if options.targets else "new"
        self.iapp.open_interview(options)

    @on(Button.Pressed, "#resume")
    def action_resume(self) -> None:
        if self._not_built("resume"):
            return
        selected = self.selected_session()
        if selected is not None and selected.status == "active" and self.focused is self.query_one("#recent"):
            self.iapp.open_resume(selected.id)
            return
        active = next((r for r in self.rows if r.status == "active"), None)
        if active is None:
            self.notify(msg("notice.no_resume", self.lang), severity="warning")
            return
        self.iapp.open_resume(active.id)

    def action_history(self) -> None:
        self.iapp.open_history()

    @on(DataTable.RowSelected, "#recent")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        row = self.selected_session()
        if row is None:
            return
        if row.status == "active":
            self.iapp.open_resume(row.id)
        else:
            self.iapp.open_feedback(row.id)
