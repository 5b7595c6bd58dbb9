"""The parsed bank, cached by the content of every file it was read from.

Parsing the bank's YAML with line positions costs ~0.4 s per process; a command that only reads the
bank (search, grade, run, the TUI) gets the same ``Bank`` from a pickle in the app's cache directory
in milliseconds. The key hashes the code that parses (this package and the domain models, plus the
Python and pydantic versions) and every input file's path and bytes, so any edit, added or removed
file or upgrade is a miss. A miss parses as usual and writes the cache atomically; a cache that
cannot be read, unpickled or is not a Bank is ignored and replaced, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.bank.loader import Bank

FORMAT = b"bank-cache-1"
_CODE = ("bank/loader.py", "bank/notes.py", "bank/yamlpos.py", "domain/__init__.py", "domain/question.py")


def _code_version() -> bytes:
    import pydantic

    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(FORMAT + sys.version.encode() + pydantic.VERSION.encode())
    for rel in _CODE:
        with contextlib.suppress(OSError):
            h.update((pkg / rel).read_bytes())
    return h.digest()


def _input_files(root: Path) -> list[Path]:
    """Every file the loader may read under ``root`` (a superset is harmless: it only widens the key)."""
    if root.is_file():
        return [root]
    return sorted(p for pattern in ("*.yaml", "*.yml", "*.md") for p in root.rglob(pattern) if p.is_file())


def bank_key(roots: Sequence[tuple[Path, bool]]) -> str:
    h = hashlib.sha256(_code_version())
    for root, replace in roots:
        h.update(f"\0root\0{root.resolve()}\0{replace}\0{root.exists()}\0".encode())
        if not root.exists():
            continue
        for file in _input_files(root):
            h.update(f"\0file\0{file}\0".encode())
            try:
                h.update(file.read_bytes())
            except OSError as exc:  # the loader reports it; the key just has to differ from a readable file's
                h.update(f"\0unreadable\0{exc.errno}".encode())
    return h.hexdigest()


def cached_bank(cache_dir: Path, roots: Sequence[tuple[Path, bool]], parse: Callable[[], Bank]) -> Bank:
    """The bank for ``roots`` from ``cache_dir`` when its inputs are unchanged, else ``parse()`` (cached)."""
    from interviewer.bank.loader import Bank

    key = bank_key(roots)
    file = cache_dir / f"bank-{key[:32]}.pickle"
    try:
        with file.open("rb") as f:
            bank = pickle.load(f)
        if isinstance(bank, Bank):
            return bank
    except Exception:  # missing, truncated, written by other code: parse again
        pass
    bank = parse()
    _write(cache_dir, file, bank)
    return bank


def _write(cache_dir: Path, file: Path, bank: Bank) -> None:
    tmp = ""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in cache_dir.glob("bank-*.pickle"):  # one bank per home is enough; old keys never come back
            with contextlib.suppress(OSError):
                old.unlink()
        fd, tmp = tempfile.mkstemp(prefix=".bank-", suffix=".tmp", dir=cache_dir)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(bank, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except (OSError, pickle.PicklingError):
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
