"""`interviewer code show|test` through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys

from interviewer.cli.main import main
from interviewer.coding import load_task


def test_show_prints_statement_and_writes_starter(tmp_path, capsys):
    out = tmp_path / "agent.py"
    assert main(["code", "show", "code-react-agent", "--lang", "en", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "A ReAct agent from scratch" in printed.out and "class ScriptedLLM" in printed.out
    assert out.read_text() == load_task("code-react-agent").starter  # type: ignore[union-attr]
    out.write_text("mine")
    assert main(["code", "show", "code-react-agent", "--out", str(out)]) == 0
    assert out.read_text() == "mine", "show must never overwrite the candidate's file"


def test_test_exit_codes_and_json(tmp_path, capsys):
    task = load_task("code-rag-framework")
    assert task is not None
    good = tmp_path / "good.py"
    good.write_text(task.reference.read_text())
    assert main(["code", "test", "code-rag-framework", str(good), "--hidden", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "passed" and data["hidden"] is True and data["passed"] == data["total"] == 8
    bad = tmp_path / "bad.py"
    bad.write_text((task.directory / "mutants" / "no_refusal.py").read_text())
    assert main(["code", "test", "code-rag-framework", str(bad), "--hidden"]) == 1
    text = capsys.readouterr().out
    assert "FAIL  test_refuses_without_calling_the_llm" in text and "hidden tests failed: 7/8" in text


def test_bad_input_exits_2(tmp_path, capsys):
    assert main(["code", "test", "code-nope", str(tmp_path / "x.py")]) == 2
    assert "no coding task for 'code-nope'" in capsys.readouterr().err
    assert main(["code", "test", "code-rag-framework", str(tmp_path / "missing.py")]) == 2
    binary = tmp_path / "bin.py"
    binary.write_bytes(b"\xff\xfe\x00")
    assert main(["code", "test", "code-rag-framework", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_real_process_runs_public_tests(tmp_path):
    task = load_task("code-sliding-window-attention")
    assert task is not None
    file = tmp_path / "sol.py"
    file.write_text(task.reference.read_text())
    done = subprocess.run(
        [sys.executable, "-m", "interviewer", "code", "test", task.question_id, str(file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "public tests passed: 4/4" in done.stdout


def test_bank_validate_reports_a_failing_reference_and_missing_files(tmp_path, capsys):
    import shutil

    from interviewer.coding import tasks_dir

    coding = tmp_path / "coding"
    shutil.copytree(tasks_dir() / "code-rag-framework", coding / "code-rag-framework")
    shutil.copytree(tasks_dir() / "code-react-agent", coding / "code-react-agent")
    mutant = coding / "code-rag-framework" / "mutants" / "no_refusal.py"
    (coding / "code-rag-framework" / "reference.py").write_text(mutant.read_text())
    (coding / "code-react-agent" / "statement.zh.md").unlink()
    assert main(["bank", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{coding / 'code-rag-framework' / 'reference.py'}: hidden tests failed: 7/8" in out
    assert "test_refuses_without_calling_the_llm" in out
    assert f"{coding / 'code-react-agent' / 'statement.zh.md'}: missing" in out
