"""Reference notes: Markdown files with a YAML front matter block (id, title, tags, sources)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from interviewer.bank.yamlpos import YamlError, load_text_with_lines, read_text
from interviewer.domain import NoteMeta


@dataclass(frozen=True)
class Note:
    meta: NoteMeta
    body: str
    body_line: int
    """1-based line of the body's first line in the file."""

    @property
    def id(self) -> str:
        return self.meta.id


class NoteError(Exception):
    def __init__(self, file: Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file, self.line, self.message = file, line, message


def parse_note(file: Path, root: Path | None = None) -> Note:
    """Parse one note; raise NoteError naming the file and line on malformed front matter."""
    try:
        text = read_text(file)
    except YamlError as exc:
        raise NoteError(file, exc.line, exc.message) from None
    except FileNotFoundError:
        raise NoteError(file, 0, "no such file") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise NoteError(file, 1, "missing front matter: the file must start with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise NoteError(file, 1, "front matter is not closed by a '---' line") from None
    try:
        meta = load_text_with_lines("\n".join(lines[1:end]), file, first_line=2)[0] or {}
    except YamlError as exc:
        raise NoteError(file, exc.line, f"front matter: {exc.message}") from None
    if not isinstance(meta, dict):
        raise NoteError(file, 2, "front matter must be a mapping")
    rel = str(file.relative_to(root)) if root else file.name
    try:
        note_meta = NoteMeta.model_validate({**meta, "path": rel})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        line = 2
        for i in range(1, end):
            if field and lines[i].split(":", 1)[0].strip() == str(err["loc"][0]):
                line = i + 1
                break
        raise NoteError(file, line, f"{field or 'front matter'}: {err['msg']}") from exc
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        raise NoteError(file, end + 2, "note has no body")
    return Note(meta=note_meta, body=body, body_line=end + 2)


def load_notes(root: Path) -> tuple[dict[str, Note], list[NoteError]]:
    """All notes under ``root``; malformed ones are reported, the rest still load."""
    notes: dict[str, Note] = {}
    errors: list[NoteError] = []
    for file in sorted(root.rglob("*.md")):
        try:
            note = parse_note(file, root)
        except NoteError as exc:
            errors.append(exc)
            continue
        if note.id in notes:
            errors.append(NoteError(file, 2, f"duplicate note id {note.id!r} (also in {notes[note.id].meta.path})"))
            continue
        notes[note.id] = note
    return notes, errors
