"""Coding tasks: the files under ``data/coding/<question_id>/`` that turn a coding question into code
that can be run and graded.

A task directory holds ``task.yaml`` (requirements and limits), ``statement.zh.md`` /
``statement.en.md``, ``starter.py`` (what the candidate edits: signatures and the provided
interfaces), optionally ``support.py`` (helpers both the candidate and the tests import, e.g. a
tiny embedder), ``tests_public.py``, ``tests_hidden.py``, ``reference.py`` and ``mutants/*.py``
(plausible broken solutions, each named after its bug, which the hidden tests must catch).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import yaml

from interviewer import paths

REQUIRED_FILES = (
    "task.yaml",
    "statement.zh.md",
    "statement.en.md",
    "starter.py",
    "tests_public.py",
    "tests_hidden.py",
    "reference.py",
)

INSTALL_HINTS = {
    "torch": "pip install torch --index-url https://download.pytorch.org/whl/cpu",
    "numpy": "pip install numpy",
}

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MB = 512


class TaskError(ValueError):
    """A task directory that cannot be loaded; the message names the file."""


@dataclass(frozen=True)
class CodingTask:
    """One coding question's runnable task (see the module docstring for the files)."""

    question_id: str
    statement: dict[str, str]
    starter: str
    requires: tuple[str, ...]
    directory: Path
    timeout_s: float = DEFAULT_TIMEOUT_S
    """Wall-clock limit of one test run (the CPU limit follows it)."""
    memory_mb: int = DEFAULT_MEMORY_MB
    """Limit on the sandbox's data segment (RLIMIT_DATA); torch tasks need more."""

    @property
    def support(self) -> str | None:
        file = self.directory / "support.py"
        return file.read_text(encoding="utf-8") if file.is_file() else None

    def tests_source(self, hidden: bool) -> str:
        return (self.directory / ("tests_hidden.py" if hidden else "tests_public.py")).read_text(encoding="utf-8")

    @property
    def reference(self) -> Path:
        return self.directory / "reference.py"

    def mutants(self) -> list[Path]:
        folder = self.directory / "mutants"
        return sorted(folder.glob("*.py")) if folder.is_dir() else []

    def install_hint(self, missing: list[str]) -> str:
        hints = [INSTALL_HINTS.get(name, f"pip install {name}") for name in missing]
        return f"needs {', '.join(missing)}, which is not installed; install it with: {'; '.join(hints)}"


def tasks_dir() -> Path:
    return paths.data_dir() / "coding"


def task_ids(root: Path | None = None) -> list[str]:
    """Ids of every task directory (those with a ``task.yaml``), sorted."""
    base = root or tasks_dir()
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "task.yaml").is_file())


def load_task(question_id: str, root: Path | None = None) -> CodingTask | None:
    """The task of ``question_id``; None when the question has none. TaskError (naming the file)
    when the directory exists but is broken."""
    if not question_id or "/" in question_id or "\\" in question_id or question_id.startswith("."):
        return None
    directory = (root or tasks_dir()) / question_id
    if not (directory / "task.yaml").is_file():
        return None
    return _load(directory)


def _load(directory: Path) -> CodingTask:
    for name in REQUIRED_FILES:
        if not (directory / name).is_file():
            raise TaskError(f"{directory / name}: missing (every task needs {', '.join(REQUIRED_FILES)})")
    meta_file = directory / "task.yaml"
    try:
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TaskError(f"{meta_file}: {exc}") from exc
    if not isinstance(meta, dict):
        raise TaskError(f"{meta_file}: expected a mapping")
    requires = meta.get("requires") or []
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise TaskError(f"{meta_file}: [requires] must be a list of module names")
    try:
        timeout_s = float(meta.get("timeout_s", DEFAULT_TIMEOUT_S))
        memory_mb = int(meta.get("memory_mb", DEFAULT_MEMORY_MB))
    except (TypeError, ValueError) as exc:
        raise TaskError(f"{meta_file}: [timeout_s/memory_mb] {exc}") from exc
    if not (0 < timeout_s <= 600 and 64 <= memory_mb <= 16384):
        raise TaskError(f"{meta_file}: timeout_s must be in (0, 600] and memory_mb in [64, 16384]")
    return CodingTask(
        question_id=directory.name,
        statement={
            "zh": (directory / "statement.zh.md").read_text(encoding="utf-8"),
            "en": (directory / "statement.en.md").read_text(encoding="utf-8"),
        },
        starter=(directory / "starter.py").read_text(encoding="utf-8"),
        requires=tuple(requires),
        directory=directory,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
    )


def missing_requirements(task: CodingTask) -> list[str]:
    """The task's required modules that cannot be imported here (the sandbox uses the same paths)."""
    missing = []
    for name in task.requires:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing
