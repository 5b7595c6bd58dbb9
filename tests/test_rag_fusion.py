"""Hybrid fusion by scores (rag/fusion.py): a decisive keyword match beats a dense near-tie, the
statistics come from each list's top pool (results do not depend on k), flat or short lists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from interviewer.rag.chunking import Chunk
from interviewer.rag.fusion import fuse
from interviewer.rag.index import NoteIndex
from interviewer.rag.retriever import Retriever

N = 40
IDS = [f"c{i:02d}" for i in range(N)]
# e5-like dense similarities: the top 40 of a query within 0.03 of each other; c09 (the right chunk)
# is dense #10, a hair below c00.
DENSE = [(IDS[i], 0.889 - 0.00075 * i) for i in range(N)]
# BM25: c09 matches the query's rare terms (twice the runner-up's score), c00 only its common ones.
BM25_ORDER = [9, 1, 2, 0, *range(3, 9), *range(10, N)]
BM25 = [
    (IDS[i], s)
    for i, s in zip(BM25_ORDER, [69.6, 36.0, 34.0, 32.7, *np.linspace(30.0, 8.0, N - 4).tolist()], strict=True)
]


class Unused:
    spec = "unused"
    identity = "unused"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("not embedded: the lists are given")

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("not embedded: the lists are given")


class GivenLists(Retriever):
    """A retriever whose dense and BM25 rankings are fixed, to test what search() makes of them."""

    def dense(
        self, query: str, k: int, note_ids: Sequence[str] | None = None, track: str | None = None
    ) -> list[tuple[str, float]]:
        return DENSE[:k]

    def sparse(
        self, query: str, k: int, note_ids: Sequence[str] | None = None, track: str | None = None
    ) -> list[tuple[str, float]]:
        return BM25[:k]


def given_lists(tmp_path: Path) -> Retriever:
    chunks = [Chunk(chunk_id=i, note_id=f"note-{i}", title=i, heading="", text=i) for i in IDS]
    return GivenLists(chunks, NoteIndex(tmp_path, Unused()))


def test_a_decisive_keyword_match_outranks_a_dense_near_tie(tmp_path: Path) -> None:
    # Rank fusion (RRF, k=60) put c09 fifth, behind c01, c00, c02 and c03 (dense #1-#4, BM25 #2-#4):
    # cosine gaps of 0.005 outvoted a BM25 score twice the runner-up's.
    hits = given_lists(tmp_path).search("query", 5)
    assert hits[0].chunk.chunk_id == "c09"
    assert hits[0].found_by == {"dense": 10, "bm25": 1} and hits[0].similarity == DENSE[9][1]


def test_single_retriever_modes_keep_their_own_order_and_scores(tmp_path: Path) -> None:
    retriever = given_lists(tmp_path)
    dense = retriever.search("query", 30, mode="dense")
    assert [(h.chunk.chunk_id, h.score) for h in dense] == DENSE[:30]
    bm25 = retriever.search("query", 30, mode="bm25")
    assert [(h.chunk.chunk_id, h.score) for h in bm25] == BM25[:30]


def test_fused_scores_do_not_depend_on_how_deep_the_lists_go() -> None:
    dense = [(f"d{i}", 0.9 - 0.001 * i) for i in range(200)]
    bm25 = [(f"d{(i * 7) % 200}", 50.0 / (1 + i)) for i in range(200)]
    weights = {"dense": 1.0, "bm25": 1.0}
    shallow = fuse({"dense": dense[:20], "bm25": bm25[:20]}, weights, candidates=1000, pool=20)
    deep = fuse({"dense": dense, "bm25": bm25}, weights, candidates=1000, pool=20)
    assert shallow == {item: deep[item] for item in shallow}
    assert all(deep[item] == 0.0 for item in deep if item not in shallow)


def test_a_flat_list_adds_nothing_and_a_short_list_counts_the_rest_as_zero() -> None:
    flat = [("a", 0.5), ("b", 0.5), ("c", 0.5)]
    bm25 = [("b", 4.0)]  # one match among 3 candidates: the others score 0
    fused = fuse({"dense": flat, "bm25": bm25}, {}, candidates=3, pool=10)
    assert fused == {"a": 0.0, "b": 4.0 / float(np.std([4.0, 0.0, 0.0])), "c": 0.0}
    assert fuse({"dense": flat}, {}, candidates=3) == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_weights_scale_each_lists_margin() -> None:
    dense = [("a", 0.9), ("b", 0.8)]
    bm25 = [("b", 10.0), ("a", 5.0)]
    even = fuse({"dense": dense, "bm25": bm25}, {"dense": 1.0, "bm25": 1.0}, candidates=2)
    assert even["a"] == even["b"]
    dense_heavy = fuse({"dense": dense, "bm25": bm25}, {"dense": 2.0, "bm25": 1.0}, candidates=2)
    assert dense_heavy["a"] > dense_heavy["b"]


def test_bm25_scores_are_the_same_in_every_process() -> None:
    """Query terms are summed in one order: in set order (per-process string hashing) the float32
    sums differed in the last bit from one process to the next, and `search --json` with them."""
    import os
    import subprocess
    import sys

    code = (
        "from interviewer.rag.bm25 import BM25\n"
        "docs = ['grouped query attention shares key value heads across query heads to shrink the kv cache',"
        " 'multi query attention keeps one key value head', 'the kv cache grows with sequence length and heads',"
        " 'paged attention stores the kv cache in blocks'] * 7\n"
        "print(repr(BM25.build(docs).search('why does grouped query attention shrink the kv cache heads', k=5)))\n"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(12)
    }
    assert len(outs) == 1
