"""Named migrations recorded in ``_migrations`` (issue 18): a migration is a function run statement by
statement, so a trigger's ``BEGIN ...; ...; END`` applies; a database written by the previous
scheme (SQL split on ';', only ``PRAGMA user_version``) upgrades in place with its data; each name
is recorded once; a newer file is still refused untouched."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from test_store import interview_events, pragma

from interviewer import paths
from interviewer.store import db as store_db
from interviewer.store.db import APP_ID, Store, StoreError
from interviewer.store.migrations import MIGRATIONS, Migration

# The schema exactly as the previous code path wrote it (interviewer/store/migrations.py before named
# migrations), applied exactly as it applied it: split on ';', then application_id and user_version.
PREVIOUS_SQL = [
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
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (session_id, seq)
    );
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
    );
    CREATE INDEX grades_by_session ON grades (session_id, question_id, id);
    CREATE VIEW latest_grades AS
        SELECT g.* FROM grades g
        WHERE g.id = (SELECT max(id) FROM grades h WHERE h.session_id = g.session_id AND h.question_id = g.question_id)
    """,
    """
    ALTER TABLE sessions ADD COLUMN overall_counts_skips INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE drafts (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        question_id TEXT NOT NULL,
        follow_up_index INTEGER NOT NULL,
        text TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )
    """,
]


def previous_code_path(path: Path, upto: int) -> None:
    """Create a database the way the store did before named migrations, at schema ``upto``."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for number, sql in enumerate(PREVIOUS_SQL[:upto], start=1):
        conn.execute("BEGIN IMMEDIATE")
        for statement in [s.strip() for s in sql.split(";") if s.strip()]:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APP_ID}")
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    conn.close()


def schema(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
    conn.close()
    return {name: re.sub(r"\s+", " ", sql).strip() for name, sql in rows}


def recorded(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    conn.close()
    return names


def touch(path: Path) -> None:
    """Open the store (it connects, checks and migrates on first use) and close it."""
    store = Store(path)
    store.sessions()
    store.close()


@pytest.fixture
def db_path(isolated_home: Path) -> Path:
    return paths.db_file(isolated_home)


def test_migrations_have_unique_names_in_declared_order() -> None:
    names = [m.name for m in MIGRATIONS]
    assert len(names) == len(set(names)) >= 2
    assert names == sorted(names)  # mNNN_ prefixes: declaration order is apply order


def test_a_new_database_records_every_migration_once(db_path: Path) -> None:
    touch(db_path)
    touch(db_path)  # opening again applies and records nothing twice
    assert recorded(db_path) == [m.name for m in MIGRATIONS]
    conn = sqlite3.connect(db_path)
    applied_at = [r[0] for r in conn.execute("SELECT applied_at FROM _migrations")]
    conn.close()
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", at) for at in applied_at)
    assert pragma(db_path, "user_version") == len(MIGRATIONS)  # what an older interviewer checks


def test_named_migrations_build_the_schema_the_previous_code_built(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old.db"
    previous_code_path(old, len(PREVIOUS_SQL))
    monkeypatch.setattr(store_db, "MIGRATIONS", MIGRATIONS[: len(PREVIOUS_SQL)])  # those it knew
    touch(db_path)
    new = schema(db_path)
    assert new.pop("_migrations").startswith("CREATE TABLE _migrations")
    assert new == schema(old)


def test_a_migration_with_a_trigger_applies(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The previous scheme split this on ';' and failed with 'incomplete input'."""

    def m900_audit_trigger(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE session_audit (session_id TEXT, status TEXT)")
        conn.execute(
            """
            CREATE TRIGGER sessions_audit AFTER UPDATE OF status ON sessions
            BEGIN
                INSERT INTO session_audit VALUES (new.id, old.status);
                INSERT INTO session_audit VALUES (new.id, new.status);
            END
            """
        )

    monkeypatch.setattr(store_db, "MIGRATIONS", [*MIGRATIONS, Migration("m900_audit_trigger", m900_audit_trigger)])
    store = Store(db_path)
    for e in interview_events("s1"):  # ends with SessionEnded: status active -> completed fires the trigger
        store.record(e)
    store.close()
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT session_id, status FROM session_audit").fetchall()
    conn.close()
    assert rows == [("s1", "active"), ("s1", "completed")]
    assert recorded(db_path)[-1] == "m900_audit_trigger"
    assert pragma(db_path, "user_version") == len(MIGRATIONS) + 1


def test_a_database_of_the_previous_scheme_upgrades_with_its_data(db_path: Path, tmp_path: Path) -> None:
    # the rows a session leaves, written by today's store into a scratch file ...
    scratch = tmp_path / "scratch.db"
    writer = Store(scratch)
    for e in interview_events("s1", overall=80.0):
        writer.record(e)
    writer.close()
    expected = Store(scratch).load("s1")
    # ... copied into a schema-1 file made by the previous code path (no drafts, no _migrations)
    previous_code_path(db_path, 1)
    conn = sqlite3.connect(db_path)
    conn.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
    cols = "id, started_at, ended_at, status, lang, tracks, model, count, difficulty, summary"
    conn.execute(f"INSERT INTO sessions ({cols}, overall) SELECT {cols}, 80.0 FROM scratch.sessions")
    conn.execute("INSERT INTO events SELECT * FROM scratch.events")
    conn.execute("INSERT INTO grades SELECT * FROM scratch.grades")
    conn.commit()
    conn.close()
    assert pragma(db_path, "user_version") == 1

    store = Store(db_path)
    assert store.load("s1") == expected  # every event intact
    assert store.sessions()[0].overall == 40.0  # migration 2's recount ran: the skipped question counts 0
    assert store.save_draft("s1", "q1", 0, "draft")  # the drafts table exists now
    store.close()
    assert recorded(db_path) == [m.name for m in MIGRATIONS]
    assert pragma(db_path, "user_version") == len(MIGRATIONS)
    touch(db_path)
    assert recorded(db_path) == [m.name for m in MIGRATIONS]  # once


def test_a_current_database_of_the_previous_scheme_is_only_given_the_table(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous_code_path(db_path, len(PREVIOUS_SQL))
    before = schema(db_path)
    with monkeypatch.context() as patch:  # the migrations the previous scheme knew
        patch.setattr(store_db, "MIGRATIONS", MIGRATIONS[: len(PREVIOUS_SQL)])
        touch(db_path)  # would fail with "duplicate column" if it re-ran migration 2
    after = schema(db_path)
    assert after.pop("_migrations")
    assert after == before
    touch(db_path)  # the later ones apply on top
    assert recorded(db_path) == [m.name for m in MIGRATIONS]


def test_a_database_with_an_unknown_migration_is_refused_untouched(db_path: Path) -> None:
    touch(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2030-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer interviewer"):
        Store(db_path).sessions()
    assert db_path.read_bytes() == before
