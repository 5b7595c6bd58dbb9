"""Retrieval: chunking, the Chroma index lifecycle, hybrid search, bad input, server mode."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from interviewer.bank import load_bank
from interviewer.bank.notes import parse_note
from interviewer.cli.main import main
from interviewer.rag.chunking import chunk_note
from interviewer.rag.index import IndexError_, NoteIndex
from interviewer.rag.retriever import EmptyQueryError, Retriever, chunk_notes


class HashEmbedder:
    """A deterministic bag-of-words embedder: fast, and it counts calls."""

    spec = "hash"

    def __init__(self, name: str = "hash-v1") -> None:
        self.name = name
        self.embedded = 0

    @property
    def identity(self) -> str:
        return self.name

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(64, dtype=np.float32)
        for word in text.lower().split():
            v[hash(word) % 64] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return np.vstack([self._vec(t) for t in texts])


NOTE = """---
id: demo-note
title: Demo
tags: [demo]
---
# Demo

Intro paragraph about things.

## First section

Alpha beta gamma.

```python
def f():
    # a comment
    return 1
```

## 中文术语 (Chinese terms)

- alpha beta — 甲乙
"""


def write_note(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_chunks_carry_ids_headings_terms_and_code_kind(tmp_path: Path) -> None:
    note = parse_note(write_note(tmp_path, "n.md", NOTE))
    chunks = chunk_note(note)
    assert [c.chunk_id for c in chunks] == [c.chunk_id for c in chunk_note(note)]  # stable
    assert all(c.note_id == "demo-note" and c.title == "Demo" for c in chunks)
    assert {c.kind for c in chunks} == {"text", "code"}
    first = next(c for c in chunks if c.heading == "First section" and c.kind == "text")
    assert "甲乙" in first.embed_text()
    code = next(c for c in chunks if c.kind == "code")
    assert "def f" in code.embed_text() and "return 1" not in code.embed_text()
    assert "return 1" in code.lexical_text()
    assert not any("Chinese terms" in c.heading for c in chunks)


def test_section_summary_travels_with_every_chunk_of_its_section(tmp_path: Path) -> None:
    body = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(12))
    text = f"---\nid: s\ntitle: S\n---\n## Big\n\n> 摘要：一段中文摘要。\n\n{body}\n\n## Small\n\nNo summary here.\n"
    chunks = chunk_note(parse_note(write_note(tmp_path, "s.md", text)), max_chars=800, overlap=100)
    big = [c for c in chunks if c.heading == "Big"]
    assert len(big) > 1 and all(c.summary == "一段中文摘要。" for c in big)
    assert all("摘要" not in c.text for c in chunks)  # kept out of the displayed text
    assert all("一段中文摘要" in c.embed_text() and "一段中文摘要" in c.lexical_text() for c in big)
    assert [c.summary for c in chunks if c.heading == "Small"] == [""]


def test_every_builtin_note_section_has_a_chinese_summary() -> None:
    notes = load_bank().notes.values()
    missing = [f"{c.note_id} > {c.heading}" for n in notes for c in chunk_note(n) if c.kind == "text" and not c.summary]
    assert not missing


def test_long_sections_split_with_overlap(tmp_path: Path) -> None:
    body = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(12))
    note = parse_note(write_note(tmp_path, "long.md", f"---\nid: long\ntitle: Long\n---\n## Big\n{body}\n"))
    chunks = chunk_note(note, max_chars=800, overlap=100)
    assert len(chunks) > 3 and all(len(c.text) <= 1000 for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_incremental_index_embeds_only_changes(tmp_path: Path) -> None:
    notes_dir = tmp_path / "notes"
    write_note(notes_dir, "a.md", NOTE)
    write_note(notes_dir, "b.md", NOTE.replace("demo-note", "other-note").replace("Alpha", "Delta"))
    emb = HashEmbedder()
    index = NoteIndex(tmp_path / "index", emb)

    def chunks() -> list:
        from interviewer.bank.notes import load_notes

        return chunk_notes(load_notes(notes_dir)[0].values())

    first = index.update(chunks())
    assert first.added == len(chunks()) and emb.embedded == len(chunks())
    t0 = time.perf_counter()
    again = index.update(chunks())
    assert again.skipped and emb.embedded == len(chunks())
    assert time.perf_counter() - t0 < 1.0
    write_note(notes_dir, "b.md", NOTE.replace("demo-note", "other-note").replace("Alpha", "Epsilon"))
    before = emb.embedded
    third = index.update(chunks())
    assert third.updated == 1 and third.added == 0 and emb.embedded == before + 1
    (notes_dir / "b.md").unlink()
    fourth = index.update(chunks())
    assert fourth.deleted > 0 and index.count() == len(chunks())


def test_switching_embedder_rebuilds(tmp_path: Path) -> None:
    note = parse_note(write_note(tmp_path, "a.md", NOTE))
    index = NoteIndex(tmp_path / "index", HashEmbedder("one"))
    index.update(chunk_note(note))
    other = HashEmbedder("two")
    report = NoteIndex(tmp_path / "index", other).update(chunk_note(note))
    assert report.rebuilt and other.embedded == len(chunk_note(note))


def test_foreign_or_corrupt_index_names_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "index"
    (root / "chroma").mkdir(parents=True)
    (root / "chroma" / "chroma.sqlite3").write_bytes(b"not a database at all" * 10)
    with pytest.raises(IndexError_, match="interviewer index --rebuild"):
        NoteIndex(root, HashEmbedder()).client()
    (root / "manifest.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(IndexError_, match="interviewer index --rebuild"):
        NoteIndex(root, HashEmbedder()).client()


def test_rebuild_repairs_a_corrupt_index_and_never_touches_notes(tmp_path: Path) -> None:
    notes_dir = tmp_path / "notes"
    note_file = write_note(notes_dir, "a.md", NOTE)
    root = tmp_path / "index"
    (root / "chroma").mkdir(parents=True)
    (root / "manifest.json").write_text("garbage", encoding="utf-8")
    index = NoteIndex(root, HashEmbedder())
    report = index.update(chunk_note(parse_note(note_file)), rebuild=True)
    assert report.rebuilt and index.count() > 0
    assert note_file.read_text(encoding="utf-8") == NOTE


def test_hybrid_search_reports_retrievers_and_filters(tmp_path: Path) -> None:
    notes_dir = tmp_path / "notes"
    write_note(notes_dir, "a.md", NOTE)
    write_note(notes_dir, "b.md", NOTE.replace("demo-note", "other-note").replace("Alpha beta gamma", "Kappa lambda"))
    from interviewer.bank.notes import load_notes

    retriever = Retriever(chunk_notes(load_notes(notes_dir)[0].values()), NoteIndex(tmp_path / "i", HashEmbedder()))
    hits = retriever.search("kappa lambda", 3)
    assert hits[0].chunk.note_id == "other-note" and set(hits[0].found_by) == {"dense", "bm25"}
    only = retriever.search("kappa lambda", 3, note_ids=["demo-note"])
    assert only and all(h.chunk.note_id == "demo-note" for h in only)
    with pytest.raises(EmptyQueryError):
        retriever.search("   ")


def test_real_corpus_search_cli_json(indexed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "why does rotating queries and keys encode relative position", "-k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3
    assert set(hits[0]) >= {"note_id", "chunk_id", "title", "heading", "text", "score"}
    assert hits[0]["note_id"] == "positional-encoding-rope-alibi"


def test_chinese_query_finds_english_note(indexed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "解码时显存里缓存的键值太大怎么办，共享键值头", "-k", "5", "--json"]) == 0
    notes = [h["note_id"] for h in json.loads(capsys.readouterr().out)]
    assert "gqa-mqa" in notes


def test_empty_query_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "   "]) == 2
    assert "empty" in capsys.readouterr().err


def test_unreachable_chroma_url_fails_fast(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("INTERVIEWER_CHROMA_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("INTERVIEWER_TIMEOUT_S", "2")
    t0 = time.perf_counter()
    assert main(["search", "kv cache"]) == 2
    assert time.perf_counter() - t0 < 10
    err = capsys.readouterr().err
    assert "unreachable" in err and "Traceback" not in err


def test_index_cli_no_change_is_fast(indexed_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_bundled_embedding_cache_covers_every_builtin_chunk() -> None:
    from interviewer.rag.cache import EmbeddingCache
    from interviewer.rag.embedders import get_embedder

    cache = EmbeddingCache(get_embedder("e5-small").identity)
    chunks = chunk_notes(load_bank().notes.values())
    stale = [c.chunk_id for c in chunks if cache.get(c.digest()) is None]
    assert stale == [], "run `python -m interviewer.rag.bundle` after editing notes"


def test_bundled_embedding_cache_covers_every_key_point_and_example() -> None:
    """The judge embeds a question's key points, misconceptions and examples when it is first asked:
    bundled, that costs a lookup, not seconds of model time (the four behavioural questions have 540
    examples)."""
    from interviewer.rag.cache import EmbeddingCache, query_key
    from interviewer.rag.embedders import get_embedder

    cache = EmbeddingCache(get_embedder("e5-small").identity)
    texts = [
        t
        for q in load_bank().questions.values()
        for _, kp in q.rubric.key_points()
        for t in (
            kp.text.zh,
            kp.text.en,
            *kp.examples.all(),
            *(x for m in kp.misconceptions for x in (m.text.zh, m.text.en)),
        )
    ]
    stale = [t for t in texts if cache.get(query_key(t)) is None]
    assert stale == [], "run `python -m interviewer.rag.bundle` after editing the bank"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_server_mode_matches_embedded(
    indexed_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "srv"), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        query = "how does continuous batching raise GPU utilisation"
        assert main(["search", query, "-k", "5", "--json"]) == 0
        embedded = json.loads(capsys.readouterr().out)
        monkeypatch.setenv("INTERVIEWER_CHROMA_URL", f"http://127.0.0.1:{port}")
        assert main(["index"]) == 0
        capsys.readouterr()
        assert main(["search", query, "-k", "5", "--json"]) == 0
        served = json.loads(capsys.readouterr().out)
        assert [h["chunk_id"] for h in served] == [h["chunk_id"] for h in embedded]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
