"""Key-point support: every key point of every rubric must be backed by a passage of one of its
question's notes (a chunk that uses one of the point's alias terms)."""

from __future__ import annotations

from interviewer.bank.loader import Bank
from interviewer.rag.chunking import chunk_note
from interviewer.textproc import contains_term, normalize


def unsupported_key_points(bank: Bank) -> list[tuple[str, str, str]]:
    """(question id, key point id, key point text) for each key point no note chunk supports."""
    chunk_texts: dict[str, list[str]] = {
        note_id: [normalize(c.lexical_text()) for c in chunk_note(note)] for note_id, note in bank.notes.items()
    }
    out: list[tuple[str, str, str]] = []
    for q in bank.questions.values():
        texts = [t for n in q.notes for t in chunk_texts.get(n, [])]
        for _, kp in q.rubric.key_points():
            terms = kp.aliases.all()
            if not any(contains_term(text, term) for text in texts for term in terms):
                out.append((q.id, kp.id, kp.text.en))
    return out
