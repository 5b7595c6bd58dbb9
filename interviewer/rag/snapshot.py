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
import json
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


_MAGIC = b"interviewer-search-snapshot\n"
_ALIGN = 64


def _aligned(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def load(path: Path, key: str, n_chunks: int) -> Snapshot | None:
    """The snapshot at ``path`` if it was written for ``key``; None if missing, stale or damaged.

    Arrays are memory-mapped, not read: a 100k-chunk snapshot opens in the time a small one does,
    and a query touches only the postings of its terms (and the vectors, once)."""
    try:
        with path.open("rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            size = int.from_bytes(f.read(8), "little")
            if not 0 < size < 1 << 20:
                return None
            header = json.loads(f.read(size).decode("utf-8"))
        data_start = _aligned(len(_MAGIC) + 8 + size)
        if header.get("key") != key:
            return None
        arrays: dict[str, np.ndarray] = {}
        total = path.stat().st_size
        for name, spec in header["arrays"].items():
            dtype, shape, offset = np.dtype(spec["dtype"]), tuple(spec["shape"]), data_start + int(spec["offset"])
            count = int(np.prod(shape)) if shape else 1
            if offset + count * dtype.itemsize > total:
                return None
            if count == 0:
                arrays[name] = np.zeros(shape, dtype=dtype)
            elif not shape:
                arrays[name] = np.fromfile(path, dtype=dtype, count=1, offset=offset).reshape(())
            else:
                arrays[name] = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)
        bm25 = BM25.from_arrays(arrays)
        vectors = arrays.get("vectors")
        if bm25.n != n_chunks or (vectors is not None and (vectors.ndim != 2 or len(vectors) != n_chunks)):
            return None
        if vectors is not None and vectors.dtype != np.float32:
            return None
        return Snapshot(key, bm25, vectors)
    except Exception:  # any damage (truncated file, foreign bytes, bad arrays) means: build it again
        return None


def save(path: Path, snapshot: Snapshot) -> bool:
    """Write atomically (a temporary file renamed over the old one); False if the directory refuses."""
    arrays = dict(snapshot.bm25.to_arrays())
    if snapshot.vectors is not None:
        arrays["vectors"] = np.ascontiguousarray(snapshot.vectors, dtype=np.float32)
    specs: dict[str, dict[str, object]] = {}
    offset = 0  # from the start of the data, which follows the header at the next alignment step
    for name, arr in arrays.items():
        specs[name] = {"dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset}
        offset += _aligned(arr.nbytes)
    header = json.dumps({"key": snapshot.key, "arrays": specs}).encode("utf-8")
    data_start = _aligned(len(_MAGIC) + 8 + len(header))
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            for name, arr in arrays.items():
                f.seek(data_start + int(specs[name]["offset"]))  # type: ignore[call-overload]
                f.write(np.ascontiguousarray(arr).tobytes())
            f.truncate()
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
