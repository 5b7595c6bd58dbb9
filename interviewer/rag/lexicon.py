"""A Chinese→English term lexicon built from the notes' glossaries ("English — 中文" lines).

BM25 cannot match a Chinese query against English text; expanding the query with the English
terms of the Chinese terms it contains lets it (cross-lingual lexical retrieval)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from interviewer.bank.notes import Note
from interviewer.rag.chunking import glossary_pairs
from interviewer.textproc import has_cjk


class Lexicon:
    def __init__(self, pairs: Iterable[tuple[list[str], str]]) -> None:
        self.terms: dict[str, set[str]] = defaultdict(set)
        for variants, chinese in pairs:
            for zh in re.split(r"[/、，,;；()（）]", chinese):
                zh = zh.strip()
                if len(zh) >= 2 and has_cjk(zh):
                    self.terms[zh].update(variants)

    @classmethod
    def from_notes(cls, notes: Iterable[Note]) -> Lexicon:
        return cls(p for note in notes for p in glossary_pairs(note))

    def expand(self, query: str) -> str:
        """The query followed by the English terms of the Chinese terms it contains (longest matches)."""
        if not has_cjk(query):
            return query
        found = [zh for zh in self.terms if zh in query]
        found = [zh for zh in found if not any(zh != other and zh in other for other in found)]
        english = [en for zh in sorted(found) for en in sorted(self.terms[zh])]
        return f"{query} {' '.join(dict.fromkeys(english))}" if english else query
