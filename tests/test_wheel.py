"""The built wheel carries prompts/ and data/ and works outside the repository."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("interviewer-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("interviewer/_bundled/prompts/en/") for n in names)
    assert any(n.startswith("interviewer/_bundled/data/questions/") for n in names)
    assert any(n.startswith("interviewer/_bundled/data/notes/") for n in names)
    assert any(n.startswith("interviewer/_bundled/evals/datasets/") for n in names)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    # Dependencies come from this environment (read-only, via a .pth), the app itself from the wheel only.
    pure = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(pure) / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["INTERVIEWER_HOME"] = str(tmp_path / "home")
    out = subprocess.run(
        [str(venv / "bin" / "interviewer"), "bank", "list", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert '"id": "llm-rope-vs-alibi"' in out.stdout
    where = subprocess.run(
        [str(py), "-c", "import interviewer, sys; print(interviewer.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert str(venv) in where  # not the checkout
