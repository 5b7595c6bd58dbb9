"""Shared fixtures: an isolated app home per test, no network beyond loopback, a prebuilt index,
a scripted fake LLM."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

for _var in (
    "INTERVIEWER_MODEL",
    "INTERVIEWER_JUDGE_MODEL",
    "INTERVIEWER_API_BASE",
    "INTERVIEWER_CHROMA_URL",
    "INTERVIEWER_BANK",
    "INTERVIEWER_EMBEDDER",
):
    os.environ.pop(_var, None)
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["INTERVIEWER_LANG"] = "en"


def _is_loopback(address: object) -> bool:
    if isinstance(address, str | bytes):
        return True  # unix socket path
    if not (isinstance(address, tuple) and address):
        return False
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OSError(f"network access to {address!r} is blocked in tests (loopback only)")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OSError(f"network access to {address!r} is blocked in tests (loopback only)")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _guarded_connect  # type: ignore[method-assign, assignment]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign, assignment]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own INTERVIEWER_HOME: nothing touches the user's files."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the note index built once per test session (from the bundled embedding cache)."""
    home = tmp_path_factory.mktemp("indexed-home")
    old = os.environ.get("INTERVIEWER_HOME")
    os.environ["INTERVIEWER_HOME"] = str(home)
    try:
        from interviewer.config import load_settings
        from interviewer.services import Services

        Services(load_settings()).retriever.ensure_index()
    finally:
        if old is None:
            os.environ.pop("INTERVIEWER_HOME", None)
        else:
            os.environ["INTERVIEWER_HOME"] = old
    return home


@pytest.fixture
def indexed_home(built_index: Path, isolated_home: Path) -> Path:
    """This test's home, holding a copy of the prebuilt index."""
    shutil.copytree(built_index / "index", isolated_home / "index")
    return isolated_home


@pytest.fixture
def services(indexed_home: Path) -> Iterator[object]:
    from interviewer.config import load_settings
    from interviewer.services import Services

    yield Services(load_settings())


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The offline judge (its embedder, no note index: references are not what is tested here),
    one per test module."""
    old = os.environ.get("INTERVIEWER_HOME")
    os.environ["INTERVIEWER_HOME"] = str(tmp_path_factory.mktemp("home"))
    try:
        from interviewer.config import load_settings
        from interviewer.judge.offline import OfflineJudge
        from interviewer.services import Services

        yield OfflineJudge(Services(load_settings()).retriever.embedder, None)
    finally:
        if old is None:
            os.environ.pop("INTERVIEWER_HOME", None)
        else:
            os.environ["INTERVIEWER_HOME"] = old


@pytest.fixture
def fake_llm():
    from interviewer.llm.fake import FakeLLM

    return FakeLLM
