"""A synthetic user bank of N note chunks for the speed benchmarks (issue 17), and its index.

Notes are the built-in notes copied with new ids and a varied line per section, so every chunk is
new text of realistic shape and size (the real notes give ~8.8 chunks per note). Embedding 20,000
passages with e5 on 2 cores takes over an hour and measures the embedder, not what a person waits
for, so the index is built with random unit vectors for passages that miss the bundled cache,
under the real embedder's identity: a CLI process then finds a current index and searches it
exactly as it would a real one (queries are embedded by e5 for real).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from interviewer import paths


def _write_round(root: Path, r: int, sources: list[Path]) -> None:
    for src in sources:
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"^id: (.+)$", rf"id: syn{r}-\1", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^(## .+)$", rf"\1\n\nSynthetic variant {r} of this section.", text, flags=re.MULTILINE)
        out = root / "notes" / src.parent.name / f"syn{r}-{src.name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def write_bank(root: Path, chunks_wanted: int) -> Path:
    """Write ``root/notes/**.md`` holding about ``chunks_wanted`` chunks; returns ``root``."""
    from interviewer.bank.notes import load_notes
    from interviewer.rag.retriever import chunk_notes

    sources = sorted(paths.notes_dir().rglob("*.md"))
    _write_round(root, 0, sources)
    per_round = len(chunk_notes(load_notes(root / "notes")[0].values()))
    for r in range(1, max(1, round(chunks_wanted / per_round))):
        _write_round(root, r, sources)
    return root


class RandomPassages:
    """The real embedder for queries and identity; random unit vectors for passages."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.spec = real.spec  # type: ignore[attr-defined]
        self.rng = np.random.default_rng(0)

    @property
    def identity(self) -> str:
        return self.real.identity  # type: ignore[attr-defined,no-any-return]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.real.embed_queries(texts)  # type: ignore[attr-defined,no-any-return]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        v = self.rng.standard_normal((len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def build_index(home: Path, bank: Path | None) -> int:
    """Build ``home``'s index (and search snapshot) for the built-in bank plus ``bank``; chunk count."""
    from interviewer.config import load_settings
    from interviewer.services import Services

    settings = load_settings()
    settings.home = home
    if bank is not None:
        settings.bank = str(bank)
    services = Services(settings)
    retriever = services.retriever
    retriever.index.embedder = RandomPassages(retriever.index.embedder)  # type: ignore[assignment]
    retriever.ensure_index()
    return len(retriever.chunks)
