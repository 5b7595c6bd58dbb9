"""Pickled cache files in the app's cache dir: read back only when sound, written atomically.

Both caches built on it (the parsed bank, the chunked corpus) are derived data keyed by a content
hash: a file that is missing, truncated, unreadable or of another type is a miss, never an error,
and a write that fails (read-only home, full disk) leaves nothing half-written behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any


def code_version(*files: Path, extra: str = "") -> bytes:
    """A hash of the source files that produce a cached object (and the Python version)."""
    h = hashlib.sha256(f"{sys.version}\n{extra}\n".encode())
    for file in files:
        with contextlib.suppress(OSError):
            h.update(file.read_bytes())
    return h.digest()


def read(file: Path, kind: type | tuple[type, ...]) -> Any | None:
    """The object pickled in ``file`` if it is a ``kind``; None on any failure."""
    try:
        with file.open("rb") as f:
            value = pickle.load(f)
    except Exception:  # missing, truncated, written by other code
        return None
    return value if isinstance(value, kind) else None


def write(file: Path, value: object, stale_glob: str = "") -> bool:
    """Pickle ``value`` to ``file`` atomically (0600 in a 0700 dir), first removing files matching
    ``stale_glob`` beside it (earlier keys never come back). False when it could not be written."""
    tmp = ""
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if stale_glob:
            for old in file.parent.glob(stale_glob):
                if old != file:
                    with contextlib.suppress(OSError):
                        old.unlink()
        fd, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".tmp", dir=file.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
        return True
    except (OSError, pickle.PicklingError):
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
