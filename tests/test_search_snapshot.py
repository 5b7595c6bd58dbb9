"""Issue 17: the search snapshot (persisted BM25 + vectors) and the parsed-bank cache.

Nothing rebuilt that did not change, anything damaged rebuilt without a word, and a search from a
fresh process on an up-to-date index never imports chromadb or loads jieba's dictionary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from interviewer import paths
from interviewer.bank import load_bank
from interviewer.bank.cache import bank_key
from interviewer.rag.bm25 import BM25
from interviewer.rag.chunking import Chunk
from interviewer.rag.index import NoteIndex
from interviewer.rag.retriever import Retriever, chunk_notes
from interviewer.rag.snapshot import load as load_snapshot
from interviewer.rag.tokens import lexical_tokens

ROOT = Path(__file__).resolve().parents[1]


class HashEmbedder:
    """A deterministic bag-of-words embedder (no model) that counts what it embeds."""

    spec = "hash"
    identity = "hash-snapshot-v1"

    def __init__(self) -> None:
        self.passages = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(64, dtype=np.float32)
        for word in text.lower().split():
            v[sum(map(ord, word)) % 64] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages += len(texts)
        return np.vstack([self._vec(t) for t in texts])


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return chunk_notes(load_bank().notes.values())


def test_lexical_tokens_index_chinese_as_characters_and_bigrams_without_jieba() -> None:
    code = "from interviewer.rag.tokens import lexical_tokens as t; import sys; print(t('RoPE 的旋转位置'), 'jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "jieba" not in out.split("]")[0]
    assert out.strip().endswith("False")
    tokens = lexical_tokens("RoPE 的旋转位置")
    assert tokens[0] == "rope" and {"旋转", "转位", "位置", "旋", "置"} <= set(tokens) and "的" not in tokens


def test_bm25_arrays_round_trip_and_bad_arrays_are_refused(chunks: list[Chunk]) -> None:
    texts = [c.lexical_text() for c in chunks[:120]]
    built = BM25.build(texts)
    again = BM25.from_arrays(built.to_arrays())
    for query in ("rotary position embedding", "旋转位置编码 的 外推", "KV cache paging", "nothing-matches-this"):
        assert again.search(query, 10) == built.search(query, 10)
    arrays = built.to_arrays()
    arrays["bm25_offsets"] = arrays["bm25_offsets"][:-5]
    with pytest.raises(ValueError):
        BM25.from_arrays(arrays)


def test_dense_snapshot_ranks_like_chroma(tmp_path: Path, chunks: list[Chunk]) -> None:
    embedder = HashEmbedder()
    index = NoteIndex(tmp_path / "index", embedder)
    retriever = Retriever(chunks, index)
    retriever.ensure_index()
    for query in ("rotary position embedding relative offset", "evaluation of retrieval recall", "agent tool calls"):
        vector = embedder.embed_queries([query])[0]
        exact = retriever.dense(query, 10)
        chroma = index.query(vector.tolist(), 10)
        assert [i for i, _ in exact[:5]] == [i for i, _ in chroma[:5]]
        assert exact[0][1] == pytest.approx(chroma[0][1], abs=1e-4)
    note = chunks[0].note_id
    assert {retriever.by_id[i].note_id for i, _ in retriever.dense("anything at all", 5, note_ids=[note])} == {note}


def test_a_fresh_process_searches_from_the_snapshot_without_chromadb(indexed_home: Path) -> None:
    probe = (
        "import sys, io, contextlib\n"
        "from interviewer.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['search', 'RoPE 和 ALiBi 的区别', '-k', '3', '--json'])\n"
        "print(code, 'chromadb' in sys.modules, 'jieba' in sys.modules, len(__import__('json').loads(out.getvalue())))\n"
    )
    env = {**os.environ, "INTERVIEWER_HOME": str(indexed_home)}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "False", "False", "3"]


def test_a_damaged_snapshot_is_rebuilt_silently(tmp_path: Path, chunks: list[Chunk]) -> None:
    index = NoteIndex(tmp_path / "index", HashEmbedder())
    Retriever(chunks, index).ensure_index()
    good = index.snapshot_path.read_bytes()
    for damage in (b"", b"not a zip file at all", good[: len(good) // 2]):
        index.snapshot_path.write_bytes(damage)
        fresh = Retriever(chunks, NoteIndex(tmp_path / "index", HashEmbedder()))
        hits = fresh.search("rotary position embedding", 3)
        assert hits and {"dense", "bm25"} <= {name for h in hits for name in h.found_by}
        assert index.snapshot_path.read_bytes() != damage
        assert load_snapshot(index.snapshot_path, fresh._key(), len(chunks)) is not None


def test_changed_notes_write_a_new_snapshot_and_an_unchanged_corpus_reuses_it(
    tmp_path: Path, chunks: list[Chunk]
) -> None:
    embedder = HashEmbedder()
    root = tmp_path / "index"
    Retriever(chunks, NoteIndex(root, embedder)).ensure_index()
    stamp = os.stat(NoteIndex(root, embedder).snapshot_path).st_mtime_ns
    again = Retriever(chunks, NoteIndex(root, embedder))
    again.search("rotary position embedding", 3)
    assert os.stat(again.index.snapshot_path).st_mtime_ns == stamp and embedder.passages == len(chunks)
    extra = replace(chunks[0], chunk_id="extra::zebra", text="Zebra quagga okapi.")
    grown = Retriever([*chunks, extra], NoteIndex(root, embedder))
    hits = grown.search("zebra quagga okapi", 3)
    assert hits[0].chunk.chunk_id == "extra::zebra"
    assert embedder.passages == len(chunks) + 1  # only the new chunk was embedded


def test_rebuild_removes_the_snapshot_with_the_index(tmp_path: Path, chunks: list[Chunk]) -> None:
    index = NoteIndex(tmp_path / "index", HashEmbedder())
    Retriever(chunks, index).ensure_index()
    assert index.snapshot_path.exists()
    index.wipe()
    assert not index.snapshot_path.exists()


# -- the parsed bank ----------------------------------------------------------------------------
def _user_bank(root: Path) -> Path:
    src = paths.questions_dir()
    qdir = root / "questions"
    qdir.mkdir(parents=True)
    first = sorted(src.glob("*.yaml"))[0]
    (qdir / "mine.yaml").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_the_bank_cache_returns_the_parsed_bank_and_follows_every_edit(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    user = _user_bank(tmp_path / "mine")
    parsed = load_bank([user])
    first = load_bank([user], cache_dir=cache)
    assert list(cache.glob("bank-*.pickle"))
    cached = load_bank([user], cache_dir=cache)
    assert cached.questions == parsed.questions == first.questions
    assert [str(i) for i in cached.issues] == [str(i) for i in parsed.issues]
    assert cached.sources == parsed.sources and cached.builtin_ids == parsed.builtin_ids
    mine = user / "questions" / "mine.yaml"
    mine.write_text(mine.read_text(encoding="utf-8") + "\n- id: broken\n", encoding="utf-8")
    edited = load_bank([user], cache_dir=cache)
    assert any("mine.yaml" in str(i) for i in edited.issues)
    assert [str(i) for i in edited.issues] == [str(i) for i in load_bank([user]).issues]


def test_a_corrupt_bank_cache_is_reparsed_silently(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_bank(cache_dir=cache)
    (file,) = cache.glob("bank-*.pickle")
    for damage in (b"", b"\x80\x05garbage", b"\x80\x04K\x01."):  # empty, truncated, a pickle of the int 1
        file.write_bytes(damage)
        bank = load_bank(cache_dir=cache)
        assert len(bank.questions) == len(load_bank().questions)
        assert file.read_bytes() != damage


def test_the_bank_key_moves_with_content_not_with_time(tmp_path: Path) -> None:
    user = _user_bank(tmp_path / "mine")
    roots = [(paths.data_dir(), False), (user, True)]
    key = bank_key(roots)
    mine = user / "questions" / "mine.yaml"
    os.utime(mine, (1, 1))
    assert bank_key(roots) == key
    mine.write_text(mine.read_text(encoding="utf-8").replace("id:", "id:", 1) + "# comment\n", encoding="utf-8")
    assert bank_key(roots) != key


def test_search_json_is_the_same_with_and_without_the_caches(indexed_home: Path) -> None:
    env = {**os.environ, "INTERVIEWER_HOME": str(indexed_home)}
    cmd = [sys.executable, "-m", "interviewer", "search", "why does GQA shrink the KV cache", "-k", "4", "--json"]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=True).stdout
    assert (indexed_home / "cache").is_dir() and (indexed_home / "index" / "search.snapshot").exists()
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=True).stdout
    assert json.loads(first) == json.loads(second) and len(json.loads(first)) == 4


# -- the chunked corpus -------------------------------------------------------------------------
def test_the_corpus_cache_gives_the_same_chunks_and_follows_the_notes(tmp_path: Path) -> None:
    from interviewer.rag.corpus import corpus_for

    cache = tmp_path / "cache"
    user = tmp_path / "mine"
    note = paths.notes_dir() / "llm_fundamentals" / "positional-encoding-rope-alibi.md"
    (user / "notes").mkdir(parents=True)
    mine = user / "notes" / "mine.md"
    mine.write_text(note.read_text(encoding="utf-8").replace("id: positional", "id: mine-positional"), encoding="utf-8")
    bank = load_bank([user], cache_dir=cache)
    built, lexicon = corpus_for(bank, cache)
    assert (built, lexicon.terms) == (chunk_notes(bank.notes.values()), corpus_for(bank, None)[1].terms)
    (file,) = cache.glob("corpus-*.pickle")
    again, _ = corpus_for(load_bank([user], cache_dir=cache), cache)
    assert again == built and [c.digest() for c in again] == [c.digest() for c in built]
    for damage in (b"", b"\x80\x05garbage", b"\x80\x04K\x01."):
        file.write_bytes(damage)
        assert corpus_for(load_bank([user], cache_dir=cache), cache)[0] == built
    mine.write_text(mine.read_text(encoding="utf-8").replace("RoPE", "Rotary"), encoding="utf-8")
    edited, _ = corpus_for(load_bank([user], cache_dir=cache), cache)
    assert edited != built and any("Rotary" in c.text for c in edited if c.note_id.startswith("mine-"))
