"""A small BM25 (Okapi) index over tokenized chunks, kept as flat arrays so it can be persisted.

Each posting's term weight idf·tf·(k1+1)/(tf+k1·(1−b+b·len/avglen)) depends only on the corpus,
so it is computed once at build time; a query is then a few vectorised additions per term. The
postings of term i are ``docs[offsets[i]:offsets[i+1]]`` with ``weights`` alongside: four arrays and
a vocabulary, written once beside the index and loaded in milliseconds (``to_arrays``/``from_arrays``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from interviewer.rag.tokens import lexical_tokens


class BM25:
    def __init__(self, n: int, vocab: dict[str, int], offsets: np.ndarray, docs: np.ndarray, weights: np.ndarray):
        self.n = n
        self.vocab = vocab
        self.offsets = offsets
        self.docs = docs
        self.weights = weights

    @classmethod
    def build(cls, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> BM25:
        counts = [Counter(lexical_tokens(doc)) for doc in docs]
        n = len(docs)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avgdl = float(lengths.mean()) if n else 0.0
        raw: dict[str, list[tuple[int, int]]] = {}
        for i, c in enumerate(counts):
            for term, tf in c.items():
                raw.setdefault(term, []).append((i, tf))
        norm = k1 * (1 - b + b * lengths / (avgdl or 1.0))
        vocab: dict[str, int] = {}
        offsets = np.zeros(len(raw) + 1, dtype=np.int64)
        doc_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        for t, (term, plist) in enumerate(raw.items()):
            vocab[term] = t
            idx = np.fromiter((d for d, _ in plist), dtype=np.int32, count=len(plist))
            tfs = np.fromiter((f for _, f in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            doc_parts.append(idx)
            weight_parts.append((idf * tfs * (k1 + 1) / (tfs + norm[idx])).astype(np.float32))
            offsets[t + 1] = offsets[t] + len(plist)
        empty_i, empty_f = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return cls(
            n,
            vocab,
            offsets,
            np.concatenate(doc_parts) if doc_parts else empty_i,
            np.concatenate(weight_parts) if weight_parts else empty_f,
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        terms = "\n".join(self.vocab)  # insertion order = term index; tokens never hold a newline
        return {
            "bm25_n": np.array(self.n, dtype=np.int64),
            "bm25_terms": np.frombuffer(terms.encode("utf-8"), dtype=np.uint8),
            "bm25_offsets": self.offsets,
            "bm25_docs": self.docs,
            "bm25_weights": self.weights,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> BM25:
        """The index ``to_arrays`` gave; ValueError when the arrays do not fit together."""
        raw = arrays["bm25_terms"].tobytes().decode("utf-8")
        terms = raw.split("\n") if raw else []
        offsets, docs, weights = arrays["bm25_offsets"], arrays["bm25_docs"], arrays["bm25_weights"]
        n = int(arrays["bm25_n"])
        if len(offsets) != len(terms) + 1 or len(docs) != len(weights) or int(offsets[-1]) != len(docs):
            raise ValueError("BM25 arrays do not fit together")
        if len(docs) and (int(docs.max()) >= n or int(docs.min()) < 0):
            raise ValueError("BM25 postings point outside the corpus")
        return cls(n, {t: i for i, t in enumerate(terms)}, offsets, docs, weights)

    def search(self, query: str, k: int = 10, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (doc index, score), best first; ``allowed`` restricts to a subset of docs."""
        scores = np.zeros(self.n, dtype=np.float32)
        for term in sorted(set(lexical_tokens(query))):  # one order in every process: float32 sums differ by order
            t = self.vocab.get(term)
            if t is not None:
                lo, hi = self.offsets[t], self.offsets[t + 1]
                scores[self.docs[lo:hi]] += self.weights[lo:hi]
        if allowed is not None:
            mask = np.zeros(self.n, dtype=bool)
            mask[list(allowed)] = True
            scores[~mask] = 0.0
        hit = np.flatnonzero(scores > 0)
        if hit.size == 0:
            return []
        if hit.size > k:
            hit = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        order = hit[np.argsort(-scores[hit], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]
