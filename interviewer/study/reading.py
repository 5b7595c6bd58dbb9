"""Where to read about one key point: the note › section of the bank that states it.

A due point is worth little without the place to study it. The bank's key points name no section,
so the section is found by the point's own words: among the chunks of the question's notes (for a
point last stated wrongly, of the notes its misconceptions cite: where the correction is), the one
that contains most of the point's alias terms (English and Chinese), its heading counting double,
then the most words of its text. Lexical and index-free: `progress` and `practice` load no model or index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from interviewer.bank import Bank
from interviewer.domain import KeyPoint, Lang, Question
from interviewer.rag.chunking import Chunk, chunk_note
from interviewer.textproc import STOPWORDS, has_cjk, normalize

GIST_CHARS = 160
"""Longest gist of a section (its opening text in English; its Chinese summary is shown whole)."""


@dataclass(frozen=True)
class Reading:
    where: str
    """'note title › section heading path' (the note's title alone when it has no sections)."""
    chunk_id: str = ""
    """The chunk to open (empty when only the note is known)."""
    gist: str = ""
    """What the section says: its Chinese summary in Chinese, the start of its text in English."""


class ReadingGuide:
    """Finds the section to read for key points of a bank's questions (chunks parsed once per note)."""

    def __init__(self, bank: Bank, lang: Lang = "en") -> None:
        self.bank = bank
        self.lang = lang
        self._chunks: dict[str, list[Chunk]] = {}
        self._read: dict[str, tuple[Text, Text, frozenset[str]]] = {}
        """Chunk id -> (its body, its heading, its English words): read once."""
        self._found: dict[tuple[str, str, bool], Reading | None] = {}

    def chunks(self, note_id: str) -> list[Chunk]:
        if note_id not in self._chunks:
            note = self.bank.notes.get(note_id)
            parsed = chunk_note(note) if note is not None else []
            self._chunks[note_id] = [c for c in parsed if c.kind == "text"] or parsed
        return self._chunks[note_id]

    def for_point(self, question_id: str, key_point_id: str, *, wrong: bool = False) -> Reading | None:
        """The section to read for a key point (None when the question or the point left the bank)."""
        key = (question_id, key_point_id, wrong)
        if key not in self._found:
            self._found[key] = self._find(question_id, key_point_id, wrong)
        return self._found[key]

    def _find(self, question_id: str, key_point_id: str, wrong: bool) -> Reading | None:
        question = self.bank.questions.get(question_id)
        kp = _key_point(question, key_point_id) if question is not None else None
        if question is None or kp is None:
            return None
        notes = list(question.notes)
        candidates = [c for n in notes for c in self.chunks(n)]
        if wrong:  # read where the misconception is corrected (the note its misconception names)
            correcting = [c for n in dict.fromkeys(m.note for m in kp.misconceptions) for c in self.chunks(n)]
            candidates = correcting or candidates
        if not candidates:
            note = next((self.bank.notes[n] for n in notes if n in self.bank.notes), None)
            return Reading(note.meta.title) if note is not None else None
        terms = [_matcher(t) for t in (*kp.aliases.en, *kp.aliases.zh) if normalize(t)]
        words = _words(kp.text.en)

        def score(item: tuple[int, Chunk]) -> tuple[int, float, int]:
            order, chunk = item
            body, head, vocabulary = self._words(chunk)
            hits = sum(has(body) + 2 * has(head) for has in terms)
            return hits, len(words & vocabulary) / max(1, len(words)), -order

        _, best = max(enumerate(candidates), key=score)
        return Reading(where(best), best.chunk_id, gist(best, self.lang))

    def _words(self, chunk: Chunk) -> tuple[Text, Text, frozenset[str]]:
        if chunk.chunk_id not in self._read:
            # the English words only: the Chinese summary is matched by the Chinese alias terms
            self._read[chunk.chunk_id] = (
                _text(" ".join((chunk.text, chunk.summary, chunk.terms))),
                _text(chunk.heading),
                _words(f"{chunk.heading} {chunk.text}"),
            )
        return self._read[chunk.chunk_id]


Text = tuple[str, str]
"""A text normalize()d, and the same without spaces (Chinese writers space Latin words unevenly)."""


def _text(raw: str) -> Text:
    text = normalize(raw)
    return text, text.replace(" ", "")


def _matcher(term: str) -> Callable[[Text], bool]:
    """``textproc.contains_term`` for one term, compiled once: whole words for a Latin term, a
    substring (spaces ignored) for a Chinese one."""
    term = normalize(term)
    if has_cjk(term):
        bare = term.replace(" ", "")
        return lambda text: bare in text[1]
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])")
    return lambda text: term in text[0] and pattern.search(text[0]) is not None  # the substring test is cheap


def _words(text: str) -> frozenset[str]:
    """The English words of a text (no segmenter: Chinese is matched by the alias terms)."""
    return frozenset(
        w for w in re.findall(r"[a-z0-9][a-z0-9+.-]*[a-z0-9+]|[a-z0-9]", text.lower()) if w not in STOPWORDS
    )


def _key_point(question: Question, key_point_id: str) -> KeyPoint | None:
    return next((kp for _, kp in question.rubric.key_points() if kp.id == key_point_id), None)


def where(chunk: Chunk) -> str:
    """'note title › heading path' of a chunk (its path's own '>' shown as '›')."""
    if not chunk.heading:
        return chunk.title
    path = " › ".join(p.strip() for p in chunk.heading.split(">") if p.strip())
    return f"{chunk.title} › {path}"


def gist(chunk: Chunk, lang: Lang) -> str:
    if lang == "zh" and chunk.summary:
        return chunk.summary
    text = " ".join(chunk.text.replace("**", "").replace("`", "").split())
    if len(text) <= GIST_CHARS:
        return text
    cut = text[: GIST_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > GIST_CHARS * 0.6 else cut).rstrip(" ,;:") + "…"
