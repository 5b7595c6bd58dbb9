"""Named, append-only schema migrations (the pattern of simonw/llm's ``migrations.py``).

Each migration is a Python function that takes the connection and runs its statements one by one
(``conn.execute``, never SQL split on ``;``, so a trigger's ``BEGIN ...; ...; END`` is one
statement). The store applies the ones not yet recorded in the ``_migrations`` table, in the order
they are declared here, each in its own ``BEGIN IMMEDIATE`` transaction, and records its name and
time. Never edit or rename one that has shipped: add a new function below the last one.

Databases written before the table existed carry only ``PRAGMA user_version`` = the number of
migrations applied; the store records the first that many names for them (see ``Store._migrate``)
and keeps ``user_version`` equal to the count, so an older interviewer still refuses a newer file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

MigrationFn = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Migration:
    """One schema step: ``name`` is recorded in ``_migrations`` once ``apply`` has run."""

    name: str
    apply: MigrationFn


MIGRATIONS: list[Migration] = []


def migration(fn: MigrationFn) -> MigrationFn:
    """Register ``fn`` as the next migration, named after the function."""
    if any(m.name == fn.__name__ for m in MIGRATIONS):
        raise ValueError(f"duplicate migration name {fn.__name__}")
    MIGRATIONS.append(Migration(fn.__name__, fn))
    return fn


@migration
def m001_sessions_events_grades(conn: sqlite3.Connection) -> None:
    """Sessions, the append-only event log, versioned grades."""
    conn.execute(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            lang TEXT NOT NULL,
            tracks TEXT NOT NULL DEFAULT '[]',
            model TEXT NOT NULL DEFAULT '',
            count INTEGER,
            difficulty INTEGER,
            overall REAL,
            summary TEXT NOT NULL DEFAULT ''
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id),
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            payload TEXT NOT NULL,
            UNIQUE (session_id, seq)
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE grades (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            judge TEXT NOT NULL,
            rubric_version INTEGER NOT NULL,
            graded_at TEXT NOT NULL,
            overall REAL NOT NULL,
            origin TEXT NOT NULL,
            payload TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX grades_by_session ON grades (session_id, question_id, id)")
    conn.execute(
        """
        CREATE VIEW latest_grades AS
            SELECT g.* FROM grades g
            WHERE g.id = (SELECT max(id) FROM grades h WHERE h.session_id = g.session_id AND h.question_id = g.question_id)
        """
    )


@migration
def m002_drafts_and_overall_counts_skips(conn: sqlite3.Connection) -> None:
    """The unsent draft of a session's open prompt; ``sessions.overall`` counts skipped questions
    at 0 (rows written before are marked 0 and recomputed once by the store, see Store._recount)."""
    conn.execute("ALTER TABLE sessions ADD COLUMN overall_counts_skips INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        """
        CREATE TABLE drafts (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            follow_up_index INTEGER NOT NULL,
            text TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )
        """
    )


@migration
def m003_draft_code(conn: sqlite3.Connection) -> None:
    """A coding question's unsent code beside the draft's text."""
    conn.execute("ALTER TABLE drafts ADD COLUMN code TEXT NOT NULL DEFAULT ''")
