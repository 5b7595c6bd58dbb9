"""A screen with a table of stored sessions (Home's recent list, History): the selected row opens
its feedback or its replay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen
from textual.widgets import DataTable

from interviewer.messages import msg

if TYPE_CHECKING:
    from interviewer.services import SessionRow
    from interviewer.tui.app import InterviewerApp


class SessionListScreen(Screen[None]):
    TABLE: ClassVar[str] = ""
    """The selector of the sessions table, e.g. '#recent'."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SessionRow] = []

    @property
    def iapp(self) -> InterviewerApp:
        return cast("InterviewerApp", self.app)

    @property
    def lang(self) -> str:
        """Session lists follow the configured language (the sessions in them may differ)."""
        return self.iapp.lang

    def add_columns(self, widths: tuple[tuple[str, int], ...]) -> None:
        """Labelled columns of fixed widths: auto-sized columns are measured when the table is idle,
        and a busy laptop could paint the rows before that, clipped to the header widths."""
        table = self.query_one(self.TABLE, DataTable)
        for column, width in widths:
            table.add_column(msg(f"col.{column}", self.lang), width=width)

    def fit_columns(self, widths: tuple[tuple[str, int], ...], flex: str, least: int = 8) -> dict[str, int]:
        """Column widths that fit the table's width: the ``widths`` given, ``flex`` taking what is left
        (at least ``least``); columns are dropped from the right end of ``widths`` while ``flex``
        would be narrower than that. Returns {column: width}, flex included, in display order."""
        table = self.query_one(self.TABLE, DataTable)
        inner = table.scrollable_content_region.width or table.size.width or self.app.size.width
        room = inner - 2  # a vertical scrollbar may appear
        kept = list(widths)
        while kept:
            left = room - sum(w for _, w in kept) - 2 * (len(kept) + 1)  # each cell has 1 column of padding a side
            if left >= least or len(kept) == 1:
                break
            kept.pop()
        left = room - sum(w for _, w in kept) - 2 * (len(kept) + 1)
        return {**dict(kept), flex: max(least, left)}

    def set_columns(self, widths: dict[str, int]) -> None:
        """Replace the table's columns (and rows) with labelled columns of these widths."""
        table = self.query_one(self.TABLE, DataTable)
        table.clear(columns=True)
        for column, width in widths.items():
            table.add_column(msg(f"col.{column}", self.lang), width=width, key=column)

    def selected_session(self) -> SessionRow | None:
        table = self.query_one(self.TABLE, DataTable)
        if not self.rows or table.row_count == 0:
            return None
        index = table.cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def action_feedback(self) -> None:
        row = self.selected_session()
        if row is not None:
            self.iapp.open_feedback(row.id)

    def action_replay(self) -> None:
        row = self.selected_session()
        if row is not None:
            self.iapp.open_replay(row.id)
