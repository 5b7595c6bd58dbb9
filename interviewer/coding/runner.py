"""Run a task's public or hidden tests against a submission in the sandbox and report a TestRun."""

from __future__ import annotations

import asyncio
import re
import signal
from typing import Any

from interviewer.coding.results import DETAIL_CAP, MESSAGE_CAP, OUTPUT_CAP, TestCase, TestRun, cap
from interviewer.coding.sandbox import FSIZE_MB, Sandbox, SandboxResult
from interviewer.coding.task import CodingTask, missing_requirements

MAX_CODE_CHARS = 200_000
READ_ROOTS = (
    "/dev/null",
    "/dev/urandom",
    "/proc/self",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
    "/etc/localtime",
    "/usr/share/zoneinfo",
)


def run_tests(task: CodingTask, code: str, *, hidden: bool = False, timeout_s: float | None = None) -> TestRun:
    """Run the public (or hidden) tests of ``task`` against ``code`` in a fresh sandbox. Never raises
    for anything the code does; a missing requirement (torch) gives a ``skipped`` run with the
    install command."""
    prepared = _prepare(task, code, hidden=hidden, timeout_s=timeout_s)
    if isinstance(prepared, TestRun):
        return prepared
    return _report(task, prepared.run(), hidden=hidden, timeout_s=prepared.timeout_s)


async def run_tests_async(
    task: CodingTask, code: str, *, hidden: bool = False, timeout_s: float | None = None
) -> TestRun:
    """:func:`run_tests` in a worker thread, so the event loop never blocks; cancelling the awaiting
    task kills the sandbox at once."""
    prepared = _prepare(task, code, hidden=hidden, timeout_s=timeout_s)
    if isinstance(prepared, TestRun):
        return prepared
    try:
        result = await asyncio.shield(asyncio.to_thread(prepared.run))
    except asyncio.CancelledError:
        prepared.kill()
        raise
    return _report(task, result, hidden=hidden, timeout_s=prepared.timeout_s)


def _prepare(task: CodingTask, code: str, *, hidden: bool, timeout_s: float | None) -> Sandbox | TestRun:
    missing = missing_requirements(task)
    if missing:
        return TestRun(status="skipped", detail=task.install_hint(missing), hidden=hidden, question_id=task.question_id)
    if len(code) > MAX_CODE_CHARS:
        return TestRun(
            status="error",
            detail=f"the submission is {len(code)} characters; the limit is {MAX_CODE_CHARS}",
            hidden=hidden,
            question_id=task.question_id,
        )
    files = {"solution.py": code}
    support = task.support
    if support is not None:
        files["support.py"] = support
    tests_name = "tests_hidden" if hidden else "tests_public"
    config: dict[str, Any] = {
        "requires": list(task.requires),
        "tests_source": task.tests_source(hidden),
        "tests_name": tests_name,
        "read_roots": list(READ_ROOTS),
    }
    limit = timeout_s if timeout_s is not None else task.timeout_s
    return Sandbox(files, config, timeout_s=limit, memory_mb=task.memory_mb)


def _report(task: CodingTask, result: SandboxResult, *, hidden: bool, timeout_s: float) -> TestRun:
    memory_mb = task.memory_mb
    names: list[str] = []
    outcomes: dict[str, TestCase] = {}
    running: str | None = None
    error: dict[str, Any] | None = None
    setup_s = 0.0
    done = False
    for record in result.records:
        event = record.get("event")
        if event == "setup":
            setup_s = float(record.get("setup_s") or 0.0)
        elif event == "tests":
            names = [str(n) for n in record.get("names") or []]
        elif event == "start":
            running = str(record.get("test"))
        elif event == "result":
            name = str(record.get("test"))
            outcomes[name] = TestCase(
                name=name,
                passed=bool(record.get("passed")),
                message=cap(str(record.get("message") or ""), MESSAGE_CAP),
                time_s=float(record.get("time_s") or 0.0),
            )
            running = None
        elif event == "error":
            error = record
        elif event == "done":
            done = True

    status, detail = _verdict(result, error, done, running, timeout_s)
    detail = _limit_hint(detail, list(outcomes.values()), memory_mb)
    detail = _interface_hint(detail, task)
    tests = []
    for name in names:
        if name in outcomes:
            tests.append(outcomes[name])
        elif name == running:
            tests.append(TestCase(name=name, passed=False, message=f"did not finish: {detail}"))
        else:
            tests.append(TestCase(name=name, passed=False, message="not run"))
    passed = sum(t.passed for t in tests)
    if status == "failed" and passed == len(tests):
        status = "passed"
    return TestRun(
        status=status,  # type: ignore[arg-type]
        tests=tuple(tests),
        passed=passed,
        total=len(names),
        time_s=result.time_s,
        peak_mb=result.peak_mb,
        output=cap(result.output, OUTPUT_CAP),
        detail=cap(detail, DETAIL_CAP),
        hidden=hidden,
        setup_s=setup_s,
        sandbox=result.isolation,
        question_id=task.question_id,
    )


def _verdict(
    result: SandboxResult, error: dict[str, Any] | None, done: bool, running: str | None, timeout_s: float
) -> tuple[str, str]:
    during = f" during {running}" if running else ""
    if result.cancelled:
        return "killed", "stopped: the run was cancelled"
    if result.timed_out:
        return "timeout", f"stopped after {timeout_s:g} s (wall-clock limit){during}"
    if error is not None:
        where = "your code failed to import" if error.get("where") == "solution" else "the tests failed to load"
        return "error", f"{where}: {error.get('message', '')}"
    if result.signal is not None:
        return "killed", _signal_reason(result.signal, timeout_s) + during
    if done:
        return "failed", ""
    if result.returncode not in (0, None):
        return "error", f"the process exited with code {result.returncode}{during}"
    return "error", f"the process ended before the tests finished{during}"


def _limit_hint(detail: str, outcomes: list[TestCase], memory_mb: int) -> str:
    """Say which sandbox limit an error came from, when a MemoryError or a "File too large" shows it."""
    texts = [detail, *(t.message for t in outcomes if not t.passed)]
    hints = []
    if any("MemoryError" in t for t in texts):
        hints.append(f"the memory limit ({memory_mb} MB) was reached")
    if any("[Errno 27]" in t for t in texts):
        hints.append(f"the output or file size limit ({FSIZE_MB} MB) was reached")
    if not hints:
        return detail
    return f"{detail} — {'; '.join(hints)}" if detail else "; ".join(hints)


_UNDEFINED = re.compile(r"cannot import name '(\w+)' from 'solution'")


def _interface_hint(detail: str, task: CodingTask) -> str:
    """When the tests could not import a name from the solution (the code defines ``react`` where the
    task's tests call ``run_agent``), which name the task asks for and where its interface is written."""
    found = _UNDEFINED.search(detail)
    if not found:
        return detail
    return (
        f"{detail} — the tests call {found.group(1)}, with the signature of the task's starter code "
        f"(interviewer code show {task.question_id} writes it)"
    )


def _signal_reason(sig: int, timeout_s: float) -> str:
    if sig == signal.SIGXCPU:
        return f"killed: CPU time limit ({int(timeout_s) + 2} s) reached"
    if sig == signal.SIGXFSZ:
        return f"killed: output or file size limit ({FSIZE_MB} MB) reached"
    if sig == signal.SIGKILL:
        return "killed (SIGKILL): most likely the memory limit"
    if sig == signal.SIGSEGV:
        return "crashed: segmentation fault (e.g. unbounded recursion in C code)"
    try:
        name = signal.Signals(sig).name
    except ValueError:
        name = str(sig)
    return f"killed by signal {name}"
