"""Load and validate the question bank.

Questions live in YAML files (a top-level list of questions, or one question mapping);
notes are Markdown files with front matter. A user's bank directory merges with the
built-in one: their questions and notes are added, and a user question with a built-in
id replaces it. Tracks are data too: each bank declares its own in ``tracks.yaml`` beside its
questions (a list of ``{id, name: {zh, en}}``), and a question must name a declared track.
Every problem is reported with file, line and field.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from interviewer import paths
from interviewer.bank.notes import Note, load_notes
from interviewer.bank.yamlpos import Path_, YamlError, line_of, load_with_lines
from interviewer.domain import Lang, Question, Track, track_name

TRACKS_FILE = "tracks.yaml"
"""The file in a bank's questions directory that declares its tracks."""


@dataclass(frozen=True)
class BankIssue:
    file: Path
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        text = f"{self.file}:{self.line}:{where} {self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")  # one line per issue, whatever the file held


class BankError(Exception):
    """Raised when a bank that must be clean is not; carries every issue."""

    def __init__(self, issues: Sequence[BankIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass
class Bank:
    questions: dict[str, Question] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    sources: dict[str, tuple[Path, int]] = field(default_factory=dict)
    """Where each question was defined: file and line."""
    issues: list[BankIssue] = field(default_factory=list)
    tracks: dict[str, Track] = field(default_factory=dict)
    """Every bank's declared tracks, in order: the built-in ones, then those a user bank adds."""
    builtin_ids: set[str] = field(default_factory=set)
    """Ids defined by the built-in bank and not (yet) overridden by a user bank."""
    content_key: str = ""
    """Hash of every file the bank was read from and of the parsing code, when loaded through the
    cache (``bank/cache.py``); caches derived from the bank (the note chunks) key on it."""

    def question(self, qid: str) -> Question:
        try:
            return self.questions[qid]
        except KeyError:
            raise KeyError(f"unknown question id {qid!r}") from None

    def neighbours(self, question: Question) -> list[Question]:
        """The other questions that share a reference note with ``question``: their misconceptions
        are about the same facts (a wrong claim about SmoothQuant is as wrong in a cost question as
        in a quantization one)."""
        mine = set(question.notes)
        return [q for q in self.questions.values() if q.id != question.id and mine & set(q.notes)]

    def by_track(self, track: str | None = None) -> list[Question]:
        return [q for q in self.questions.values() if track is None or q.track == track]

    def track_name(self, track_id: str, lang: Lang) -> str:
        """The track's name in ``lang``, or its id when the bank does not declare it."""
        return track_name(self.tracks, track_id, lang)


def _question_base(root: Path) -> Path:
    return root / "questions" if (root / "questions").is_dir() else root


def _question_files(root: Path) -> list[Path]:
    if root.is_file():
        return [] if root.name == TRACKS_FILE else [root]
    base = _question_base(root)
    tracks = base / TRACKS_FILE
    return sorted(f for f in [*base.rglob("*.yaml"), *base.rglob("*.yml")] if f != tracks)


def _tracks_file(root: Path) -> Path | None:
    if root.is_file():
        return root if root.name == TRACKS_FILE else None
    file = _question_base(root) / TRACKS_FILE
    return file if file.is_file() else None


def _note_root(root: Path) -> Path | None:
    if root.is_file():
        return None
    return root / "notes" if (root / "notes").is_dir() else None


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read(file: Path, bank: Bank) -> tuple[Any, dict[Path_, int]] | None:
    """The YAML of ``file`` with its line positions; None when it is empty or malformed (reported)."""
    try:
        data, lines = load_with_lines(file)
    except YamlError as exc:
        bank.issues.append(BankIssue(file, exc.line, exc.message))
        return None
    return None if data is None else (data, lines)


def _report_invalid(
    bank: Bank, file: Path, lines: dict[Path_, int], prefix: Path_, what: str, exc: ValidationError
) -> None:
    """One issue per validation error, at the line of the field it names."""
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        bank.issues.append(BankIssue(file, line_of(lines, (*prefix, *loc)), f"{what}: {err['msg']}", _field_path(loc)))


def _load_tracks(file: Path, bank: Bank) -> None:
    """Add the tracks ``file`` declares (a track declared by an earlier bank is renamed in place)."""
    read = _read(file, bank)
    if read is None:
        return
    data, lines = read
    if not isinstance(data, list):
        bank.issues.append(BankIssue(file, 1, f"{TRACKS_FILE} must be a list of tracks: - {{id, name: {{zh, en}}}}"))
        return
    seen: dict[str, int] = {}
    for i, item in enumerate(data):
        line = line_of(lines, (i,))
        if not isinstance(item, dict):
            bank.issues.append(BankIssue(file, line, "a track must be a mapping: {id, name: {zh, en}}"))
            continue
        try:
            track = Track.model_validate(item)
        except ValidationError as exc:
            _report_invalid(bank, file, lines, (i,), f"track {item.get('id', f'#{i + 1}')}", exc)
            continue
        if track.id in seen:
            bank.issues.append(
                BankIssue(file, line, f"duplicate track id {track.id!r} (first at line {seen[track.id]})", "id")
            )
            continue
        seen[track.id] = line
        bank.tracks[track.id] = track


def _load_question_file(file: Path, bank: Bank, replace: bool) -> None:
    read = _read(file, bank)
    if read is None:
        return
    data, lines = read
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        prefix: tuple[str | int, ...] = (i,) if isinstance(data, list) else ()
        line = line_of(lines, prefix)
        if not isinstance(item, dict):
            bank.issues.append(BankIssue(file, line, "a question must be a mapping"))
            continue
        try:
            question = Question.model_validate(item)
        except ValidationError as exc:
            _report_invalid(bank, file, lines, prefix, f"question {item.get('id', f'#{i + 1}')}", exc)
            continue
        if question.track not in bank.tracks:
            known = ", ".join(bank.tracks) or f"none: the bank has no {TRACKS_FILE}"
            bank.issues.append(
                BankIssue(
                    file,
                    line_of(lines, (*prefix, "track")),
                    f"question {question.id}: unknown track {question.track!r}; declare it in {TRACKS_FILE}"
                    f" (known: {known})",
                    "track",
                )
            )
            continue
        overriding = replace and question.id in bank.builtin_ids
        if question.id in bank.questions and not overriding:
            prev_file, prev_line = bank.sources[question.id]
            bank.issues.append(
                BankIssue(file, line, f"duplicate question id {question.id!r} (first at {prev_file}:{prev_line})", "id")
            )
            continue
        bank.questions[question.id] = question
        bank.sources[question.id] = (file, line)
        if replace:
            bank.builtin_ids.discard(question.id)
        else:
            bank.builtin_ids.add(question.id)


def _check_note_refs(bank: Bank) -> None:
    for qid, question in bank.questions.items():
        file, line = bank.sources[qid]
        for note_id in question.notes:
            if note_id not in bank.notes:
                bank.issues.append(BankIssue(file, line, f"question {qid}: unknown note id {note_id!r}", "notes"))
        for _, kp in question.rubric.key_points():
            for m in kp.misconceptions:
                if m.note not in bank.notes:
                    bank.issues.append(
                        BankIssue(
                            file,
                            line,
                            f"question {qid}: misconception {m.id!r} of key point {kp.id!r} cites unknown note {m.note!r}",
                            "misconceptions",
                        )
                    )


def user_bank_dirs() -> list[Path]:
    """Directories named by INTERVIEWER_BANK (os.pathsep-separated)."""
    env = os.environ.get("INTERVIEWER_BANK", "")
    return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]


def load_bank(
    extra: Iterable[Path] = (), *, builtin: bool = True, strict: bool = False, cache_dir: Path | None = None
) -> Bank:
    """Load the built-in bank merged with ``extra`` directories (default: INTERVIEWER_BANK).

    With ``cache_dir``, a bank whose files are unchanged since the last parse comes from the cache
    (``bank/cache.py``); ``bank validate`` parses every time."""
    roots: list[tuple[Path, bool]] = []
    if builtin:
        roots.append((paths.data_dir(), False))
    extra_list = list(extra) or user_bank_dirs()
    roots.extend((Path(p), True) for p in extra_list)
    if cache_dir is not None:
        from interviewer.bank.cache import cached_bank

        bank = cached_bank(cache_dir, roots, lambda: _parse(roots), Bank)
    else:
        bank = _parse(roots)
    if strict and bank.issues:
        raise BankError(bank.issues)
    return bank


def _parse(roots: Sequence[tuple[Path, bool]]) -> Bank:
    bank = Bank()
    for root, _ in roots:
        if not root.exists():
            bank.issues.append(BankIssue(root, 0, "no such file or directory"))
            continue
        tracks = _tracks_file(root)
        if tracks is not None:
            _load_tracks(tracks, bank)
        note_root = _note_root(root)
        if note_root is not None:
            notes, errors = load_notes(note_root)
            bank.notes.update(notes)
            bank.issues.extend(BankIssue(e.file, e.line, e.message) for e in errors)
    for root, replace in roots:
        if root.exists():
            for file in _question_files(root):
                _load_question_file(file, bank, replace)
    _check_note_refs(bank)
    return bank
