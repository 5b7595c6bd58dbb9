"""The parsed bank, cached by the content of every file it was read from.

Parsing the bank's YAML with line positions costs ~0.4 s per process; a command that only reads the
bank (search, grade, run, the TUI) gets the same ``Bank`` from a pickle in the app's cache directory
in milliseconds. The key hashes the code that parses (this package and the domain models, plus the
Python and pydantic versions) and every input file's path and bytes, so any edit, added or removed
file or upgrade is a miss. A miss parses as usual and writes the cache atomically; a cache that
cannot be read, unpickled or is not a Bank is ignored and replaced, never an error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer import cachefile

if TYPE_CHECKING:
    from interviewer.bank.loader import Bank

FORMAT = "bank-cache-3"
_CODE = (
    "bank/loader.py",
    "bank/notes.py",
    "bank/yamlpos.py",
    "domain/__init__.py",
    "domain/question.py",
    "domain/track.py",
)


def _code_version() -> bytes:
    import pydantic

    pkg = Path(__file__).resolve().parent.parent
    return cachefile.code_version(*(pkg / rel for rel in _CODE), extra=f"{FORMAT} pydantic {pydantic.VERSION}")


def _input_files(root: Path) -> list[str]:
    """Every file the loader may read under ``root`` (a superset is harmless: it only widens the key).
    Plain strings from os.walk: building and sorting Path objects cost more than hashing a small bank."""
    if root.is_file():
        return [str(root)]
    found = [
        os.path.join(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith((".yaml", ".yml", ".md"))
    ]
    return sorted(found)


def bank_key(roots: Sequence[tuple[Path, bool]]) -> str:
    h = hashlib.sha256(_code_version())
    for root, replace in roots:
        h.update(f"\0root\0{root.resolve()}\0{replace}\0{root.exists()}\0".encode())
        if not root.exists():
            continue
        for file in _input_files(root):
            h.update(f"\0file\0{file}\0".encode())
            try:
                with open(file, "rb") as f:
                    h.update(f.read())
            except OSError as exc:  # the loader reports it; the key just has to differ from a readable file's
                h.update(f"\0unreadable\0{exc.errno}".encode())
    return h.hexdigest()


def cached_bank(
    cache_dir: Path, roots: Sequence[tuple[Path, bool]], parse: Callable[[], Bank], kind: type[Bank]
) -> Bank:
    """The bank for ``roots`` from ``cache_dir`` when its inputs are unchanged, else ``parse()`` (cached).
    Either way ``content_key`` names the inputs, so caches derived from the bank can key on it. A
    cached object that is not a ``kind`` is parsed again."""
    key = bank_key(roots)
    file = cache_dir / f"bank-{key[:32]}.pickle"
    bank = cachefile.read(file, kind)
    if bank is not None and bank.content_key == key:
        return bank  # type: ignore[no-any-return]
    bank = parse()
    bank.content_key = key
    cachefile.write(file, bank, stale_glob="bank-*.pickle")
    return bank
