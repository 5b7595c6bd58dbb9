"""Hybrid retrieval: dense (Chroma) and BM25 fused by their scores (``rag/fusion.py``).

Filters restrict hits to some notes (a question's notes) or a track. Every hit says which
retrievers found it and at what rank, so callers and the eval can see why it surfaced.

Queries read the search snapshot (``rag/snapshot.py``) written beside the index: with the embedded
store a process whose notes match the manifest searches without importing chromadb at all; with a
Chroma server the dense side queries the server and BM25 still comes from the snapshot.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from interviewer.bank.notes import Note
from interviewer.rag import snapshot as snapshots
from interviewer.rag.bm25 import BM25
from interviewer.rag.chunking import Chunk, chunk_note
from interviewer.rag.embedders import Embedder
from interviewer.rag.fusion import POOL, fuse
from interviewer.rag.index import NoteIndex, Progress, UpdateReport, corpus_digest
from interviewer.rag.lexicon import Lexicon

Mode = Literal["hybrid", "dense", "bm25"]


class EmptyQueryError(ValueError):
    pass


@dataclass
class Hit:
    chunk: Chunk
    score: float
    """Fused score in hybrid mode (comparable within one search only), else the retriever's own."""
    found_by: dict[str, int] = field(default_factory=dict)
    """Retriever name -> 1-based rank at which it found the chunk."""
    similarity: float | None = None
    """Cosine similarity from the dense retriever, when it found the chunk."""

    def public(self) -> dict[str, Any]:
        return {
            "note_id": self.chunk.note_id,
            "chunk_id": self.chunk.chunk_id,
            "title": self.chunk.title,
            "heading": self.chunk.heading,
            "text": self.chunk.text,
            "summary": self.chunk.summary,
            "score": round(self.score, 6),
            "found_by": sorted(self.found_by),
        }


def chunk_notes(notes: Iterable[Note]) -> list[Chunk]:
    return [c for note in notes for c in chunk_note(note)]


class Retriever:
    """Search over note chunks. Building the index (if missing) happens on first use."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        index: NoteIndex,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.chunks = list(chunks)
        self.by_id = {c.chunk_id: c for c in self.chunks}
        self.index = index
        self.dense_weight = dense_weight
        self.bm25_weight = bm25_weight
        self.lexicon = lexicon
        self._snapshot: snapshots.Snapshot | None = None
        self._ready = False
        self._lock = threading.RLock()

    @property
    def embedder(self) -> Embedder:
        return self.index.embedder

    def _key(self) -> str:
        digest = corpus_digest(self.chunks, self.embedder.identity)
        return snapshots.snapshot_key(digest, [c.chunk_id for c in self.chunks])

    def ensure_index(self, progress: Progress | None = None, rebuild: bool = False) -> UpdateReport:
        """Bring the Chroma index up to date with the notes, then the search snapshot."""
        with self._lock:
            report = self.index.update(self.chunks, progress=progress, rebuild=rebuild)
            key = self._key()
            snap = snapshots.load(self.index.snapshot_path, key, len(self.chunks))
            if snap is None or (snap.vectors is None and not self.index.url):
                vectors = None if self.index.url else self.index.vectors([c.chunk_id for c in self.chunks])
                snap = snapshots.build(key, [c.lexical_text() for c in self.chunks], vectors)
                snapshots.save(self.index.snapshot_path, snap)
            self._snapshot = snap
            self._ready = True
            return report

    def _open(self) -> snapshots.Snapshot:
        """The search snapshot; from disk alone when the manifest says the embedded index holds exactly
        these notes and a snapshot for them exists, else after ``ensure_index``."""
        with self._lock:
            if self._snapshot is None and not self.index.url:
                digest = corpus_digest(self.chunks, self.embedder.identity)
                if self.index.current_digest() == digest:
                    key = snapshots.snapshot_key(digest, [c.chunk_id for c in self.chunks])
                    snap = snapshots.load(self.index.snapshot_path, key, len(self.chunks))
                    if snap is not None and snap.vectors is not None:
                        self._snapshot, self._ready = snap, True
            if not self._ready or self._snapshot is None:
                self.ensure_index()
            assert self._snapshot is not None
            return self._snapshot

    def bm25(self) -> BM25:
        return self._open().bm25

    def warm(self) -> None:
        """Load everything a first search needs (index, snapshot, embedder)."""
        snap = self._open()
        vector = self.embedder.embed_queries(["warm up"])[0]
        if self.chunks and snap.vectors is None:  # a server's first filtered query loads its metadata segment
            self.index.query(vector.tolist(), 1, self._where([self.chunks[0].note_id], None))

    def _allowed(self, note_ids: Sequence[str] | None, track: str | None) -> list[int] | None:
        if not note_ids and not track:
            return None
        wanted = set(note_ids or ())
        return [
            i
            for i, c in enumerate(self.chunks)
            if (not wanted or c.note_id in wanted) and (not track or c.track == track)
        ]

    def _where(self, note_ids: Sequence[str] | None, track: str | None) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if note_ids:
            clauses.append({"note_id": {"$in": list(note_ids)}})
        if track:
            clauses.append({"track": track})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def dense(
        self, query: str, k: int, note_ids: Sequence[str] | None = None, track: str | None = None
    ) -> list[tuple[str, float]]:
        snap = self._open()
        vector = self.embedder.embed_queries([query])[0]
        if snap.vectors is not None:
            hits = snap.dense(vector, k, self._allowed(note_ids, track))
            return [(self.chunks[i].chunk_id, s) for i, s in hits]
        return self.index.query(vector.tolist(), k, self._where(note_ids, track))

    def sparse(
        self, query: str, k: int, note_ids: Sequence[str] | None = None, track: str | None = None
    ) -> list[tuple[str, float]]:
        allowed = self._allowed(note_ids, track)
        if self.lexicon is not None:
            query = self.lexicon.expand(query)
        hits = self.bm25().search(query, k, set(allowed) if allowed is not None else None)
        return [(self.chunks[i].chunk_id, s) for i, s in hits]

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        note_ids: Sequence[str] | None = None,
        track: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[Hit]:
        if not query or not query.strip():
            raise EmptyQueryError("the query is empty")
        # every list holds the fusion pool (or all candidates), so fused scores do not depend on k
        depth = max(k * 4, POOL) if mode == "hybrid" else max(k * 4, 20)
        lists: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "dense"):
            lists["dense"] = self.dense(query, depth, note_ids, track)
        if mode in ("hybrid", "bm25"):
            lists["bm25"] = self.sparse(query, depth, note_ids, track)
        hits: dict[str, Hit] = {}
        for name, ranked in lists.items():
            for rank, (chunk_id, raw) in enumerate(ranked, start=1):
                chunk = self.by_id.get(chunk_id)
                if chunk is None:  # a stale id in a shared server collection
                    continue
                hit = hits.setdefault(chunk_id, Hit(chunk=chunk, score=raw))
                hit.found_by[name] = rank
                if name == "dense":
                    hit.similarity = raw
        if mode == "hybrid":
            allowed = self._allowed(note_ids, track)
            weights = {"dense": self.dense_weight, "bm25": self.bm25_weight}
            fused = fuse(lists, weights, len(allowed) if allowed is not None else len(self.chunks))
            for chunk_id, hit in hits.items():
                hit.score = fused[chunk_id]
        return sorted(hits.values(), key=lambda h: (-h.score, min(h.found_by.values()), h.chunk.chunk_id))[:k]
