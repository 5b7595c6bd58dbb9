"""Run untrusted Python in a contained process.

Layers, outermost first:

- **Namespaces** (Linux, where unprivileged user namespaces are allowed — probed once with
  ``unshare``): a user namespace, a network namespace with no interfaces (no network at all) and a
  PID namespace whose init is the sandboxed interpreter, so every process it starts dies with it.
  Elsewhere the network is refused by the guard in :mod:`interviewer.coding.harness`.
- **A fresh process group** killed as a whole on the wall-clock timeout or on cancellation.
- **Resource limits** set by the harness before any candidate code: CPU seconds, data segment
  (memory), file size, process count, no core files.
- **A scrubbed environment**: no API keys, no ``INTERVIEWER_*``; ``HOME`` and ``TMPDIR`` point into a
  fresh temporary working directory that is removed afterwards; ``python -I -S`` with the import
  path passed explicitly (the venv's site-packages, without the app's own checkout).
- **The guard** (an audit hook) described in the harness.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).with_name("harness.py")
FSIZE_MB = 16
NPROC = 64
OUTPUT_READ = 256 * 1024
SAFE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "TORCH_NUM_THREADS": "1",
}
_UNSHARE = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"]


@dataclass
class SandboxResult:
    """What came back from one sandboxed run; :mod:`interviewer.coding.runner` turns it into a TestRun."""

    records: list[dict[str, Any]]
    output: str
    returncode: int | None
    signal: int | None
    timed_out: bool
    cancelled: bool
    time_s: float
    peak_mb: float
    isolation: str
    extra: dict[str, Any] = field(default_factory=dict)


@functools.cache
def namespaces_available() -> bool:
    """Whether ``unshare`` can give us user, network and PID namespaces here (probed once)."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run([*_UNSHARE, "true"], capture_output=True, timeout=10, env=SAFE_ENV)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def import_path() -> list[str]:
    """The import path the sandbox gets: this interpreter's site-packages (numpy, torch, …), not the
    current directory nor the app's own source checkout."""
    import site

    checkout = str(Path(__file__).resolve().parents[2])
    wanted: list[str] = []
    for entry in [*site.getsitepackages(), *sys.path]:
        if not entry or entry in wanted or not os.path.isdir(entry):
            continue
        base = os.path.basename(entry.rstrip(os.sep))
        if base in ("site-packages", "dist-packages") and os.path.realpath(entry) != checkout:
            wanted.append(entry)
    return wanted


class Sandbox:
    """One run: ``files`` written into a fresh working directory, the harness started with
    ``config``; :meth:`run` blocks until it ends, :meth:`kill` (any thread) stops it."""

    def __init__(self, files: dict[str, str], config: dict[str, Any], *, timeout_s: float, memory_mb: int) -> None:
        self.files = files
        self.config = config
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    def kill(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._proc is not None:
                _kill_group(self._proc.pid)

    def run(self) -> SandboxResult:
        root = Path(tempfile.mkdtemp(prefix="interviewer-code-"))
        try:
            return self._run_in(root)
        finally:
            _remove(root)

    def _run_in(self, root: Path) -> SandboxResult:
        box = root / "box"
        box.mkdir(mode=0o700)
        for name, text in self.files.items():
            (box / name).write_text(text, encoding="utf-8")
        output_file = root / "output.txt"
        results_file = root / "results.jsonl"
        isolation = "namespaces" if namespaces_available() else "guard"
        config = {
            **self.config,
            "box": str(box),
            "sys_path": import_path(),
            "cpu_s": int(self.timeout_s) + 2,
            "memory_mb": self.memory_mb,
            "fsize_mb": FSIZE_MB,
            "nproc": NPROC,
        }
        env = {**SAFE_ENV, "HOME": str(box), "TMPDIR": str(box)}
        with open(output_file, "wb") as out, open(results_file, "wb") as res:
            argv = [sys.executable, "-I", "-S", str(HARNESS), str(res.fileno())]
            if isolation == "namespaces":
                argv = [*_UNSHARE, *argv]
            started = time.perf_counter()
            with self._lock:
                if self._cancelled:
                    return _empty(isolation, cancelled=True)
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=box,
                    env=env,
                    pass_fds=(res.fileno(),),
                    start_new_session=True,
                    close_fds=True,
                )
                self._proc = proc
        try:
            assert proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write(json.dumps(config).encode())
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
            status, rusage, timed_out = _wait(proc, started + self.timeout_s)
        finally:
            _kill_group(proc.pid)
        elapsed = time.perf_counter() - started
        returncode = os.waitstatus_to_exitcode(status)
        proc.returncode = returncode
        return SandboxResult(
            records=_records(results_file),
            output=_read_output(output_file).replace(f"{box}{os.sep}", ""),
            returncode=returncode if returncode >= 0 else None,
            signal=-returncode if returncode < 0 else None,
            timed_out=timed_out,
            cancelled=self._cancelled,
            time_s=elapsed,
            peak_mb=rusage.ru_maxrss / 1024 if rusage is not None else 0.0,
            isolation=isolation,
        )


def _wait(proc: subprocess.Popen[bytes], deadline: float) -> tuple[int, Any, bool]:
    """Reap ``proc`` with its resource usage (peak RSS), killing its group at ``deadline``."""
    delay = 0.002
    timed_out = False
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            return status, rusage, timed_out
        if not timed_out and time.perf_counter() >= deadline:
            timed_out = True
            _kill_group(proc.pid)
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _records(file: Path) -> list[dict[str, Any]]:
    records = []
    with open(file, "rb") as fh:
        for line in fh.read(4 << 20).splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                records.append(record)
    return records


def _read_output(file: Path) -> str:
    size = file.stat().st_size
    with open(file, "rb") as fh:
        if size <= OUTPUT_READ:
            data = fh.read()
            return data.decode("utf-8", "replace")
        head = fh.read(OUTPUT_READ // 2)
        fh.seek(size - OUTPUT_READ // 2)
        tail = fh.read()
    cut = size - len(head) - len(tail)
    return f"{head.decode('utf-8', 'replace')}\n… [{cut} bytes cut] …\n{tail.decode('utf-8', 'replace')}"


def _remove(root: Path) -> None:
    def retry(func: Any, path: str, _exc: Any) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            func(path)

    shutil.rmtree(root, onerror=retry)


def _empty(isolation: str, *, cancelled: bool) -> SandboxResult:
    return SandboxResult([], "", None, None, False, cancelled, 0.0, 0.0, isolation)
