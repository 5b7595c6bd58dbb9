"""A basic RAG system, framework-free. ``support`` (provided) has HashEmbedder, FakeLLM, Hit, Answer
and NOT_IN_CONTEXT."""

from __future__ import annotations

from support import NOT_IN_CONTEXT, Answer, Hit  # noqa: F401


def chunk_text(text: str, size: int = 200, overlap: int = 50) -> list[str]:
    """Character windows of at most ``size``, each starting ``size - overlap`` after the previous one;
    the last chunk reaches the end of the text; no empty chunks ([] for empty text)."""
    raise NotImplementedError


class RAG:
    def __init__(self, embedder, llm, chunk_size: int = 200, overlap: int = 50, k: int = 3, min_score: float = 0.2):
        """``embedder.embed(texts) -> vectors`` (normalised), ``llm(prompt) -> str``."""
        raise NotImplementedError

    def add(self, source: str, text: str) -> int:
        """Chunk, embed and index ``text`` under ``source``; returns the number of chunks."""
        raise NotImplementedError

    def retrieve(self, query: str) -> list[Hit]:
        """At most k hits with score (cosine) >= min_score, best first."""
        raise NotImplementedError

    def answer(self, question: str) -> Answer:
        """No hit: Answer(NOT_IN_CONTEXT, []) without calling the LLM. Otherwise one LLM call with a prompt
        holding the question, every hit's text tagged with its source as "[source]", and the instruction
        to answer only from the context and cite sources; sources = the hits' sources, best first, once each."""
        raise NotImplementedError
