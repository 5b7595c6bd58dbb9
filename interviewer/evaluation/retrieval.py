"""Retrieval eval: recall@1, recall@5, MRR@10, nDCG@10 at note level, overall and per language,
for dense e5, dense MiniLM (when installed), BM25 and hybrid."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

from interviewer.evaluation.datasets import RetrievalCase

Ranker = Callable[[str], list[str]]
"""A query -> note ids, best first (deduplicated)."""


def note_ranking(chunk_note_ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(chunk_note_ids))


def metrics_for(ranked: list[str], relevant: set[str]) -> dict[str, float]:
    def recall(k: int) -> float:
        return len(set(ranked[:k]) & relevant) / len(relevant)

    rr = next((1.0 / (i + 1) for i, n in enumerate(ranked[:10]) if n in relevant), 0.0)
    dcg = sum(1.0 / math.log2(i + 2) for i, n in enumerate(ranked[:10]) if n in relevant)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    return {
        "hit@1": float(bool(ranked[:1]) and ranked[0] in relevant),
        "recall@1": recall(1),
        "recall@5": recall(5),
        "hit@5": float(bool(set(ranked[:5]) & relevant)),
        "mrr@10": rr,
        "ndcg@10": dcg / idcg if idcg else 0.0,
    }


def evaluate(cases: Sequence[RetrievalCase], ranker: Ranker) -> dict[str, dict[str, float]]:
    """Mean metrics overall and per language group."""
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for case in cases:
        m = metrics_for(ranker(case.query), set(case.relevant))
        groups["overall"].append(m)
        groups[case.lang].append(m)
    return {
        g: {k: round(sum(m[k] for m in ms) / len(ms), 3) for k in ms[0]} | {"n": len(ms)} for g, ms in groups.items()
    }


def retriever_ranker(retriever, mode: str, depth: int = 40) -> Ranker:  # type: ignore[no-untyped-def]
    def rank(query: str) -> list[str]:
        hits = retriever.search(query, depth, mode=mode)
        return note_ranking([h.chunk.note_id for h in hits])

    return rank
