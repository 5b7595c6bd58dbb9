"""A small BM25 (Okapi) index over tokenized chunks.

Each posting's term weight idf·tf·(k1+1)/(tf+k1·(1−b+b·len/avglen)) depends only on the corpus,
so it is computed once at build time; a query is then a few vectorised additions per term.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from interviewer.textproc import tokenize


class BM25:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        counts = [Counter(tokenize(doc)) for doc in docs]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        self.avgdl = float(lengths.mean()) if self.n else 0.0
        raw: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, c in enumerate(counts):
            for term, tf in c.items():
                raw[term].append((i, tf))
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        norm = k1 * (1 - b + b * lengths / (self.avgdl or 1.0))
        for term, plist in raw.items():
            docs_idx = np.fromiter((d for d, _ in plist), dtype=np.int32, count=len(plist))
            tfs = np.fromiter((t for _, t in plist), dtype=np.float32, count=len(plist))
            idf = math.log(1 + (self.n - len(plist) + 0.5) / (len(plist) + 0.5))
            self.postings[term] = (docs_idx, (idf * tfs * (k1 + 1) / (tfs + norm[docs_idx])).astype(np.float32))

    def search(self, query: str, k: int = 10, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (doc index, score), best first; ``allowed`` restricts to a subset of docs."""
        scores = np.zeros(self.n, dtype=np.float32)
        for term in set(tokenize(query)):
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting[0]] += posting[1]
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
