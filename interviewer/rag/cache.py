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

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)  # type: ignore[attr-defined,no-any-return]


def write_cache(identity: str, digests: list[str], vectors: np.ndarray, file: Path | None = None) -> Path:
    target = file or cache_file(identity)
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        target, identity=np.array(identity), digests=np.array(digests), vectors=vectors.astype(np.float16)
    )
    return target


def main() -> None:
    """Embed every chunk of the built-in notes and write the cache for the default embedder."""
    from interviewer.bank import load_bank
    from interviewer.judge.offline import exemplar_sentences
    from interviewer.rag.embedders import E5Embedder
    from interviewer.rag.retriever import chunk_notes

    embedder = E5Embedder()
    bank = load_bank(builtin=True, extra=[])
    chunks = chunk_notes(bank.notes.values())
    old = EmbeddingCache(embedder.identity)
    keys: list[str] = []
    vectors = []
    for c in chunks:
        vec = old.get(c.digest())
        keys.append(c.digest())
        vectors.append(vec if vec is not None else embedder.embed_passages([c.embed_text()])[0])
    texts = []
    for q in bank.questions.values():
        texts += [q.text.zh, q.text.en]
        texts += [t for _, k in q.rubric.key_points() for t in (k.text.zh, k.text.en)]
        texts += [t for _, k in q.rubric.key_points() for m in k.misconceptions for t in (m.text.zh, m.text.en)]
        if q.model_answer is not None:  # the offline judge's exemplars (judge.offline.EXEMPLAR_MIN)
            texts += [x for lang in ("zh", "en") for x in exemplar_sentences(q.model_answer.get(lang))]
    texts = list(dict.fromkeys(texts))
    todo = [t for t in texts if old.get(query_key(t)) is None]
    fresh = dict(zip(todo, embedder.embed_queries(todo), strict=True)) if todo else {}
    for t in texts:
        vec = old.get(query_key(t))
        keys.append(query_key(t))
        vectors.append(vec if vec is not None else fresh[t])
    path = write_cache(embedder.identity, keys, np.vstack(vectors))
    print(f"wrote {len(chunks)} passage and {len(texts)} query vectors to {path}")


if __name__ == "__main__":
    main()
