"""A screen with a table of stored sessions (Home's recent list, History): the selected row opens
its feedback or its replay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen
from textual.widgets import DataTable

from interviewer.tui.i18n import say

if TYPE_CHECKING:
    from interviewer.store.db import SessionRow
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
        return self.iapp.settings.lang

    def add_columns(self, widths: tuple[tuple[str, int], ...]) -> None:
        """Labelled columns of fixed widths: auto-sized columns are measured when the table is idle,
        and a busy laptop could paint the rows before that, clipped to the header widths."""
        table = self.query_one(self.TABLE, DataTable)
        for column, width in widths:
            table.add_column(say(self.lang, f"col.{column}"), width=width)

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
