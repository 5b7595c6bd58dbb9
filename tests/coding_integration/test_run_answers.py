"""`run --answers` with ``code_file:``: the code travels with the answer into the transcript, the
hidden tests grade it, and `show`, `export` (md, html, json), `import` and `rescore` carry it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.agent.headless import AnswersFileError, load_answers
from interviewer.cli.main import main
from interviewer.coding import load_task

QID = "code-sliding-window-attention"
PROSE = "A ring buffer keeps the last W keys and values; I mask scores outside the window."


def _answers(tmp_path: Path, code: str, **entry: object) -> Path:
    folder = tmp_path / "answers"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "solution.py").write_text(code, encoding="utf-8")
    item = {"question": QID, "answer": PROSE, "code_file": "src/solution.py", **entry}
    f = folder / "answers.yaml"
    f.write_text(json.dumps([item]), encoding="utf-8")  # JSON is YAML
    return f


def _run_json(f: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["run", "--answers", str(f), "--json", "--count", "1"]) == 0
    return json.loads(capsys.readouterr().out)


def test_code_file_is_graded_and_exported(services: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    task = load_task(QID)
    assert task is not None
    reference = task.reference.read_text(encoding="utf-8")
    data = _run_json(_answers(tmp_path, reference), capsys)
    q = data["questions"][0]
    assert q["question_id"] == QID and q["answer"] == PROSE
    assert q["code"] == reference  # read relative to the answers file
    assert q["tests"]["status"] == "passed" and q["tests"]["hidden"] is True
    criteria = {c["id"]: c for c in q["grade"]["criteria"]}
    assert criteria["correctness"]["score"] == 4
    assert q["grade"]["tests"] == q["tests"]
    sid = data["session_id"]

    assert main(["export", sid, "--format", "md"]) == 0
    md = capsys.readouterr().out
    total = q["tests"]["total"]
    assert "def sliding_window_attention" in md and f"Hidden tests: {total}/{total} passed" in md
    assert "Correctness (hidden tests)" in md
    assert main(["export", sid, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert '<pre class="code"><code>' in html and "def sliding_window_attention" in html
    out = tmp_path / "s.json"
    assert main(["export", sid, "--format", "json", "-o", str(out)]) == 0
    capsys.readouterr()
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["questions"][0]["code"] == reference
    answer = next(e for e in exported["events"] if e["type"] == "answer_received")
    assert answer["code"] == reference
    # an import of the export is the same session, code and test run included
    assert main(["delete", sid, "--yes"]) == 0
    assert main(["import", str(out)]) == 0
    capsys.readouterr()
    assert main(["show", sid, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["questions"][0]
    assert shown["code"] == reference and shown["tests"] == q["tests"]


def test_rescore_runs_the_hidden_tests_again(
    services: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    task = load_task(QID)
    assert task is not None
    mutant = (task.directory / "mutants" / "mask_wrong_direction.py").read_text(encoding="utf-8")
    data = _run_json(_answers(tmp_path, mutant), capsys)
    sid, before = data["session_id"], data["questions"][0]
    assert before["tests"]["status"] == "failed"
    from interviewer.judge import correctness

    runs: list[str] = []
    real = correctness.hidden_tests

    async def counted(question_id: str, code: str, **kw: object) -> object:
        runs.append(code)
        return await real(question_id, code, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(correctness, "hidden_tests", counted)
    assert main(["rescore", sid, "--json"]) == 0
    change = json.loads(capsys.readouterr().out)["changes"][0]
    assert runs == [mutant]  # the stored code, run again
    assert change["criteria"]["correctness"]["old"] == change["criteria"]["correctness"]["new"] < 4
    assert change["new"] == pytest.approx(before["grade"]["overall"], abs=0.1)


def test_code_only_answer_is_an_answer_not_a_skip(
    services: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = load_task(QID)
    assert task is not None
    f = _answers(tmp_path, task.reference.read_text(encoding="utf-8"), answer="")
    q = _run_json(f, capsys)["questions"][0]
    assert q["grade"] is not None and q["tests"]["status"] == "passed"
    assert not {"empty", "too_short", "keyword_stuffing", "padding"} & set(q["grade"]["flags"])


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "no such file"),
        (lambda d: (d / "src").mkdir() or (d / "src" / "solution.py").write_bytes(b"\xff\xfe x"), "not UTF-8"),
        (lambda d: (d / "src").mkdir() or (d / "src" / "solution.py").write_bytes(b"a\x00b"), "NUL byte"),
        (lambda d: (d / "src").mkdir() or (d / "src" / "solution.py").write_text("  \n"), "is empty"),
    ],
)
def test_bad_code_file_is_a_clear_error(tmp_path: Path, setup, message: str) -> None:
    f = tmp_path / "answers.yaml"
    f.write_text(f"- question: {QID}\n  answer: hi\n  code_file: src/solution.py\n", encoding="utf-8")
    setup(tmp_path)
    with pytest.raises(AnswersFileError, match=rf"^{f}:3: entry 1: .*{message}"):
        load_answers(f)


def test_bad_code_file_exits_2_and_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "answers.yaml"
    f.write_text(f"- question: {QID}\n  answer: hi\n  code_file: [1, 2]\n", encoding="utf-8")
    assert main(["run", "--answers", str(f)]) == 2
    assert f"{f}:3: entry 1: 'code_file' must be a path" in capsys.readouterr().err


def test_the_follow_up_decision_reads_the_code(services, tmp_path: Path) -> None:
    """The code counts as said: the follow-up decision sees it beside the prose (a code-only answer
    must not be probed for what its code shows), and the graded transcript keeps it apart."""
    import asyncio

    from interviewer.agent.headless import ScriptedAnswers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.llm.fake import FakeLLM
    from interviewer.services import Services

    task = load_task(QID)
    assert task is not None
    reference = task.reference.read_text(encoding="utf-8")
    llm = FakeLLM(default={"reasoning": "covered", "action": "move_on"})
    wired = Services(services.settings, llm=llm)
    source = ScriptedAnswers(load_answers(_answers(tmp_path, reference, answer="")))
    plan = InterviewPlan(count=1, lang="en", forced=source.forced)
    session = asyncio.run(wired.interviewer(plan).run(source))
    decision = next(c for c in llm.calls if c["purpose"] == "follow_up")
    assert "def sliding_window_attention" in str(decision["messages"][-1]["content"])
    answer = next(t for t in session.turns if t.kind == "answer")
    assert answer.text == "" and answer.code == reference
    assert session.grades[QID].tests["status"] == "passed"  # type: ignore[index]


def test_grade_with_a_code_file(services: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    task = load_task(QID)
    assert task is not None
    scores = {}
    for name, source in [
        ("reference", task.reference),
        ("mutant", task.directory / "mutants" / "off_by_one_window.py"),
    ]:
        f = tmp_path / f"{name}.py"
        f.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        assert main(["grade", "--question", QID, "--answer", PROSE, "--code-file", str(f), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        scores[name] = next(c["score"] for c in data["criteria"] if c["id"] == "correctness")
        assert data["tests"]["hidden"] is True
    assert scores["reference"] == 4 and scores["mutant"] < 4
    assert main(["grade", "--question", QID, "--answer", PROSE, "--code-file", str(tmp_path / "nope.py")]) == 2
    assert "cannot read" in capsys.readouterr().err
