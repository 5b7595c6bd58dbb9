"""Reference passages that back each rubric criterion: retrieved from the question's own notes."""

from __future__ import annotations

import threading

from interviewer.domain import Criterion, Question
from interviewer.rag.retriever import Hit, Retriever


class ReferenceFinder:
    """Per criterion, the note chunks that best state its key points (cached per question)."""

    def __init__(self, retriever: Retriever, per_point: int = 1) -> None:
        self.retriever = retriever
        self.per_point = per_point
        self._cache: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    def hits_for_point(self, question: Question, text: str, k: int = 1) -> list[Hit]:
        return self.retriever.search(text, k=k, note_ids=question.notes)

    def for_criterion(self, question: Question, criterion: Criterion) -> list[str]:
        key = (question.id, criterion.id)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        ids: list[str] = []
        for kp in criterion.key_points:
            for hit in self.hits_for_point(question, kp.text.en, self.per_point):
                if hit.chunk.chunk_id not in ids:
                    ids.append(hit.chunk.chunk_id)
        with self._lock:
            self._cache[key] = ids
        return ids

    def text(self, chunk_id: str) -> str:
        chunk = self.retriever.by_id.get(chunk_id)
        return chunk.text if chunk else ""
