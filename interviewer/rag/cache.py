"""A bundled cache of passage embeddings for the built-in notes, keyed by embedder identity and
chunk content hash, so a fresh install indexes in seconds instead of embedding every chunk.

A chunk whose text changed simply misses the cache and is embedded as usual; the cache can
never give a stale vector. Rebuild it after editing notes: `python -m interviewer.rag.bundle`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from interviewer import paths


def cache_file(identity: str) -> Path:
    slug = hashlib.sha1(identity.encode()).hexdigest()[:10]
    return paths.data_dir() / "embeddings" / f"{slug}.npz"


class EmbeddingCache:
    def __init__(self, identity: str, file: Path | None = None) -> None:
        self.identity = identity
        self.file = file or cache_file(identity)
        self._vectors: dict[str, np.ndarray] | None = None

    def _load(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            try:
                with np.load(self.file, allow_pickle=False) as data:
                    if str(data["identity"]) == self.identity:
                        self._vectors = dict(zip((str(d) for d in data["digests"]), data["vectors"], strict=True))
            except (OSError, KeyError, ValueError):
                self._vectors = {}
        return self._vectors

    def get(self, digest: str) -> np.ndarray | None:
        vec = self._load().get(digest)
        return None if vec is None else vec.astype(np.float32)

    def __contains__(self, digest: object) -> bool:
        return digest in self._load()

    def __len__(self) -> int:
        return len(self._load())


def query_key(text: str) -> str:
    return "q:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class CachedQueries:
    """An embedder whose query embeddings of bundled texts (question texts, key points) come from
    the cache: grading a built-in question embeds only the answer."""

    def __init__(self, inner: object, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.spec = inner.spec  # type: ignore[attr-defined]

    @property
    def identity(self) -> str:
        return self.inner.identity  # type: ignore[attr-defined,no-any-return]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        found = [self.cache.get(query_key(t)) for t in texts]
        misses = [t for t, v in zip(texts, found, strict=True) if v is None]
        if not texts:
            return self.inner.embed_queries(texts)  # type: ignore[attr-defined,no-any-return]
        fresh = iter(self.inner.embed_queries(misses) if misses else [])  # type: ignore[attr-defined]
        return np.vstack([v if v is not None else next(fresh) for v in found])

    def bundled(self, text: str) -> bool:
        """Whether embedding ``text`` as a query is a cache look-up (no model run)."""
        return query_key(text) in self.cache

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)  # type: ignore[attr-defined,no-any-return]


def write_cache(identity: str, digests: list[str], vectors: np.ndarray, file: Path | None = None) -> Path:
    target = file or cache_file(identity)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        target, identity=np.array(identity), digests=np.array(digests), vectors=vectors.astype(np.float16)
    )
    return target
