"""Hostile submissions are contained: each runs in the real sandbox against a real task and the test
checks what the candidate's code could NOT do (touch files outside, read secrets, reach the network,
leave processes behind), plus that the run is reported clearly. Both isolation modes are exercised:
Linux namespaces (where ``unshare`` works) and the guard alone."""

from __future__ import annotations

import asyncio
import os
import socket
import textwrap
import threading
import time
from pathlib import Path

import pytest

from interviewer.coding import load_task, run_tests, run_tests_async, sandbox

TASK = "code-sliding-window-attention"
REFERENCE = (
    (Path(__file__).resolve().parents[2] / "data" / "coding" / TASK / "reference.py")
    .read_text()
    .replace("from __future__ import annotations\n", "")
)


@pytest.fixture(params=["namespaces", "guard"])
def isolation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "namespaces" and not sandbox.namespaces_available():
        pytest.skip("unprivileged namespaces are not available here")
    if request.param == "guard":
        monkeypatch.setattr(sandbox, "namespaces_available", lambda: False)
    return str(request.param)


@pytest.fixture
def task():
    loaded = load_task(TASK)
    assert loaded is not None
    return loaded


def _hostile(body: str) -> str:
    """A submission that does ``body`` at import time (printing what it managed) and then behaves."""
    return (
        "import os, sys\nprint('HOME=' + os.environ.get('HOME', ''), flush=True)\n"
        + textwrap.dedent(body)
        + "\n"
        + REFERENCE
    )


def _home_of(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("HOME="):
            return line[5:]
    raise AssertionError(f"the submission did not start: {output[:500]!r}")


def _processes_with(needle: bytes) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if needle in Path(f"/proc/{entry}/environ").read_bytes():
                    found.append(int(entry))
            except OSError:
                continue
    return found


def _assert_gone(output: str) -> None:
    home = _home_of(output)
    assert not Path(home).exists(), "the sandbox directory was not removed"
    assert _processes_with(f"HOME={home}\0".encode()) == [], "a sandboxed process outlived the run"


def test_infinite_loop_times_out(task, isolation):
    started = time.perf_counter()
    run = run_tests(task, _hostile("while True:\n    pass"), timeout_s=2)
    assert time.perf_counter() - started < 10
    assert run.status == "timeout", run.summary()
    assert "2 s" in run.detail and "wall-clock" in run.detail
    _assert_gone(run.output)


def test_infinite_loop_inside_a_test_names_the_test(task, isolation):
    code = _hostile("") + "\ndef sliding_window_attention(q, k, v, window):\n    while True:\n        pass\n"
    run = run_tests(task, code, timeout_s=2)
    assert run.status == "timeout"
    assert "during test_output_shape" in run.detail
    assert run.tests[0].name == "test_output_shape" and not run.tests[0].passed
    assert "did not finish" in run.tests[0].message
    assert all(t.message == "not run" for t in run.tests[1:])


def test_memory_bomb_is_capped(task, isolation):
    body = """
    hog = []
    try:
        while True:
            hog.append(bytearray(16 << 20))
    except MemoryError:
        print('memory error after', len(hog) * 16, 'MB', flush=True)
        del hog
    """
    run = run_tests(task, _hostile(body))
    assert "memory error after" in run.output
    assert run.peak_mb < task.memory_mb + 200, f"peak {run.peak_mb} MB beyond the {task.memory_mb} MB limit"
    assert run.status == "passed"  # contained: the code recovered and the tests still ran
    _assert_gone(run.output)


def test_memory_bomb_without_recovery_is_reported(task, isolation):
    run = run_tests(task, _hostile("hog = [bytearray(16 << 20) for _ in range(10_000)]"))
    assert run.status == "error"
    assert "MemoryError" in run.detail and "memory limit" in run.detail
    assert run.peak_mb < task.memory_mb + 200


def test_fork_bomb_is_refused(task, isolation):
    body = """
    import subprocess, multiprocessing
    for attempt in (lambda: os.fork(), lambda: subprocess.Popen(['sleep', '60']),
                    lambda: os.system('sleep 60 &'), lambda: os.posix_spawn('/bin/sleep', ['sleep', '60'], {}),
                    lambda: multiprocessing.Process(target=print).start()):
        try:
            pid = attempt()
            if pid == 0:
                while True:
                    os.fork()
            print('SPAWNED', pid, flush=True)
        except Exception as exc:
            print('refused:', type(exc).__name__, exc, flush=True)
    """
    run = run_tests(task, _hostile(body))
    assert "SPAWNED" not in run.output, run.output
    assert run.output.count("refused:") == 5, run.output
    assert run.status == "passed"
    _assert_gone(run.output)


def test_huge_output_is_cut_and_reported(task, isolation):
    run = run_tests(task, _hostile("while True:\n    print('x' * 10_000)"))
    assert run.status == "error", run.summary()
    assert "File too large" in run.detail and "size limit (16 MB) was reached" in run.detail
    assert len(run.output) < 25_000
    assert "characters cut" in run.output


def test_user_files_and_environment_stay_private(task, isolation, tmp_path, monkeypatch):
    home = tmp_path / "user-home"
    home.mkdir()
    secret_file = home / ".netrc"
    secret_file.write_text("machine api password FILE-SECRET-123")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-ENV-SECRET-456")
    monkeypatch.setenv("INTERVIEWER_MODEL", "openai/ENV-SECRET-789")
    body = f"""
    print('ENV', dict(os.environ), flush=True)
    for path in ({str(secret_file)!r}, '/proc/1/environ', '/proc/{os.getpid()}/environ', {str(home)!r}):
        try:
            if os.path.isdir(path):
                print('GOT-LIST', os.listdir(path), flush=True)
            else:
                print('GOT-FILE', open(path, 'rb').read()[:4000], flush=True)
        except Exception as exc:
            print('refused:', type(exc).__name__, flush=True)
    """
    run = run_tests(task, _hostile(body))
    text = run.output + "".join(t.message for t in run.tests) + run.detail
    for secret in ("FILE-SECRET-123", "sk-ENV-SECRET-456", "ENV-SECRET-789", "OPENAI_API_KEY", "INTERVIEWER_"):
        assert secret not in text, f"{secret} leaked into the run's output"
    assert "GOT-FILE" not in run.output and "GOT-LIST" not in run.output, run.output
    assert run.status == "passed"


def test_writing_outside_the_sandbox_is_refused(task, isolation, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    target = tmp_path / "created.txt"
    body = f"""
    import shutil
    actions = [
        lambda: open({str(target)!r}, 'w').write('pwned'),
        lambda: open({str(victim)!r}, 'a').write('pwned'),
        lambda: os.remove({str(victim)!r}),
        lambda: os.rename({str(victim)!r}, 'stolen.txt'),
        lambda: shutil.rmtree({str(tmp_path)!r}),
        lambda: os.symlink({str(victim)!r}, 'link.txt'),
        lambda: os.open({str(target)!r}, os.O_CREAT | os.O_WRONLY),
        lambda: os.chmod({str(victim)!r}, 0o777),
    ]
    for act in actions:
        try:
            act()
            print('DONE', flush=True)
        except Exception as exc:
            print('refused:', type(exc).__name__, flush=True)
    open('inside.txt', 'w').write('fine')
    print('inside ok', flush=True)
    """
    before = victim.stat()
    present = sorted(p.name for p in tmp_path.iterdir())
    run = run_tests(task, _hostile(body))
    assert "DONE" not in run.output, run.output
    assert "inside ok" in run.output
    assert victim.read_text() == "original"
    assert victim.stat().st_mode == before.st_mode
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == present
    _assert_gone(run.output)


def test_no_network(task, isolation):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []

    def accept() -> None:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    body = f"""
    import socket
    for attempt in (lambda: socket.create_connection(('127.0.0.1', {port}), timeout=2),
                    lambda: socket.getaddrinfo('example.com', 80),
                    lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port}))):
        try:
            attempt()
            print('CONNECTED', flush=True)
        except Exception as exc:
            print('refused:', type(exc).__name__, flush=True)
    """
    run = run_tests(task, _hostile(body))
    thread.join()
    server.close()
    assert "CONNECTED" not in run.output, run.output
    assert accepted == []
    assert run.status == "passed"


async def test_async_run_never_blocks_the_event_loop_and_cancels(task, isolation):
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    code = _hostile("while True:\n    pass")
    run = await run_tests_async(task, code, timeout_s=1.5)
    assert run.status == "timeout"
    assert ticks > 50, f"the event loop ticked only {ticks} times in 1.5 s"

    pending = asyncio.create_task(run_tests_async(task, code, timeout_s=30))
    await asyncio.sleep(1.0)
    pending.cancel()
    started = time.perf_counter()
    with pytest.raises(asyncio.CancelledError):
        await pending
    assert time.perf_counter() - started < 1
    ticking.cancel()
    await asyncio.sleep(0.3)
    assert _processes_with(b"interviewer-code-") == [] or all(
        b"HOME=" not in Path(f"/proc/{p}/environ").read_bytes() for p in _processes_with(b"interviewer-code-")
    )
