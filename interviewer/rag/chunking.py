"""Markdown-aware chunking: split by heading, cap the size, overlap long sections.

Each chunk carries its note id, title, heading path and a stable id that depends only on
the note id, the heading path and the part number, so unchanged sections keep their ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from interviewer.bank.notes import Note

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    note_id: str
    title: str
    heading: str
    """Heading path, e.g. 'RoPE > Relative property'."""
    text: str
    track: str = ""
    line: int = 0
    terms: str = ""
    """Chinese terms (from the note's glossary) of the concepts this chunk mentions."""
    kind: str = "text"
    """'text' for prose, 'code' for (part of) a fenced code block."""
    summary: str = ""
    """The section's Chinese summary (its '> 摘要：' line), shared by every chunk of the section."""

    def _wrap(self, body: str) -> str:
        head = f"{self.title} — {self.heading}" if self.heading else self.title
        summary = f"\n摘要: {self.summary}" if self.summary else ""
        tail = f"\n中文术语: {self.terms}" if self.terms else ""
        return f"{head}{summary}\n{body}{tail}"

    def embed_text(self) -> str:
        """What gets embedded: title and heading give the chunk its context, the section's Chinese
        summary and the glossary terms let Chinese queries find English text (the summary comes
        first so a long chunk truncated by the embedder keeps it). Code is reduced to its signatures
        and comments: raw code embeds as a generic 'hub' vector that would crowd out prose for every
        query."""
        return self._wrap(condense_code(self.text) if self.kind == "code" else self.text)

    def lexical_text(self) -> str:
        """What BM25 indexes: everything, code included (identifiers are good keywords)."""
        return self._wrap(self.text)

    def digest(self) -> str:
        """Content hash of what gets embedded; computed once per chunk (and kept when pickled)."""
        known = self.__dict__.get("_digest")
        if known is None:
            known = hashlib.sha1(self.embed_text().encode("utf-8")).hexdigest()[:16]
            object.__setattr__(self, "_digest", known)
        return known


_CODE_KEEP = re.compile(r"^\s*(def |class |async def |#|//|\"\"\"|\'\'\'|@)")


def condense_code(code: str, max_lines: int = 25) -> str:
    """Signatures, decorators, comments and docstring openers of a code block."""
    kept = [line.strip() for line in code.splitlines() if _CODE_KEEP.match(line) and len(line.strip()) > 3]
    return "code: " + "\n".join(kept[:max_lines]) if kept else "code"


def _runs(lines: list[str]) -> list[tuple[str, str]]:
    """Split a section's lines into ('text'|'code', content) runs at fence lines."""
    runs: list[tuple[str, list[str]]] = []
    kind = "text"
    for line in lines:
        if _FENCE.match(line):
            kind = "code" if kind == "text" else "text"
            runs.append((kind, []))
            continue
        if not runs or runs[-1][0] != kind:
            runs.append((kind, []))
        runs[-1][1].append(line)
    return [(k, "\n".join(body).strip()) for k, body in runs if "\n".join(body).strip()]


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return slug[:48] or "intro"


def _sections(body: str) -> list[tuple[list[str], list[str], int]]:
    """(heading path, lines, first line index) per section; headings inside code fences are text."""
    sections: list[tuple[list[str], list[str], int]] = []
    path: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    in_fence = False
    for i, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            if any(s.strip() for s in current):
                sections.append(([h for _, h in path], current, start))
            level = len(match.group(1))
            path = [(lv, h) for lv, h in path if lv < level] + [(level, match.group(2))]
            current, start = [], i + 1
        else:
            current.append(line)
    if any(s.strip() for s in current):
        sections.append(([h for _, h in path], current, start))
    return sections


def _split(text: str, max_chars: int, overlap: int) -> list[str]:
    """Split on paragraph (then line) boundaries into pieces of at most ~max_chars, with overlap."""
    if len(text) <= max_chars:
        return [text]
    paragraphs = re.split(r"\n\s*\n", text)
    units: list[str] = []
    for p in paragraphs:
        if len(p) <= max_chars:
            units.append(p)
        else:
            units.extend(p[i : i + max_chars] for i in range(0, len(p), max_chars - overlap))
    pieces: list[str] = []
    buf = ""
    for unit in units:
        if buf and len(buf) + len(unit) + 2 > max_chars:
            pieces.append(buf)
            tail = buf[-overlap:] if overlap else ""
            buf = f"{tail}\n\n{unit}" if tail else unit
        else:
            buf = f"{buf}\n\n{unit}" if buf else unit
    if buf:
        pieces.append(buf)
    return pieces


_SUMMARY = re.compile(r"^\s*>\s*摘要\s*[:：]\s*(.+?)\s*$")


def split_summary(lines: list[str]) -> tuple[str, list[str]]:
    """A section's Chinese summary — '> 摘要：...' lines opening the section — and the lines after it."""
    summary: list[str] = []
    for i, line in enumerate(lines):
        match = _SUMMARY.match(line)
        if match:
            summary.append(match.group(1))
        elif line.strip():
            return " ".join(summary), lines[i:]
    return " ".join(summary), []


_GLOSSARY_HEADING = re.compile(r"中文术语|chinese terms|glossary", re.IGNORECASE)
_GLOSSARY_LINE = re.compile(r"^\s*[-*]\s*(.+?)\s+[—–-]{1,2}\s+(.+?)\s*$")


def parse_glossary(lines: list[str]) -> list[tuple[list[str], str]]:
    """Pairs of (English variants, Chinese) from lines like '- KV cache / paged KV (PA) — KV缓存'."""
    pairs: list[tuple[list[str], str]] = []
    for line in lines:
        m = _GLOSSARY_LINE.match(line)
        if not m:
            continue
        english, chinese = m.group(1), m.group(2)
        variants = [v.strip() for v in re.split(r"[/,;]|\(|\)", english) if len(v.strip()) >= 2]
        pairs.append((variants, chinese))
    return pairs


def glossary_pairs(note: Note) -> list[tuple[list[str], str]]:
    """The note's glossary as (English variants, Chinese) pairs."""
    return [
        p
        for heads, lines, _ in _sections(note.body)
        if heads and _GLOSSARY_HEADING.search(heads[-1])
        for p in parse_glossary(lines)
    ]


def _terms_for(text: str, glossary: list[tuple[list[str], str]]) -> str:
    low = text.lower()
    found = [zh for variants, zh in glossary if any(v.lower() in low for v in variants)]
    return "；".join(dict.fromkeys(found))


def chunk_note(note: Note, max_chars: int = 1200, overlap: int = 150) -> list[Chunk]:
    track = note.meta.path.split("/", 1)[0] if "/" in note.meta.path else ""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    sections = _sections(note.body)
    glossary = glossary_pairs(note)
    for heads, lines, start in sections:
        if heads and _GLOSSARY_HEADING.search(heads[-1]):
            continue  # the glossary feeds every chunk's terms instead of being a chunk of its own
        # The note's own H1 title adds nothing to the path.
        if heads and heads[0].strip().lower() == note.meta.title.strip().lower():
            heads = heads[1:]
        heading = " > ".join(heads)
        summary, lines = split_summary(lines)
        base = _slug(heads[-1]) if heads else "intro"
        pieces = [(kind, piece) for kind, body in _runs(lines) for piece in _split(body, max_chars, overlap)]
        for part, (kind, piece) in enumerate(pieces):
            key = f"{base}-{part}"
            n = seen.get(key, 0)
            seen[key] = n + 1
            suffix = f"{key}" if n == 0 else f"{key}-{n}"
            chunks.append(
                Chunk(
                    chunk_id=f"{note.id}::{suffix}",
                    note_id=note.id,
                    title=note.meta.title,
                    heading=heading,
                    text=piece,
                    track=track,
                    line=note.body_line + start,
                    terms=_terms_for(f"{note.meta.title} {heading} {piece}", glossary),
                    kind=kind,
                    summary=summary,
                )
            )
    return chunks
