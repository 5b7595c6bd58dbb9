"""History: past sessions, a chart of scores over sessions, and the study loop's progress: a chart of
retention per track over time (textual-plotext, imported when the chart is drawn) and the key points
due now with what to read."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Header, Label, Sparkline, Static

from interviewer.messages import msg, translated
from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_bindings
from interviewer.tui.screens.session_list import SessionListScreen

if TYPE_CHECKING:
    from interviewer.domain import Track
    from interviewer.progress import Progress
    from interviewer.services import SessionRow

TRACK_COLORS = (6, 5, 2, 3, 4, 1, 208, 141, 14, 9, 10, 11)
"""256-colour codes of the per-track lines, drawn the same by plotext and by the legend (Rich)."""
DUE_SHOWN = 8
"""Due points listed by name; the rest are counted."""


@dataclass
class TrackSeries:
    """One track's line on the chart: its recall over time, or its scores when it has no cards."""

    track: str
    label: str
    """The track's name in the UI language (a score series says so)."""
    at: list[datetime]
    values: list[float]
    """0-100: mean retention in percent, or the answer scores."""
    retention: bool


def track_series(progress: Progress, lang: str, known: Mapping[str, Track]) -> list[TrackSeries]:
    """Per track, oldest first: the mean recall of its key points (``track_cards[t]
    ["retention_series"]``), or, for a track without cards, its graded answers' scores. In the
    order of the bank's tracks (``known``), then any other by id."""
    order = list(known)
    out: list[TrackSeries] = []
    tracks = list(progress.track_cards) + [t for t in progress.tracks if t not in progress.track_cards]
    for track in sorted(tracks, key=lambda t: (order.index(t) if t in known else len(order), t)):
        raw = progress.track_cards.get(track, {}).get("retention_series")
        series = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
        name = fmt.track_name(track, lang, known)
        if series:
            at = [_local(str(p["at"])) for p in series]
            values = [round(100 * float(p["retention"]), 1) for p in series]
            out.append(TrackSeries(track, name, at, values, retention=True))
        elif progress.tracks.get(track):
            points = progress.tracks[track]
            at = [_local(a) for a, _ in points]
            label = f"{name} ({msg('hist.score_series', lang)})"
            out.append(TrackSeries(track, label, at, [float(v) for _, v in points], retention=False))
    return out


def _local(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt.astimezone() if dt.tzinfo is not None else dt


def read_of(entry: Mapping[str, object]) -> str:
    """What to read for a due point: its ``read`` field (note › section) when progress gives one,
    else the question's note ids."""
    read = entry.get("read")
    if isinstance(read, str) and read.strip():
        return read
    if isinstance(read, list | tuple):
        parts = []
        for item in read:
            if isinstance(item, dict):
                title = str(item.get("title") or item.get("note") or item.get("note_id") or "")
                section = str(item.get("section") or item.get("heading") or "")
                parts.append(f"{title} › {section}" if title and section else title or section)
            elif item:
                parts.append(str(item))
        if any(parts):
            return ", ".join(p for p in parts if p)
    if isinstance(read, dict):
        return read_of({"read": [read], "notes": entry.get("notes", "")})
    return str(entry.get("notes") or "")


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
            box.border_title = msg("hist.chart", self.lang)
            yield Sparkline([], id="chart", summary_function=max)
            yield Label("", id="chart-caption")
        with Horizontal(id="study-row"):
            with Vertical(id="tracks-box") as tracks:
                tracks.border_title = msg("hist.tracks_chart", self.lang)
                yield Static(Text(msg("hist.no_tracks", self.lang), style="dim"), id="tracks-legend")
            with VerticalScroll(id="due-box") as due:
                due.border_title = msg("hist.due", self.lang)
                yield Static("", id="due-list")
        table: DataTable[str | Text] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.border_title = msg("hist.sessions", self.lang)
        yield table
        yield Static(Text(msg("hist.none", self.lang), style="dim"), id="sessions-empty")
        yield Static("", id="practice")
        yield Footer()

    COLUMNS = (("when", 16), ("score", 5), ("status", 10), ("questions", 4), ("model", 14))
    """Fixed-width columns; 'tracks' takes the rest (the right-most fixed ones go when it would be too narrow)."""

    def on_mount(self) -> None:
        self.sub_title = msg("title.history", self.lang)
        localize_bindings(self, self.lang)
        self.overall: dict[str, float | None] = {}
        self.track_series: list[TrackSeries] = []
        """The per-track chart's lines, as last drawn."""
        self.set_columns(self.fit_columns(self.COLUMNS, "tracks", least=12))
        self.query_one("#sessions").focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        from interviewer.services import StoreError
        from interviewer.tui.options import ServicesUnavailable

        services = self.iapp.services
        try:
            rows = await asyncio.to_thread(services.sessions, 500)
            self.overall = await asyncio.to_thread(services.overall_by_session, rows)  # skips at 0
        except StoreError as exc:
            with contextlib.suppress(NoMatches):
                self.query_one("#chart-caption", Label).update(Text(str(exc), style="red"))
            return
        try:
            self._fill(rows)
        except NoMatches:  # the screen was left (its widgets are gone) while the list loaded
            return
        try:
            await self.iapp.wait_catalog()
            progress = await asyncio.to_thread(services.progress, self.iapp.settings.lang, now=self.iapp.clock())
        except (ServicesUnavailable, StoreError):
            progress = None
        try:
            self._chart(progress)
            await self._tracks_chart(progress)
            self._due(progress)
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
                status = Text(f"⏸ {msg('status.active', lang)}", style="yellow")
            else:
                status = Text(msg(f"status.{row.status}", lang), style="dim")
            cells = {
                "when": fmt.when(row.started_at),
                "score": Text(fmt.score(overall), style=fmt.score_style(overall), justify="right"),
                "status": status,
                "questions": Text(str(row.questions), justify="right"),
                "model": fmt.one_line(row.model or msg("fb.offline", lang), widths.get("model", 14)),
                "tracks": fmt.one_line(
                    fmt.track_names(row.tracks, lang, self.iapp.services.loaded_tracks(), msg("fb.all_tracks", lang)),
                    widths["tracks"],
                ),
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
            caption.update(Text(msg("hist.no_graded", self.lang), style="dim"))
            return
        if len(points) == 1:
            caption.update(
                Text.assemble(
                    fmt.meter(points[0], 20),
                    " ",
                    (msg("hist.one", self.lang, score=f"{points[0]:.0f}"), "dim"),
                )
            )
            self._practice(progress)
            return
        first, last, best = points[0], points[-1], max(points)
        trend = last - first
        arrow = "▲" if trend > 0 else "▼" if trend < 0 else "="
        caption.update(
            Text.assemble(
                (msg("hist.graded", self.lang, n=len(points), s="s" if len(points) != 1 else ""), "dim"),
                msg("hist.trend", self.lang, first=f"{first:.0f}"),
                (f"{last:.0f}", f"bold {fmt.score_style(last)}"),
                msg("hist.best", self.lang, arrow=arrow, delta=f"{abs(trend):.0f}", best=f"{best:.0f}"),
            )
        )
        self._practice(progress)

    def _practice(self, progress: Progress | None) -> None:
        if progress and progress.practice:
            items = ", ".join(fmt.one_line(str(p["text"]) or str(p["key_point"]), 40) for p in progress.practice[:3])
            self.query_one("#practice", Static).update(
                Text.assemble((msg("hist.practise", self.lang), "bold"), (items, "dim"))
            )

    async def _tracks_chart(self, progress: Progress | None) -> None:
        """One line per track (retention over time, or scores for a track without cards), with a
        legend of the tracks' names in the UI language. textual-plotext is imported here, when there
        is something to draw, not when the app starts."""
        self.track_series = track_series(progress, self.lang, self.iapp.services.loaded_tracks()) if progress else []
        legend = self.query_one("#tracks-legend", Static)
        if not self.track_series:
            legend.update(Text(msg("hist.no_tracks", self.lang), style="dim"))
            return
        from textual_plotext import PlotextPlot

        try:
            plot = self.query_one("#tracks-plot", PlotextPlot)
        except NoMatches:
            plot = PlotextPlot(id="tracks-plot")
            await self.query_one("#tracks-box", Vertical).mount(plot, before=legend)
        plt = plot.plt
        plt.clear_data()
        times = [at for series in self.track_series for at in series.at]
        span = max(times) - min(times)
        # tick labels as precise as the span needs: hours over a few days, the year over a long one
        plt.date_form("Y-m-d H:M", "m-d H:M" if span.days < 4 else "Y-m-d" if span.days > 300 else "m-d")
        keys: list[Text | str | tuple[str, str]] = []
        for n, series in enumerate(self.track_series):
            color = TRACK_COLORS[n % len(TRACK_COLORS)]
            dates = [at.strftime("%Y-%m-%d %H:%M") for at in series.at]
            plt.plot(dates, series.values, color=color, marker="braille")
            keys += [("━━ ", f"color({color})"), series.label, "   "]
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        plot.refresh()
        legend.update(Text.assemble(*keys[:-1]))

    def _due(self, progress: Progress | None) -> None:
        """The key points due now, least remembered first, each with what to read."""
        due = progress.due if progress else []
        box = self.query_one("#due-list", Static)
        if not due:
            box.update(Text(msg("hist.no_due", self.lang), style="dim"))
            return
        lines: list[Text] = []
        for entry in due[:DUE_SHOWN]:
            point = fmt.one_line(str(entry.get("text") or entry.get("key_point", "")), 70)
            retention = float(entry.get("retention", 0.0))
            line = Text.assemble("• ", point, (f"  {100 * retention:.0f}%", fmt.score_style(100 * retention)))
            read = read_of(dict(entry))
            if read:
                line.append("\n  " + msg("hist.read", self.lang, where=fmt.one_line(read, 70)), style="dim")
            lines.append(line)
        if len(due) > DUE_SHOWN:
            lines.append(Text(msg("hist.due_more", self.lang, n=len(due) - DUE_SHOWN), style="dim"))
        box.update(Text("\n").join(lines))

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
            status = translated("status", row.status, self.lang)
            self.notify(msg("notice.not_resumable", self.lang, status=status), severity="warning")
            return
        self.iapp.open_resume(row.id)
