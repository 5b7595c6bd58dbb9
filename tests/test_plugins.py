"""Extension points: a separate package adds an embedder, an export format and a judge through entry points,
with no edit to ``interviewer/`` (the package is a directory on sys.path with its dist-info, exactly
what `pip install` leaves behind)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer import plugins
from interviewer.cli.main import main
from interviewer.rag.embedders import get_embedder

PLUGIN = '''
"""A test plugin: a hashing embedder and a CSV export of the grades."""
import hashlib

import numpy as np

CALLS = []


class HashEmbedder:
    def __init__(self, dim):
        self.spec = f"hash:{dim}"
        self.dim = dim

    @property
    def identity(self):
        return f"hashplug/{self.dim}"

    def _vec(self, text):
        v = np.zeros(self.dim, dtype=np.float32)
        for word in text.lower().split():
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v + 1.0 / np.sqrt(self.dim)

    def embed_queries(self, texts):
        CALLS.append(len(texts))
        return np.stack([self._vec(t) for t in texts])

    def embed_passages(self, texts):
        return np.stack([self._vec(t) for t in texts])


def make(arg):
    return HashEmbedder(int(arg or 64))


class CsvExporter:
    description = "question,score rows"

    def render(self, ctx):
        rows = ["question,score"]
        for qid, grade in ctx.session.grades.items():
            rows.append(f"{qid},{grade.overall:.1f}")
        return "\\n".join(rows)


class LenientJudge:
    """Every criterion at 2 of 4, whatever the answer: a judge no built-in would be."""

    def __init__(self, ctx):
        self.ctx = ctx

    async def grade(self, question, answer, lang, exchanges=None):
        from interviewer.domain import CriterionGrade, Grade

        SEEN.append((self.ctx.llm, type(self.ctx.offline).__name__, lang))
        criteria = [CriterionGrade(id=c.id, score=2, reason="lenient") for c in question.rubric.criteria]
        return Grade(question_id=question.id, overall=50.0, criteria=criteria, judge="hashplug:lenient")


SEEN = []


def make_judge(ctx):
    return LenientJudge(ctx)


def failing_judge(ctx):
    raise RuntimeError("the judge service is down")
'''

ENTRY_POINTS = """
[interviewer.embedders]
hash = hashplug:make
broken = hashplug_missing:make

[interviewer.exporters]
csv = hashplug:CsvExporter

[interviewer.judges]
lenient = hashplug:make_judge
down = hashplug:failing_judge
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    (site / "hashplug").mkdir(parents=True)
    (site / "hashplug" / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = site / "hashplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hashplug\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    plugins.refresh()
    get_embedder.cache_clear()
    yield site
    plugins.refresh()
    get_embedder.cache_clear()


def test_a_plugin_adds_names_without_replacing_builtins(plugin: Path) -> None:
    assert plugins.names(plugins.EMBEDDERS) == ["e5-small", "sentence-transformers", "broken", "hash"]
    assert plugins.names(plugins.EXPORTERS)[:3] == ["md", "html", "json"] and "csv" in plugins.names(plugins.EXPORTERS)
    assert plugins.names(plugins.JUDGES) == ["offline", "llm", "down", "lenient"]
    embedder = get_embedder("hash:32")
    assert embedder.identity == "hashplug/32"
    assert embedder.embed_queries(["kv cache"]).shape == (1, 32)


def test_search_runs_on_a_plugin_embedder(
    plugin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashplug

    monkeypatch.setenv("INTERVIEWER_EMBEDDER", "hash:128")
    assert main(["search", "KV cache memory per token", "--json", "-k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and hashplug.CALLS, "the plugin embedded the query"


def test_export_in_a_plugin_format(
    plugin: Path, built_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "- question: llm-lost-in-the-middle\n  answer: Models attend most to the start and the end of a long context.\n",
        encoding="utf-8",
    )
    assert main(["run", "--answers", str(answers), "--json", "--count", "1"]) == 0
    sid = json.loads(capsys.readouterr().out)["session_id"]
    assert main(["export", sid, "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "question,score" and out[1].startswith("llm-lost-in-the-middle,")


def test_unknown_and_broken_plugins_fail_clearly(
    plugin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_EMBEDDER", "nope")
    assert main(["search", "kv cache"]) == 2
    err = capsys.readouterr().err
    assert "embedder" in err and "hash" in err and "Traceback" not in err
    with pytest.raises(plugins.PluginError, match="hashplug_missing"):
        get_embedder("broken")
    monkeypatch.delenv("INTERVIEWER_EMBEDDER")
    with pytest.raises(plugins.PluginError, match="known are md, html, json"):
        plugins.load(plugins.EXPORTERS, "docx")


ANSWER = "Models attend most to the start and the end of a long context; the middle is lost."


def _grade_with(
    judge: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, Any], str]:
    """``interviewer grade --json`` of ANSWER with the judge setting ``judge``: the grade and stderr."""
    monkeypatch.setenv("INTERVIEWER_JUDGE", judge)
    assert main(["grade", "--question", "llm-lost-in-the-middle", "--answer", ANSWER, "--json"]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def test_grade_with_a_plugin_judge(
    plugin: Path, built_index: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashplug

    grade, err = _grade_with("lenient", monkeypatch, capsys)
    assert grade["judge"] == "hashplug:lenient" and grade["overall"] == 50.0
    assert {c["score"] for c in grade["criteria"]} == {2} and "warning" not in err
    assert hashplug.SEEN == [(None, "OfflineJudge", "en")], "the factory got the context (offline: no model)"


def test_a_failing_plugin_judge_grades_offline(
    plugin: Path, built_index: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    grade, err = _grade_with("down", monkeypatch, capsys)
    assert grade["judge"] == "offline"
    assert "judge 'down' failed" in err and "the judge service is down" in err and "graded offline" in err


def test_an_unknown_judge_is_refused_by_the_settings(
    plugin: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_JUDGE", "strict")
    assert main(["grade", "--question", "llm-lost-in-the-middle", "--answer", ANSWER]) == 2
    err = capsys.readouterr().err
    assert "judge" in err and "lenient" in err and "auto" in err and "Traceback" not in err
