"""Build the bundled vector cache (``data/embeddings``): every chunk of the built-in notes as a
passage, and every question, key point, key-point example, misconception, correction and model-answer exemplar as a query, for
the default embedder. Run after editing notes or the bank: ``python -m interviewer.rag.bundle``."""

from __future__ import annotations

import numpy as np

from interviewer.bank import load_bank
from interviewer.bank.exemplars import exemplar_sentences
from interviewer.rag.cache import EmbeddingCache, query_key, write_cache
from interviewer.rag.embedders import E5Embedder
from interviewer.rag.retriever import chunk_notes


def main() -> None:
    """Embed every chunk of the built-in notes and write the cache for the default embedder."""
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
        texts += [t for _, k in q.rubric.key_points() for t in k.examples.all()]
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
