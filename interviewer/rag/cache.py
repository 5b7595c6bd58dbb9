"""A bundled cache of passage embeddings for the built-in notes, keyed by embedder identity and
chunk content hash, so a fresh install indexes in seconds instead of embedding every chunk.

A chunk whose text changed simply misses the cache and is embedded as usual; the cache can
never give a stale vector. Rebuild it after editing notes: `python -m interviewer.rag.cache`.
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

    def __len__(self) -> int:
        return len(self._load())


def write_cache(identity: str, digests: list[str], vectors: np.ndarray, file: Path | None = None) -> Path:
    target = file or cache_file(identity)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(target, identity=np.array(identity), digests=np.array(digests),
                        vectors=vectors.astype(np.float32))
    return target


def main() -> None:
    """Embed every chunk of the built-in notes and write the cache for the default embedder."""
    from interviewer.bank import load_bank
    from interviewer.rag.embedders import get_embedder
    from interviewer.rag.retriever import chunk_notes

    embedder = get_embedder("e5-small")
    chunks = chunk_notes(load_bank(builtin=True, extra=[]).notes.values())
    old = EmbeddingCache(embedder.identity)
    vectors = []
    for c in chunks:
        vec = old.get(c.digest())
        vectors.append(vec if vec is not None else embedder.embed_passages([c.embed_text()])[0])
    path = write_cache(embedder.identity, [c.digest() for c in chunks], np.vstack(vectors))
    print(f"wrote {len(chunks)} vectors to {path}")


if __name__ == "__main__":
    main()
