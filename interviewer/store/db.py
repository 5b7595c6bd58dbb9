"""SQLite store of sessions: every agent event appended as it happens; grades versioned.

WAL mode, a busy timeout and BEGIN IMMEDIATE transactions let two processes write the same
database safely. Migrations are named, append-only and recorded in ``_migrations`` (see
:mod:`interviewer.store.migrations`); a database from a newer version of
the app, or a file that is not ours, is refused with a clear message and never overwritten.

An event is never lost to a database another process keeps locked (or to a transient I/O error):
``record`` tries for ``write_timeout_s``, then keeps the event in a local journal (fsynced, see
:mod:`interviewer.store.journal`) and a background writer commits it, and everything after it, in
order, retrying with backoff. ``pending_writes`` / ``wait_saved`` tell callers where things stand;
a journal left by a process that quit first is committed by the next one to open the database.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Event,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
    TokenStreamed,
    parse_event,
)
from interviewer.agent.transcript import fold
from interviewer.domain import Grade, Session
from interviewer.domain.session import overall_score
from interviewer.store.journal import Journal, adopt_orphans, journal_dir
from interviewer.store.migrations import MIGRATIONS
from interviewer.store.rows import Draft as Draft
from interviewer.store.rows import SessionRow as SessionRow
from interviewer.store.rows import StoreError as StoreError
from interviewer.store.rows import UnknownSession as UnknownSession

APP_ID = 0x1A7E4D01  # PRAGMA application_id marking the file as ours

WRITE_TIMEOUT_S = 1.0
"""How long ``record`` waits for a locked database before journaling the event (it runs on the
event loop: the TUI must not freeze for the whole busy timeout)."""
BACKOFF_MAX_S = 2.0
"""Longest pause between two attempts of the background writer."""


class Store:
    def __init__(
        self, path: Path, *, write_timeout_s: float = WRITE_TIMEOUT_S, backoff_max_s: float = BACKOFF_MAX_S
    ) -> None:
        self.path = path
        self.write_timeout_s = write_timeout_s
        self.backoff_max_s = backoff_max_s
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._migrated = False
        # events waiting for the database, in order; guarded by _saved (a Condition on _wlock)
        self._wlock = threading.RLock()
        self._saved = threading.Condition(self._wlock)
        self._pending: list[Event] = []
        self._journal = Journal(journal_dir(path))
        self._writer: threading.Thread | None = None
        self.write_error = ""
        """Why the pending events are not in the database yet ('' when nothing is pending)."""
        self.attempts = 0
        """Attempts the background writer has made for the events pending now."""

    # -- connection and schema -------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:  # the home 0700 and the database 0600 (its -wal / -shm files take its mode): answers are private
            paths.ensure_private_dir(self.path.parent)
            paths.create_private_file(self.path)
        except OSError as exc:
            raise StoreError(f"cannot create {self.path}: {exc.strerror or exc}") from None
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            with self._init_lock:
                if not self._migrated:
                    self._init_schema(conn)
                    self._migrated = True
                    self._recount(conn)
                    self._recover(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if _is_busy(exc):
                raise StoreError(f"{self.path} is locked by another process ({exc}); try again") from None
            raise StoreError(
                f"{self.path} is not a readable interviewer database ({exc}); "
                "move it away to start fresh — it was not modified"
            ) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        self._local.conn = conn
        return conn

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        """Check the file, switch it to WAL and run pending migrations.

        A foreign, corrupt or newer file is refused *before* anything writes to it (switching
        to WAL rewrites the header). Another process may be opening a new database at the same
        moment: SQLite then reports "locked" without waiting (a lock upgrade would deadlock),
        so those steps are retried for as long as the busy timeout.
        """
        deadline = time.monotonic() + 10.0
        while True:
            try:
                applied = self._check(conn)
                conn.execute("PRAGMA journal_mode = WAL")
                self._migrate(conn, applied)
                return
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01 + random.random() * 0.04)

    def _check(self, conn: sqlite3.Connection) -> set[str]:
        """The names of the migrations applied to the file; StoreError if it is not ours or newer
        than this app (more migrations than it knows, or one it does not know)."""
        try:
            conn.execute("BEGIN")  # one read snapshot: another process may be migrating right now
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                has_table = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
                ).fetchone()
                recorded = [r[0] for r in conn.execute("SELECT name FROM _migrations")] if has_table else []
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if _is_busy(exc):
                raise
            raise StoreError(
                f"{self.path} is corrupted or not a database ({exc}); move it away to start fresh — it was not modified"
            ) from None
        if tables and app_id != APP_ID:
            raise StoreError(f"{self.path} is not an interviewer database; it was not modified")
        known = [m.name for m in MIGRATIONS]
        unknown = [name for name in recorded if name not in known]
        if version > len(MIGRATIONS) or unknown:
            what = f"migration {unknown[0]}" if unknown else f"schema {version}"
            raise StoreError(
                f"{self.path} was written by a newer interviewer ({what}, this version "
                f"knows {len(MIGRATIONS)}); upgrade interviewer — the file was not modified"
            )
        if not has_table:  # written before migrations were named: user_version counts the applied ones
            return set(known[:version])
        return set(recorded)

    def _migrate(self, conn: sqlite3.Connection, applied: set[str]) -> None:
        """Apply, in order, each migration not recorded yet, each in its own transaction that also
        records its name; a file without ``_migrations`` gets the table (and its history) first.
        Every step re-reads the table under the write lock: another process may have run it."""
        if all(m.name in applied for m in MIGRATIONS) and self._has_migrations_table(conn):
            return
        with self._tx(conn):
            conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            if conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == 0:
                legacy = conn.execute("PRAGMA user_version").fetchone()[0]
                conn.executemany(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    [(m.name, _now()) for m in MIGRATIONS[:legacy]],
                )
            conn.execute(f"PRAGMA application_id = {APP_ID}")
        for step in MIGRATIONS:
            if step.name in applied:
                continue
            with self._tx(conn):
                if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (step.name,)).fetchone():
                    continue
                step.apply(conn)
                conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (step.name, _now()))
                count = conn.execute("SELECT count(*) FROM _migrations").fetchone()[0]
                conn.execute(f"PRAGMA user_version = {int(count)}")  # what an older interviewer checks

    @staticmethod
    def _has_migrations_table(conn: sqlite3.Connection) -> bool:
        return bool(
            conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
        )

    @contextmanager
    def _tx(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        conn = conn or self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writing ---------------------------------------------------------------------------
    def record(self, event: Event) -> None:
        """Append one event (and update the session row / grade table it implies).

        Never loses the event to a locked or briefly failing database: after ``write_timeout_s``
        it is journaled and committed in the background (see ``pending_writes``)."""
        if isinstance(event, TokenStreamed):
            return
        self._connect()  # a foreign / corrupt / newer file is refused here, as before
        with self._wlock:
            if not self._pending:
                try:
                    self._commit([event], self.write_timeout_s, dedupe=False)
                    return
                except sqlite3.OperationalError as exc:  # locked, busy, disk I/O or full: transient
                    self.write_error = _why(exc)
            self._journal.append([event.model_dump_json()])
            self._pending.append(event)
            self._start_writer()

    @property
    def pending_writes(self) -> int:
        """Events recorded but not in the database yet (journaled, being retried)."""
        with self._wlock:
            return len(self._pending)

    @property
    def journal_path(self) -> Path | None:
        """The file holding the pending events, while there are any."""
        with self._wlock:
            return self._journal.path

    def wait_saved(self, timeout: float | None = None) -> bool:
        """Wait until every recorded event is in the database; False if ``timeout`` ran out first."""
        with self._saved:
            return self._saved.wait_for(lambda: not self._pending, timeout)

    def _commit(
        self, events: list[Event], timeout_s: float, *, dedupe: bool, conn: sqlite3.Connection | None = None
    ) -> None:
        """Store ``events`` in one transaction, waiting at most ``timeout_s`` for the write lock.
        ``dedupe``: skip events already stored (a journal replayed after its writer stopped)."""
        conn = conn or self._connect()
        conn.execute(f"PRAGMA busy_timeout = {max(0, int(timeout_s * 1000))}")
        try:
            with self._tx(conn) as tx:
                for event in events:
                    if not (dedupe and self._stored(tx, event)):
                        self._append(tx, event)
        finally:
            conn.execute("PRAGMA busy_timeout = 10000")

    @staticmethod
    def _stored(conn: sqlite3.Connection, event: Event) -> bool:
        row = conn.execute(
            "SELECT 1 FROM events WHERE session_id = ? AND type = ? AND at = ? AND payload = ? LIMIT 1",
            (event.session_id, event.type, event.at.isoformat(), event.model_dump_json()),
        ).fetchone()
        return row is not None

    def _start_writer(self) -> None:
        if self._writer is None or not self._writer.is_alive():
            self._writer = threading.Thread(target=self._write_pending, name="store-writer", daemon=True)
            self._writer.start()

    def _write_pending(self) -> None:
        """The background writer: commit the pending events in order, backing off while it fails."""
        delay = 0.05
        while True:
            with self._wlock:
                if not self._pending:
                    return
                batch = list(self._pending)
            try:
                self._commit(batch, min(1.0, self.write_timeout_s), dedupe=True)
            except (sqlite3.OperationalError, StoreError) as exc:  # still locked / transient: retry
                with self._wlock:
                    self.write_error = _why(exc)
                    self.attempts += 1
                time.sleep(delay)
                delay = min(delay * 2, self.backoff_max_s)
                continue
            except Exception as exc:  # will never commit (e.g. its session was deleted): keep it aside
                with self._saved:
                    kept = self._journal.set_aside()
                    del self._pending[: len(batch)]
                    if self._pending:  # recorded meanwhile: journaled again, in a new file
                        self._journal.append([e.model_dump_json() for e in self._pending])
                    self.write_error = f"{len(batch)} event(s) could not be saved ({exc}); they are kept in {kept}"
                    self._saved.notify_all()
                continue
            with self._saved:
                del self._pending[: len(batch)]
                if not self._pending:
                    self._journal.clear()
                    self.write_error = ""
                    self.attempts = 0
                    self._saved.notify_all()
            delay = 0.05

    def _recount(self, conn: sqlite3.Connection) -> None:
        """Recompute, once, the overall score of sessions stored before it counted skipped questions
        at 0. Another process holding the write lock just postpones it to the next start."""
        conn.execute("PRAGMA busy_timeout = 200")
        try:
            with self._tx(conn) as tx:
                stale = tx.execute("SELECT id FROM sessions WHERE overall_counts_skips = 0").fetchall()
                for (session_id,) in stale:
                    self._update_overall(tx, session_id)
        except sqlite3.OperationalError:
            pass
        finally:
            conn.execute("PRAGMA busy_timeout = 10000")

    def _recover(self, conn: sqlite3.Connection) -> None:
        """Take over journals of processes that stopped before their events reached the database:
        commit them now if the database lets us, else in the background."""
        with self._wlock:
            try:
                lines = adopt_orphans(self._journal)
            except OSError:
                return
            events: list[Event] = []
            for line in lines:
                try:
                    events.append(parse_event(line))
                except ValueError:
                    continue  # a line cut short by a crash: its write never completed
            if not events:
                self._journal.clear()
                return
            try:
                self._commit(events, self.write_timeout_s, dedupe=True, conn=conn)
            except sqlite3.OperationalError as exc:
                self._pending[:0] = events
                self.write_error = _why(exc)
                self._start_writer()
                return
            except Exception as exc:  # will never commit: keep the file for a person to look at
                kept = self._journal.set_aside()
                self.write_error = (
                    f"{len(events)} event(s) of an earlier run could not be saved ({exc}); kept in {kept}"
                )
                return
            self._journal.clear()

    def _append(self, conn: sqlite3.Connection, event: Event, *, grades: bool = True) -> None:
        if isinstance(event, TokenStreamed):
            return
        if isinstance(event, SessionStarted):
            s = event.session
            conn.execute(
                "INSERT OR IGNORE INTO sessions"
                " (id, started_at, status, lang, tracks, model, count, difficulty, overall_counts_skips)"
                " VALUES (?, ?, 'active', ?, ?, ?, ?, ?, 1)",
                (s.id, s.started_at.isoformat(), s.lang, json.dumps(s.tracks), s.model, s.count, s.difficulty),
            )
        seq = conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE session_id = ?", (event.session_id,)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO events (session_id, seq, type, at, payload) VALUES (?, ?, ?, ?, ?)",
            (event.session_id, seq, event.type, event.at.isoformat(), event.model_dump_json()),
        )
        if isinstance(event, AnswerGraded) and grades:
            self._insert_grade(conn, event.session_id, event.grade, "interview")
            self._update_overall(conn, event.session_id)
        if isinstance(event, QuestionClosed) and event.reason == "skipped":
            self._update_overall(conn, event.session_id)
        if isinstance(event, AnswerReceived):  # the draft was sent: it is the answer now
            conn.execute(
                "DELETE FROM drafts WHERE session_id = ? AND question_id = ? AND follow_up_index = ?",
                (event.session_id, event.question_id, event.follow_up_index),
            )
        if isinstance(event, SessionEnded):
            conn.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, summary = ? WHERE id = ?",
                (event.status, event.at.isoformat(), event.summary, event.session_id),
            )

    @staticmethod
    def _update_overall(conn: sqlite3.Connection, session_id: str) -> None:
        """The session row's score as ``Session.overall`` computes it: skipped questions at 0."""
        grades = [
            float(r[0])
            for r in conn.execute("SELECT overall FROM latest_grades WHERE session_id = ?", (session_id,)).fetchall()
        ]
        skipped = conn.execute(
            "SELECT count(DISTINCT json_extract(payload, '$.question_id')) FROM events"
            " WHERE session_id = ? AND type = 'question_closed' AND json_extract(payload, '$.reason') = 'skipped'"
            " AND json_extract(payload, '$.question_id') NOT IN (SELECT question_id FROM grades WHERE session_id = ?)",
            (session_id, session_id),
        ).fetchone()[0]
        conn.execute(
            "UPDATE sessions SET overall = ?, overall_counts_skips = 1 WHERE id = ?",
            (overall_score(grades, int(skipped)), session_id),
        )

    def _insert_grade(self, conn: sqlite3.Connection, session_id: str, grade: Grade, origin: str) -> None:
        conn.execute(
            "INSERT INTO grades (session_id, question_id, judge, rubric_version, graded_at, overall, origin, payload)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                grade.question_id,
                grade.judge,
                grade.rubric_version,
                grade.graded_at.isoformat(),
                grade.overall,
                origin,
                grade.model_dump_json(),
            ),
        )

    def add_grades(self, session_id: str, grades: list[Grade], origin: str = "rescore") -> None:
        """Store new grade versions (e.g. from rescore); older versions stay."""
        self._require(session_id)
        with self._tx() as conn:
            for grade in grades:
                self._insert_grade(conn, session_id, grade, origin)
            self._update_overall(conn, session_id)

    def delete(self, session_id: str) -> None:
        self._require(session_id)
        with self._tx() as conn:
            conn.execute("DELETE FROM grades WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def import_events(self, events: list[Event], versions: list[tuple[str, Grade]] | None = None) -> str:
        """Store a whole exported session in one transaction: its events, then every grade version
        in its original order and with its origin (None: the grades its events carry)."""
        if not events or not isinstance(events[0], SessionStarted):
            raise StoreError("an imported session must start with a session_started event")
        session_id = events[0].session_id
        strays = sorted({e.session_id for e in events} - {session_id})
        if strays:
            raise StoreError(f"the export mixes events of other sessions ({', '.join(strays)}); nothing was imported")
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                raise StoreError(f"session {session_id} already exists; delete it first to re-import")
            for event in events:
                self._append(conn, event, grades=versions is None)
            for origin, grade in versions or []:
                self._insert_grade(conn, session_id, grade, origin)
            self._update_overall(conn, session_id)
        return session_id

    # -- drafts ----------------------------------------------------------------------------
    def save_draft(self, session_id: str, question_id: str, follow_up_index: int, text: str, code: str = "") -> bool:
        """Keep the unsent answer to a session's open prompt and a coding question's unsent code (one
        per session; empty text and code drop it).

        Committed before it returns, so it survives the process being killed. Best effort: False
        when the database is busy or the session is not stored yet (the caller saves again later;
        the text is still in the editor)."""
        try:
            conn = self._connect()
            conn.execute("PRAGMA busy_timeout = 250")
            try:
                with self._tx(conn) as tx:
                    if not text.strip() and not code.strip():
                        tx.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
                    else:
                        tx.execute(
                            "INSERT OR REPLACE INTO drafts"
                            " (session_id, question_id, follow_up_index, text, code, saved_at)"
                            " VALUES (?, ?, ?, ?, ?, datetime('now'))",
                            (session_id, question_id, follow_up_index, text, code),
                        )
            finally:
                conn.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.Error:
            return False
        return True

    def draft(self, session_id: str) -> Draft | None:
        """The saved unsent answer of a session, if any."""
        row = (
            self._connect()
            .execute(
                "SELECT question_id, follow_up_index, text, saved_at, code FROM drafts WHERE session_id = ?",
                (session_id,),
            )
            .fetchone()
        )
        return None if row is None else Draft(row[0], int(row[1]), row[2], row[3], row[4])

    # -- reading ---------------------------------------------------------------------------
    def exists(self, session_id: str) -> bool:
        row = self._connect().execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def _require(self, session_id: str) -> None:
        if not self.exists(session_id):
            raise UnknownSession(session_id)

    def resolve(self, prefix: str) -> str:
        """A full session id from an id or a unique prefix of one."""
        if not prefix:
            raise UnknownSession(prefix)
        # A literal, case-insensitive prefix: '%' and '_' are not wildcards here.
        rows = (
            self._connect()
            .execute("SELECT id FROM sessions WHERE lower(substr(id, 1, ?)) = lower(?)", (len(prefix), prefix))
            .fetchall()
        )
        if len(rows) == 1:
            return str(rows[0][0])
        if any(r[0] == prefix for r in rows):
            return prefix
        raise UnknownSession(prefix)

    def events(self, session_id: str) -> list[Event]:
        self._require(session_id)
        rows = (
            self._connect()
            .execute("SELECT payload FROM events WHERE session_id = ? ORDER BY seq", (session_id,))
            .fetchall()
        )
        return [parse_event(r[0]) for r in rows]

    def load(self, session_id: str) -> Session:
        session = fold(self.events(session_id))
        if session is None:
            raise StoreError(f"session {session_id} has no start event")
        for grade in self.latest_grades(session_id):
            session.grades[grade.question_id] = grade
        return session

    def grade_versions(self, session_id: str) -> list[tuple[str, Grade]]:
        """Every stored grade of a session, oldest first, with its origin."""
        rows = (
            self._connect()
            .execute("SELECT origin, payload FROM grades WHERE session_id = ? ORDER BY id", (session_id,))
            .fetchall()
        )
        return [(r[0], Grade.model_validate_json(r[1])) for r in rows]

    def latest_grades(self, session_id: str) -> list[Grade]:
        rows = (
            self._connect()
            .execute("SELECT payload FROM latest_grades WHERE session_id = ? ORDER BY id", (session_id,))
            .fetchall()
        )
        return [Grade.model_validate_json(r[0]) for r in rows]

    def sessions(self, limit: int = 200, status: str | None = None) -> list[SessionRow]:
        sql = (
            "SELECT s.id, s.started_at, s.status, s.lang, s.tracks, s.model, s.overall,"
            " (SELECT count(*) FROM events e WHERE e.session_id = s.id AND e.type = 'question_asked')"
            " FROM sessions s"
        )
        args: tuple[object, ...] = ()
        if status:
            sql += " WHERE s.status = ?"
            args = (status,)
        sql += " ORDER BY s.started_at DESC LIMIT ?"
        rows = self._connect().execute(sql, (*args, limit)).fetchall()
        return [
            SessionRow(
                r[0],
                r[1],
                r[2],
                r[3],
                json.loads(r[4] or "[]"),
                r[5] or "",
                None if r[6] is None else round(r[6], 1),
                r[7],
            )
            for r in rows
        ]

    def recent_question_ids(self, sessions: int = 3) -> list[str]:
        """Questions asked in the last few sessions (to avoid repeating them)."""
        rows = (
            self._connect()
            .execute(
                "SELECT e.payload FROM events e JOIN (SELECT id FROM sessions ORDER BY started_at DESC LIMIT ?) s"
                " ON e.session_id = s.id WHERE e.type = 'question_asked'",
                (sessions,),
            )
            .fetchall()
        )
        return [json.loads(r[0])["question_id"] for r in rows]

    def graded_times(self) -> list[tuple[str, str, str]]:
        """(session id, question id, ISO time) of every answer_graded event, in stored order: when
        each answer was graded (a later grade version, e.g. from rescore, does not move it). Read
        without parsing the events: the review schedule needs only these."""
        rows = (
            self._connect()
            .execute(
                "SELECT session_id, json_extract(payload, '$.question_id'), at FROM events"
                " WHERE type = 'answer_graded' ORDER BY session_id, seq"
            )
            .fetchall()
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def all_grades(self) -> list[tuple[str, str, Grade]]:
        """(session id, session start, latest grade) for every graded question: oldest session first,
        then in the order the questions were asked (grades finish in the background, in any order)."""
        rows = (
            self._connect()
            .execute(
                "SELECT g.session_id, s.started_at, g.payload FROM latest_grades g JOIN sessions s ON s.id = g.session_id"
                " ORDER BY s.started_at, (SELECT min(e.seq) FROM events e WHERE e.session_id = g.session_id"
                " AND e.type = 'question_asked' AND json_extract(e.payload, '$.question_id') = g.question_id), g.id"
            )
            .fetchall()
        )
        return [(r[0], r[1], Grade.model_validate_json(r[2])) for r in rows]


def _why(exc: BaseException) -> str:
    if _is_busy(exc):
        return "the database is locked by another process"
    return str(exc)


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
