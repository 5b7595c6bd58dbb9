"""History: past sessions and a chart of scores over sessions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Header, Label, Sparkline, Static

from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_bindings, say
from interviewer.tui.screens.session_list import SessionListScreen

if TYPE_CHECKING:
    from interviewer.progress import Progress
    from interviewer.store.db import SessionRow


class HistoryScreen(SessionListScreen):
    TABLE = "#sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("enter", "replay", "Replay", priority=True),
        Binding("f", "feedback", "Feedback"),
        Binding("r", "resume", "Resume"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="chart-box") as box:
            box.border_title = say(self.lang, "hist.chart")
            yield Sparkline([], id="chart", summary_function=max)
            yield Label("", id="chart-caption")
        table: DataTable[str | Text] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.border_title = say(self.lang, "hist.sessions")
        yield table
        yield Static(Text(say(self.lang, "hist.none"), style="dim"), id="sessions-empty")
        yield Static("", id="practice")
        yield Footer()

    COLUMNS = (("when", 16), ("score", 5), ("status", 10), ("questions", 4), ("model", 14))
    """Fixed-width columns; 'tracks' takes the rest (the right-most fixed ones go when it would be too narrow)."""

    def on_mount(self) -> None:
        self.sub_title = "history"
        localize_bindings(self, self.lang)
        self.overall: dict[str, float | None] = {}
        self.set_columns(self.fit_columns(self.COLUMNS, "tracks", least=12))
        self.query_one("#sessions").focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        from interviewer.progress import compute_progress, overall_by_session
        from interviewer.store.db import StoreError
        from interviewer.tui.app import ServicesUnavailable

        services = self.iapp.services
        try:
            rows = await asyncio.to_thread(services.store.sessions, 500)
            self.overall = await asyncio.to_thread(overall_by_session, services.store, rows)  # skips at 0
        except StoreError as exc:
            self.query_one("#chart-caption", Label).update(Text(str(exc), style="red"))
            return
        self._fill(rows)
        try:
            await self.iapp.wait_catalog()
            progress = await asyncio.to_thread(compute_progress, services.store, services.bank, self.iapp.settings.lang)
        except (ServicesUnavailable, StoreError):
            progress = None
        try:
            self._chart(progress)
        except NoMatches:  # the screen was left while the chart was computed
            return

    def _fill(self, rows: list[SessionRow]) -> None:
        self.rows = rows
        table = self.query_one("#sessions", DataTable)
        cursor = table.cursor_row
        widths = self.fit_columns(self.COLUMNS, "tracks", least=12)
        self.set_columns(widths)
        lang = self.lang
        for row in rows:
            overall = self.overall.get(row.id, row.overall)
            if row.status == "active":
                status = Text(f"⏸ {say(lang, 'status.active')}", style="yellow")
            else:
                status = Text(say(lang, f"status.{row.status}"), style="dim")
            cells = {
                "when": fmt.when(row.started_at),
                "score": Text(fmt.score(overall), style=fmt.score_style(overall), justify="right"),
                "status": status,
                "questions": Text(str(row.questions), justify="right"),
                "model": fmt.one_line(row.model or say(lang, "fb.offline"), widths.get("model", 14)),
                "tracks": fmt.one_line(fmt.track_names(row.tracks, lang, say(lang, "fb.all_tracks")), widths["tracks"]),
            }
            table.add_row(*(cells[c] for c in widths), key=row.id)
        table.display = bool(rows)
        self.query_one("#sessions-empty").display = not rows
        if 0 < cursor < len(rows):
            table.move_cursor(row=cursor)

    def on_resize(self) -> None:
        if self.rows:
            self.call_after_refresh(self._fill, self.rows)

    def _chart(self, progress: Progress | None) -> None:
        caption = self.query_one("#chart-caption", Label)
        chart = self.query_one("#chart", Sparkline)
        points = [score for _, _, score in progress.sessions] if progress else []
        # a sparkline of one value fills its whole width: a solid block that says nothing
        chart.display = len(points) > 1
        chart.data = points if len(points) > 1 else []
        if not points:
            caption.update(Text(say(self.lang, "hist.no_graded"), style="dim"))
            return
        if len(points) == 1:
            caption.update(
                Text.assemble(
                    fmt.meter(points[0], 20),
                    " ",
                    (say(self.lang, "hist.one", score=f"{points[0]:.0f}"), "dim"),
                )
            )
            self._practice(progress)
            return
        first, last, best = points[0], points[-1], max(points)
        trend = last - first
        arrow = "▲" if trend > 0 else "▼" if trend < 0 else "="
        caption.update(
            Text.assemble(
                (say(self.lang, "hist.graded", n=len(points), s="s" if len(points) != 1 else ""), "dim"),
                say(self.lang, "hist.trend", first=f"{first:.0f}"),
                (f"{last:.0f}", f"bold {fmt.score_style(last)}"),
                say(self.lang, "hist.best", arrow=arrow, delta=f"{abs(trend):.0f}", best=f"{best:.0f}"),
            )
        )
        self._practice(progress)

    def _practice(self, progress: Progress | None) -> None:
        if progress and progress.practice:
            items = ", ".join(fmt.one_line(str(p["text"]) or str(p["key_point"]), 40) for p in progress.practice[:3])
            self.query_one("#practice", Static).update(
                Text.assemble((say(self.lang, "hist.practise"), "bold"), (items, "dim"))
            )

    @on(DataTable.RowSelected, "#sessions")
    def _open_selected(self) -> None:
        self.action_replay()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_resume(self) -> None:
        row = self.selected_session()
        if row is None:
            return
        if row.status != "active":
            self.notify(f"That session is {row.status}; only an interrupted one can be resumed.", severity="warning")
            return
        self.iapp.open_resume(row.id)
