"""Retrieval benchmark: query latency (p50/p95, query embedding included) on the real corpus and on a
synthetic corpus of 20,000 chunks; full and no-change index times.

The synthetic corpus reuses the real chunks' text (varied) for BM25, with random unit vectors for the
dense side (embedding 20k passages with e5 on 2 CPU cores would take over an hour and measures the
embedder, not retrieval). Queries are real and embedded by e5 on every call.

Queries read the search snapshot (rag/snapshot.py); the figures include what opening it costs a fresh
process. Cold whole-process CLI times are in evals/bench_cli.py.

Run: python evals/bench_rag.py [--synthetic N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from interviewer.bank import load_bank
from interviewer.evaluation.datasets import retrieval_cases
from interviewer.rag.embedders import get_embedder
from interviewer.rag.index import NoteIndex
from interviewer.rag.lexicon import Lexicon
from interviewer.rag.retriever import Retriever, chunk_notes


def percentiles(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s), s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def time_queries(retriever: Retriever, queries: list[str], repeat: int = 1) -> tuple[float, float]:
    retriever.search(queries[0], 5)  # warm: loads models, BM25
    samples = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            retriever.search(q, 5)
            samples.append((time.perf_counter() - t0) * 1000)
    return percentiles(samples)


class VectorsOnly:
    """Passages get random unit vectors (synthetic corpus); queries use the real embedder."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.spec = "synthetic"
        self.rng = np.random.default_rng(0)

    @property
    def identity(self) -> str:
        return "synthetic-random-384"

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)  # type: ignore[attr-defined,no-any-return]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        v = self.rng.standard_normal((len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=20_000)
    args = parser.parse_args()
    bank = load_bank()
    notes = list(bank.notes.values())
    chunks = chunk_notes(notes)
    lexicon = Lexicon.from_notes(notes)
    queries = [c.query for c in retrieval_cases()]
    embedder = get_embedder("e5-small")
    with tempfile.TemporaryDirectory() as tmp:
        index = NoteIndex(Path(tmp) / "real", embedder)
        t0 = time.perf_counter()
        index.update(chunks)
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = index.update(chunks)
        nochange = time.perf_counter() - t0
        assert report.skipped
        Retriever(chunks, index, lexicon=lexicon).ensure_index()  # writes the search snapshot
        real = Retriever(chunks, NoteIndex(Path(tmp) / "real", embedder), lexicon=lexicon)
        t0 = time.perf_counter()
        real.bm25()
        snap_open = time.perf_counter() - t0
        p50, p95 = time_queries(real, queries)
        print(f"real corpus: {len(chunks)} chunks from {len(notes)} notes")
        print(f"  full index (bundled vector cache): {full:.2f} s; no-change re-index: {nochange * 1000:.0f} ms")
        print(f"  search snapshot opened by a fresh retriever in {snap_open * 1000:.0f} ms")
        print(f"  hybrid query latency over {len(queries)} queries: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

        n = args.synthetic
        synth = [
            replace(
                chunks[i % len(chunks)], chunk_id=f"synthetic::{i}", text=f"{chunks[i % len(chunks)].text} variant {i}"
            )
            for i in range(n)
        ]
        sindex = NoteIndex(Path(tmp) / "synthetic", VectorsOnly(embedder))  # type: ignore[arg-type]
        t0 = time.perf_counter()
        sindex.update(synth)
        load = time.perf_counter() - t0
        sretriever = Retriever(synth, sindex, lexicon=lexicon)
        t0 = time.perf_counter()
        sretriever.bm25()  # no snapshot yet: reads the vectors back from Chroma, builds BM25, writes it
        snap_build = time.perf_counter() - t0
        reopened = Retriever(synth, NoteIndex(Path(tmp) / "synthetic", VectorsOnly(embedder)), lexicon=lexicon)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        reopened.bm25()  # what a fresh process pays: the manifest, the digests, the memory-mapped snapshot
        snap_open = time.perf_counter() - t0
        size = sindex.snapshot_path.stat().st_size / 2**20
        p50, p95 = time_queries(reopened, queries)
        print(f"synthetic corpus: {n} chunks (insert {load:.1f} s)")
        print(f"  search snapshot: built in {snap_build:.1f} s, {size:.0f} MiB; opened in {snap_open * 1000:.0f} ms")
        print(f"  hybrid query latency: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
