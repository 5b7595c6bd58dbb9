"""Issue 17: jieba reads its dictionary from SQLite in the cache dir instead of loading it per process.

Segmentation must be exactly jieba's (the judge's guards count tokens), and a damaged table is
rebuilt without a word."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import paths
from interviewer.jieba_dict import SqliteFreq, tokenizer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jieba-cache")


def chinese_texts() -> list[str]:
    texts: list[str] = []
    for file in sorted(paths.questions_dir().glob("*.yaml")):
        texts += re.findall(r"[\u3400-\u9fff][^\n\"']*", file.read_text(encoding="utf-8"))
    return texts


def test_segmentation_is_exactly_jiebas(shared_cache: Path) -> None:
    import jieba

    texts = chinese_texts()
    assert len(texts) > 500
    fast = tokenizer(shared_cache)
    assert isinstance(fast.FREQ, SqliteFreq)
    reference = jieba.Tokenizer()
    reference.initialize()
    assert fast.total == reference.total
    for text in texts:
        assert list(fast.cut_for_search(text)) == list(reference.cut_for_search(text)), text
        assert list(fast.cut(text)) == list(reference.cut(text)), text


def test_a_fresh_process_tokenizes_chinese_without_loading_the_dictionary(shared_cache: Path) -> None:
    tokenizer(shared_cache)  # built once
    probe = (
        "import jieba\n"
        "from interviewer.textproc import tokenize\n"
        "tokens = tokenize('旋转位置编码让注意力只依赖相对位置')\n"
        "print(len(tokens) > 3, jieba.dt.initialized, type(jieba.dt.FREQ).__name__)\n"
    )
    env = {**os.environ, "INTERVIEWER_HOME": str(shared_cache.parent / "home")}
    (shared_cache.parent / "home").mkdir(exist_ok=True)
    import shutil

    shutil.copytree(shared_cache, shared_cache.parent / "home" / "cache", dirs_exist_ok=True)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "False", "dict"]  # jieba's global dictionary never loaded


def test_a_damaged_table_is_rebuilt_silently(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tokenizer(cache)
    (table,) = cache.glob("jieba-*.sqlite3")
    good = list(tokenizer(cache).cut_for_search("大语言模型的推理优化"))
    for damage in (b"", b"SQLite format 3\x00" + b"\x00" * 200, b"garbage" * 100):
        table.write_bytes(damage)
        assert list(tokenizer(cache).cut_for_search("大语言模型的推理优化")) == good
        assert table.stat().st_size > 1_000_000


def test_an_unwritable_cache_falls_back_to_jiebas_own_load(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    tk = tokenizer(blocker / "cache")
    assert isinstance(tk.FREQ, dict) and tk.initialized
    assert "推理" in list(tk.cut_for_search("大语言模型的推理优化"))


def test_warm_up_opens_the_segmenter(services: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: on a new home the first answer's follow-up waited ~1 s for the dictionary table to be
    built (the first Chinese word the judge segments is the rubric's). Warm-up builds it."""
    from interviewer import textproc

    opened: list[bool] = []
    monkeypatch.setattr(textproc, "_jieba", lambda: opened.append(True))
    services.warm()  # type: ignore[attr-defined]
    assert opened == [True]
