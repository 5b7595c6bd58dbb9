"""The search snapshot: what a query reads, persisted beside the Chroma index under its manifest.

One file holds the BM25 postings and, for the embedded index, the chunk vectors (normalised), keyed
by the corpus digest the manifest records plus the chunk order, the tokenizer version and this
format. A search process that finds a snapshot matching its notes answers from it — exact cosine
over the vectors, a few array additions for BM25 — without importing chromadb (~1 s), opening the
store, or tokenising the corpus. ``interviewer index`` and any change to the notes, the embedder
or the tokenizer write a new one; a missing, foreign or damaged file is rebuilt without a word.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.rag import tokens
from interviewer.rag.bm25 import BM25

FORMAT = "search-snapshot-1"


@dataclass
class Snapshot:
    key: str
    bm25: BM25
    vectors: np.ndarray | None = None
    """Unit-length chunk vectors, one row per chunk in corpus order; None with a Chroma server."""

    def dense(self, query: np.ndarray, k: int, allowed: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (chunk index, cosine similarity), exact, best first."""
        if self.vectors is None or not len(self.vectors):
            return []
        norm = float(np.linalg.norm(query)) or 1.0
        sims = self.vectors @ (np.asarray(query, dtype=np.float32) / norm)
        candidates = np.arange(len(sims)) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if candidates.size == 0:
            return []
        if candidates.size > k:
            candidates = candidates[np.argpartition(-sims[candidates], k - 1)[:k]]
        order = candidates[np.argsort(-sims[candidates], kind="stable")]
        return [(int(i), float(sims[i])) for i in order]


def snapshot_key(corpus_digest: str, chunk_ids: Sequence[str]) -> str:
    h = hashlib.sha1(f"{FORMAT}\n{tokens.VERSION}\n{corpus_digest}\n".encode())
    for cid in chunk_ids:
        h.update(cid.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def build(key: str, lexical_texts: Sequence[str], vectors: np.ndarray | None) -> Snapshot:
    if vectors is not None:
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1.0, norms)
    return Snapshot(key, BM25.build(lexical_texts), vectors)


def load(path: Path, key: str, n_chunks: int) -> Snapshot | None:
    """The snapshot at ``path`` if it was written for ``key``; None if missing, stale or damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            arrays = {name: data[name] for name in data.files}
        bm25 = BM25.from_arrays(arrays)
        vectors = arrays.get("vectors")
        if bm25.n != n_chunks or (vectors is not None and (vectors.ndim != 2 or len(vectors) != n_chunks)):
            return None
        if vectors is not None and vectors.dtype != np.float32:
            return None
        return Snapshot(key, bm25, vectors)
    except Exception:  # any damage (truncated zip, foreign file, bad arrays) means: build it again
        return None


def save(path: Path, snapshot: Snapshot) -> bool:
    """Write atomically (a temporary file renamed over the old one); False if the directory refuses."""
    arrays = {"key": np.array(snapshot.key), **snapshot.bm25.to_arrays()}
    if snapshot.vectors is not None:
        arrays["vectors"] = snapshot.vectors
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
