"""Reference passages that back each rubric criterion: retrieved from the question's own notes.

The index behind them may be unreachable (a Chroma server that is down or hangs, a broken store).
Grading never depends on it: a criterion then gets no references, the miss is recorded for the
grade being computed (see :func:`tracking_misses`), and the index is not asked again for a
while, so one dead server does not cost a timeout per key point.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from interviewer.domain import Criterion, Question
from interviewer.rag.retriever import Hit, Retriever

RETRY_AFTER_S = 30.0
"""After a failure, the index is left alone this long (references are skipped meanwhile)."""

_misses: ContextVar[list[str] | None] = ContextVar("reference_misses", default=None)


@contextmanager
def tracking_misses() -> Iterator[list[str]]:
    """Collect, for the code run inside (threads started with ``asyncio.to_thread`` included), why
    references had to be left out; an empty list when every criterion got its references."""
    misses: list[str] = []
    token = _misses.set(misses)
    try:
        yield misses
    finally:
        _misses.reset(token)


class ReferenceFinder:
    """Per criterion, the note chunks that best state its key points (cached per question)."""

    def __init__(self, retriever: Retriever, per_point: int = 1) -> None:
        self.retriever = retriever
        self.per_point = per_point
        self._cache: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down_reason = ""

    def hits_for_point(self, question: Question, text: str, k: int = 1) -> list[Hit]:
        return self.retriever.search(text, k=k, note_ids=question.notes)

    @property
    def unavailable(self) -> str:
        """Why the index is being left alone right now ('' when it is not)."""
        with self._lock:
            return self._down_reason if time.monotonic() < self._down_until else ""

    def for_criterion(self, question: Question, criterion: Criterion) -> list[str]:
        """Chunk ids backing ``criterion``; [] (and a recorded miss) when the index cannot answer."""
        key = (question.id, criterion.id)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        down = self.unavailable
        if down:
            _miss(down)
            return []
        ids: list[str] = []
        try:
            for kp in criterion.key_points:
                if not kp.text.en.strip():
                    continue
                for hit in self.hits_for_point(question, kp.text.en, self.per_point):
                    if hit.chunk.chunk_id not in ids:
                        ids.append(hit.chunk.chunk_id)
        except Exception as exc:  # any index failure: grade without references, never lose the grade
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            with self._lock:
                self._down_until = time.monotonic() + RETRY_AFTER_S
                self._down_reason = reason
            _miss(reason)
            return []
        with self._lock:
            self._cache[key] = ids
        return ids

    def text(self, chunk_id: str) -> str:
        chunk = self.retriever.by_id.get(chunk_id)
        return chunk.text if chunk else ""


def _miss(reason: str) -> None:
    misses = _misses.get()
    if misses is not None and reason not in misses:
        misses.append(reason)
