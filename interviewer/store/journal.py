"""A local journal of events the database could not take yet (locked by another process, disk I/O).

Each process writes its own file in ``<database>.pending/``, one event (JSON) per line, flushed
and fsynced before the writer moves on, and holds an exclusive ``flock`` on it while it lives.
A process that finds a file nobody holds (its writer died or quit with the database still locked)
adopts the events: they are committed later, in order; events that reached the database already
are recognised and not stored twice. An empty journal is deleted.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: journals of other processes are never adopted
    fcntl = None  # type: ignore[assignment]


def journal_dir(db: Path) -> Path:
    return db.with_name(db.name + ".pending")


class Journal:
    """This process's journal file, created on the first append."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path: Path | None = None
        self._file: IO[str] | None = None

    def append(self, lines: list[str]) -> None:
        """Write ``lines`` (one JSON document each, no newlines inside) durably."""
        if self._file is None:
            self._open()
        assert self._file is not None
        self._file.write("".join(line + "\n" for line in lines))
        self._file.flush()
        os.fsync(self._file.fileno())

    def _open(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.directory / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self.path = path

    def clear(self) -> None:
        """Everything journaled is in the database: drop the file."""
        if self._file is None or self.path is None:
            return
        with contextlib.suppress(OSError):
            self._file.truncate(0)  # a process adopting it right now finds nothing to replay
            self.path.unlink()
        with contextlib.suppress(OSError):
            self._file.close()
        self._file = None
        self.path = None

    def set_aside(self) -> Path | None:
        """Keep the file (as ``*.failed``) for a person to look at, and start a new one."""
        if self._file is None or self.path is None:
            return None
        kept = self.path.with_suffix(".failed")
        with contextlib.suppress(OSError):
            self.path.rename(kept)
        with contextlib.suppress(OSError):
            self._file.close()
        self._file = None
        self.path = None
        return kept


def adopt_orphans(journal: Journal) -> list[str]:
    """Move the lines of journals no live process holds into ``journal`` (oldest file first) and
    return them; a file is removed only once its lines are safe in ``journal``."""
    directory = journal.directory
    if fcntl is None or not directory.is_dir():
        return []
    adopted: list[str] = []
    files = sorted(directory.glob("*.jsonl"), key=lambda p: (_mtime(p), p.name))
    for path in files:
        if path == journal.path:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its writer is alive
            with os.fdopen(os.dup(fd), "r", encoding="utf-8", errors="replace") as f:
                lines = [line.rstrip("\n") for line in f if line.strip()]
            if lines:
                journal.append(lines)
                adopted.extend(lines)
            with contextlib.suppress(OSError):
                path.unlink()
        finally:
            os.close(fd)
    return adopted


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
