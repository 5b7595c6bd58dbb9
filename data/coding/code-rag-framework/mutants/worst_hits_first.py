# ruff: noqa  (a deliberately broken solution: the hidden tests must catch it)
"""Mutant (worst_hits_first): overlapping character chunks, brute-force cosine retrieval, cited prompt, refusal."""

from __future__ import annotations

from support import NOT_IN_CONTEXT, Answer, Hit


def chunk_text(text: str, size: int = 200, overlap: int = 50) -> list[str]:
    if not text:
        return []
    step = size - overlap
    chunks = []
    start = 0
    while True:
        chunks.append(text[start : start + size])
        if start + size >= len(text):
            return chunks
        start += step


class RAG:
    def __init__(self, embedder, llm, chunk_size=200, overlap=50, k=3, min_score=0.2):
        self.embedder, self.llm = embedder, llm
        self.chunk_size, self.overlap, self.k, self.min_score = chunk_size, overlap, k, min_score
        self.entries: list[tuple[str, str, list[float]]] = []

    def add(self, source, text):
        chunks = chunk_text(text, self.chunk_size, self.overlap)
        for chunk, vec in zip(chunks, self.embedder.embed(chunks), strict=True):
            self.entries.append((source, chunk, vec))
        return len(chunks)

    def retrieve(self, query):
        (qv,) = self.embedder.embed([query])
        scored = [Hit(src, text, sum(a * b for a, b in zip(qv, vec, strict=True))) for src, text, vec in self.entries]
        scored = [h for h in scored if h.score >= self.min_score]
        scored.sort(key=lambda h: h.score)
        return scored[: self.k]

    def answer(self, question):
        hits = self.retrieve(question)
        if not hits:
            return Answer(NOT_IN_CONTEXT, [])
        context = "\n\n".join(f"[{h.source}] {h.text}" for h in hits)
        prompt = (
            "Answer the question using only the context below. If the context is not enough, say you don't know. "
            f"Cite sources as [source].\n\nContext:\n{context}\n\nQuestion: {question}\nAnswer:"
        )
        sources = list(dict.fromkeys(h.source for h in hits))
        return Answer(self.llm(prompt), sources)
