"""`interviewer code show|test`: print a coding task and write its starter; run its tests on a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interviewer.cli.output import fail, print_json, say


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    code = sub.add_parser("code", help="coding tasks: show a task, run its tests on your code")
    csub = code.add_subparsers(dest="code_cmd", required=True)
    p = csub.add_parser("show", help="print a task's statement and write its starter code")
    p.add_argument("id")
    p.add_argument("--lang", choices=["zh", "en"])
    p.add_argument("--out", type=Path, help="write the starter here (default: ./<id>.py; never overwrites)")
    p.set_defaults(func=cmd_show)
    p = csub.add_parser("test", help="run a task's tests on FILE (exit 0 all pass, 1 failures, 2 bad input)")
    p.add_argument("id")
    p.add_argument("file", type=Path)
    p.add_argument("--hidden", action="store_true", help="run the hidden (grading) tests")
    p.add_argument("--timeout", type=float, help="wall-clock limit in seconds (default: the task's)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_test)


def _task(question_id: str):  # type: ignore[no-untyped-def]
    from interviewer.coding import TaskError, load_task, task_ids

    try:
        task = load_task(question_id)
    except TaskError as exc:
        fail(str(exc))
    if task is None:
        fail(f"no coding task for {question_id!r} (tasks: {', '.join(task_ids())})")
    return task


def cmd_show(args: argparse.Namespace) -> int:
    task = _task(args.id)
    if args.lang:
        lang = args.lang
    else:
        from interviewer.config import load_settings

        lang = load_settings().lang
    out: Path = args.out or Path(f"{task.question_id}.py")
    say(task.statement.get(lang) or task.statement["en"])
    if task.support is not None:
        say(f"\n# support.py (provided; import it)\n\n{task.support}")
    if out.exists() or out.is_symlink():
        say(f"{out} exists: left as it is (the starter was not written)", file=sys.stderr)
        return 0
    try:
        out.write_text(task.starter, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: {exc.strerror or exc}")
    say(
        f"starter written to {out}; run the public tests with: interviewer code test {task.question_id} {out}",
        file=sys.stderr,
    )
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    from interviewer.coding import run_tests

    task = _task(args.id)
    file: Path = args.file
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        code = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")
    except OSError as exc:
        fail(f"{file}: {exc.strerror or exc}")
    if args.timeout is not None and not 0 < args.timeout <= 600:
        fail("--timeout must be in (0, 600] seconds")
    run = run_tests(task, code, hidden=args.hidden, timeout_s=args.timeout)
    if args.json:
        print_json(run.public())
    else:
        kind = "hidden" if run.hidden else "public"
        for t in run.tests:
            mark = "PASS" if t.passed else "FAIL"
            say(f"{mark}  {t.name}" + (f"\n      {t.message}" if t.message and not t.passed else ""))
        if run.output.strip():
            say(f"\n--- output ---\n{run.output.rstrip()}\n--------------")
        say(f"{kind} tests {run.summary()}")
    if run.status == "skipped":
        return 2
    return 0 if run.status == "passed" else 1
