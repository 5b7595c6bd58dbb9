"""Every path the app reads or writes comes from here.

Bundled content (``data/``, ``prompts/``, ``evals/datasets``) is found next to the package in a
source checkout, or inside the installed wheel (``interviewer/_bundled/...``). Everything the app
writes lives under one home directory that ``INTERVIEWER_HOME`` moves.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    checkout = _PKG.parent / name
    if checkout.is_dir():
        return checkout
    return _PKG / "_bundled" / name


def data_dir() -> Path:
    return _bundled("data")


def prompts_dir() -> Path:
    return _bundled("prompts")


def evals_dir() -> Path:
    return _bundled("evals")


def questions_dir() -> Path:
    return data_dir() / "questions"


def notes_dir() -> Path:
    return data_dir() / "notes"


def home() -> Path:
    """Where the app writes: config, SQLite, Chroma index, exports."""
    env = os.environ.get("INTERVIEWER_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("interviewer", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) readable by the user only (0700): interview answers are
    private. A directory that already exists keeps its mode. OSError (naming the path) if it cannot be made."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (SQLite then keeps that mode for the
    database and gives it to its -wal and -shm files)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def config_file() -> Path:
    env = os.environ.get("INTERVIEWER_HOME")
    if env:
        return Path(env).expanduser() / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir("interviewer", appauthor=False)) / "config.toml"


def db_file(root: Path | None = None) -> Path:
    return (root or home()) / "interviewer.sqlite3"


def index_dir(root: Path | None = None) -> Path:
    return (root or home()) / "index"


def exports_dir(root: Path | None = None) -> Path:
    return (root or home()) / "exports"


def cache_dir(root: Path | None = None) -> Path:
    """Derived data the app rebuilds when missing or damaged (the parsed bank): safe to delete."""
    return (root or home()) / "cache"
