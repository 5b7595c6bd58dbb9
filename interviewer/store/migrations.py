"""Numbered, append-only schema migrations. Never edit one that has shipped: add a new one."""

MIGRATIONS: list[str] = [
    # 1: sessions, the append-only event log, versioned grades
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
    # 2: the unsent draft of a session's open prompt; sessions.overall counts skipped questions at 0
    # (rows written before are marked 0 and recomputed once by the store, see Store._recount)
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
