"""The test harness that runs *inside* the sandbox process (``python -I -S harness.py RESULT_FD``).

Standalone on purpose: it imports nothing from ``interviewer`` so the sandbox needs neither the app
nor its dependencies. It reads its configuration as JSON on stdin, sets its resource limits,
imports the task's requirements, installs a guard (an audit hook) and only then imports the
candidate's ``solution.py`` and runs every ``test_*`` function of the test source in definition
order. Each outcome is written as one JSON line to RESULT_FD (a file outside the sandbox's working
directory), so a run cut short by a timeout or a kill still tells which tests passed and which one
was running.

The guard turns the most common hostile actions into a PermissionError: network sockets,
subprocesses and forks, signals to other processes, ctypes, reading outside the allowed roots
(the sandbox directory, Python's own directories, the import path) and writing outside the
sandbox directory. Python audit hooks are not a security boundary against code written to defeat
them; the process, its resource limits and (where available) Linux namespaces are.
"""

from __future__ import annotations

import ast
import json
import os
import resource
import sys
import time
import traceback
from typing import Any

MESSAGE_CAP = 2000

_BLOCKED = frozenset(
    {
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "signal.pthread_kill",
        "subprocess.Popen",
        "pty.spawn",
        "socket.__new__",
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.dlsym/handle",
        "ctypes.cdata",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "sys._current_frames",
        "os.symlink",
        "os.link",
        "webbrowser.open",
    }
)
_WRITE_PATH_EVENTS = frozenset(
    {
        "os.remove",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.utime",
        "os.setxattr",
        "os.removexattr",
        "os.chflags",
        "shutil.rmtree",
    }
)
_READ_PATH_EVENTS = frozenset({"os.listdir", "os.scandir", "os.chdir", "glob.glob", "os.walk"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _limits(config: dict[str, Any]) -> None:
    cpu = int(config["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mem = int(config["memory_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))
    fsize = int(config["fsize_mb"]) << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(config["nproc"])
    _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    if hard == resource.RLIM_INFINITY or hard > nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _make_guard(box: str, read_roots: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """An audit hook enforcing the rules in the module docstring; everything it uses is immutable."""
    write_roots = (box,)
    realpath = os.path.realpath
    fspath = os.fsdecode

    def under(path: object, roots: tuple[str, ...]) -> bool:
        if isinstance(path, int):
            return True
        try:
            resolved = realpath(fspath(path))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return any(resolved == root or resolved.startswith(root + os.sep) for root in roots)

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if event in _BLOCKED:
            raise PermissionError(f"sandbox: {event} is not allowed")
        if event == "open":
            path, _mode, flags = args
            writing = isinstance(flags, int) and bool(flags & _WRITE_FLAGS)
            if isinstance(_mode, str) and any(c in _mode for c in "wax+"):
                writing = True
            if not under(path, write_roots if writing else read_roots):
                raise PermissionError(f"sandbox: {'writing' if writing else 'reading'} {path!r} is not allowed")
        elif event in _WRITE_PATH_EVENTS:
            if args and not under(args[0], write_roots):
                raise PermissionError(f"sandbox: {event} on {args[0]!r} is not allowed")
        elif event == "os.rename":
            if not (under(args[0], write_roots) and under(args[1], write_roots)):
                raise PermissionError(f"sandbox: {event} outside the sandbox is not allowed")
        elif event in _READ_PATH_EVENTS and args and args[0] is not None and not under(args[0], read_roots):
            raise PermissionError(f"sandbox: {event} on {args[0]!r} is not allowed")

    return guard


def _describe(exc: BaseException) -> str:
    """The assertion message, or ``Type: message (file:line in function)`` for other exceptions,
    pointing at the deepest frame of the candidate's code when there is one."""
    if isinstance(exc, AssertionError) and str(exc):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
        own = [f for f in frames if os.path.basename(f.filename) in ("solution.py", "support.py")]
        where = [] if isinstance(exc, SyntaxError) else (own or frames)[-1:]
        for f in where:
            text += f" ({os.path.basename(f.filename)}:{f.lineno} in {f.name})"
    return text[:MESSAGE_CAP]


def _unprovided(exc: BaseException, requires: list[str]) -> str:
    """When ``solution.py`` failed on one of its own import lines, naming a module this task does not
    provide (neither the standard library nor the task's requirements: ``import torch`` in a NumPy
    task, whose native libraries the guard will not load), what to do about it; else ''."""
    lines = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.basename(f.filename) == "solution.py"]
    if not lines or not lines[-1].line:
        return ""
    try:
        tree = ast.parse(lines[-1].line.strip())
    except SyntaxError:
        return ""
    names = [
        (a.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom) and not (isinstance(node, ast.ImportFrom) and node.level)
        for a in (node.names if isinstance(node, ast.Import) else node.names[:1])
    ]
    missing = [n for n in names if n and n not in sys.stdlib_module_names and n not in requires]
    if not missing:
        return ""
    has = " and ".join([*requires, "the standard library"])
    return f" — {missing[0]} is not available to this task: it runs with {has} only"


def main() -> int:
    out = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8", buffering=1)

    def emit(**record: object) -> None:
        out.write(json.dumps(record) + "\n")
        out.flush()

    config = json.loads(sys.stdin.read())
    sys.stdin.close()
    box = os.path.realpath(config["box"])
    sys.path[:0] = [box, *config["sys_path"]]
    sys.dont_write_bytecode = True
    _limits(config)

    started = time.perf_counter()
    for name in config["requires"]:
        __import__(name)
    import math  # noqa: F401  (tests use these; import them before the guard narrows reads)
    import tracemalloc  # noqa: F401

    setup_s = time.perf_counter() - started
    tests_code = compile(config["tests_source"], config["tests_name"] + ".py", "exec")
    read_roots = tuple(
        sorted(
            {
                os.path.realpath(p)
                for p in (*sys.path, sys.prefix, sys.base_prefix, sys.exec_prefix, *config["read_roots"])
                if p
            }
        )
    )
    sys.addaudithook(_make_guard(box, read_roots))
    emit(event="setup", setup_s=setup_s)

    try:
        __import__("solution")
    except BaseException as exc:
        message = _describe(exc) + _unprovided(exc, list(config["requires"]))
        emit(event="error", where="solution", message=message[:MESSAGE_CAP])
        return 0
    namespace: dict[str, object] = {"__name__": config["tests_name"]}
    try:
        exec(tests_code, namespace)
    except BaseException as exc:
        emit(event="error", where="tests", message=_describe(exc))
        return 0
    tests = [(k, v) for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    emit(event="tests", names=[k for k, _ in tests])
    for name, func in tests:
        emit(event="start", test=name)
        t0 = time.perf_counter()
        try:
            func()
        except BaseException as exc:
            emit(event="result", test=name, passed=False, message=_describe(exc), time_s=time.perf_counter() - t0)
        else:
            emit(event="result", test=name, passed=True, message="", time_s=time.perf_counter() - t0)
    emit(event="done")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
