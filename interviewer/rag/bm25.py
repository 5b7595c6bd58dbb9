"""A small BM25 (Okapi) index over tokenized chunks, with an inverted index for speed."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from interviewer.textproc import tokenize


class BM25:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for i, doc in enumerate(docs):
            counts = Counter(tokenize(doc))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((i, tf))
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 0.0

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int = 10, allowed: set[int] | None = None) -> list[tuple[int, float]]:
        """Top-k (doc index, score), best first; ``allowed`` restricts to a subset of docs."""
        scores: dict[int, float] = defaultdict(float)
        for term in set(tokenize(query)):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for doc, tf in postings:
                if allowed is not None and doc not in allowed:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc] / (self.avgdl or 1))
                scores[doc] += idf * tf * (self.k1 + 1) / (tf + norm)
        return sorted(scores.items(), key=lambda kv: -kv[1])[:k]
