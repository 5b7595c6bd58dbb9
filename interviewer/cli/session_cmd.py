"""Session commands: history, show, delete, export, import, rescore, progress."""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from interviewer.cli.common import resolve_session, services_from
from interviewer.cli.output import fail, print_json, say, warn

HISTORY_LIMIT = 200
"""Sessions `history` lists without --all."""
MIN_DELETE_PREFIX = 8
"""A shorter prefix of an id deletes only after a confirmation (or --yes)."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("history", help="list past sessions")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help=f"list every session (default: the {HISTORY_LIMIT} newest)")
    p.set_defaults(func=cmd_history)
    p = sub.add_parser("show", help="show one session with its grades")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("delete", help="delete a session")
    p.add_argument("id", help=f"the session id or a unique prefix of at least {MIN_DELETE_PREFIX} characters")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask, even for a shorter prefix")
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("export", help="export a session as Markdown, HTML or JSON")
    p.add_argument("id")
    p.add_argument("--format", default="md", help="md, html, json, or an installed plugin's format (default: md)")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite the --output file if it exists")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", help="import a session exported with --format json")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser(
        "rescore", help="grade a stored session again (coding answers: the hidden tests run again); old grades are kept"
    )
    p.add_argument("id")
    p.add_argument("--model", help="litellm model for the LLM judge ('' = offline)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rescore)
    p = sub.add_parser("progress", help="mastery per track and concept over time; what to practise next")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["zh", "en"])
    p.set_defaults(func=cmd_progress)


def _store_errors(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn store problems into clean CLI errors."""

    def wrapper(args: argparse.Namespace) -> int:
        from interviewer.store.db import StoreError, UnknownSession

        try:
            return int(func(args))
        except UnknownSession as exc:
            fail(f"unknown session id {exc.args[0]!r} (see `interviewer history`)")
        except StoreError as exc:
            fail(str(exc))

    wrapper.__doc__ = func.__doc__
    return wrapper


@_store_errors
def cmd_history(args: argparse.Namespace) -> int:
    services = services_from(args)
    rows = services.store.sessions(limit=-1)  # SQLite: no limit
    total = len(rows)
    if not args.all:
        rows = rows[:HISTORY_LIMIT]
    if args.json:
        print_json([r.public() for r in rows])
    else:
        if not rows:
            say("no sessions yet: start one with `interviewer` or `interviewer run --answers FILE`")
        for r in rows:
            score = "  —" if r.overall is None else f"{r.overall:>3.0f}"
            say(
                f"{r.id}  {r.started_at[:16].replace('T', ' ')}  {score}  {r.status:<9} {r.questions}q  "
                f"{r.model or 'offline':<14} {', '.join(r.tracks) or 'all tracks'}"
            )
    if len(rows) < total:
        warn(f"showing the {len(rows)} newest of {total} sessions; `interviewer history --all` lists every one")
    return 0


@_store_errors
def cmd_show(args: argparse.Namespace) -> int:
    from interviewer.agent.transcript import session_json
    from interviewer.cli.render import print_transcript

    services = services_from(args)
    sid = resolve_session(services, args.id)
    session = services.store.load(sid)
    if args.json:
        data = session_json(session, services.bank.questions)
        data.update(
            {
                "status": session.status,
                "lang": session.lang,
                "model": session.model or "offline",
                "started_at": session.started_at.isoformat(),
                "summary": session.summary,
            }
        )
        print_json(data)
    else:
        print_transcript(session, services.bank, session.lang, sys.stdout)
    return 0


@_store_errors
def cmd_delete(args: argparse.Namespace) -> int:
    services = services_from(args)
    sid = resolve_session(services, args.id)
    short = sid != args.id and len(args.id) < MIN_DELETE_PREFIX
    if short and not args.yes and not confirm(f"delete session {sid}?"):
        fail(
            f"{args.id!r} is only a {len(args.id)}-character prefix of session {sid}: give at least "
            f"{MIN_DELETE_PREFIX} characters or the full id, or pass --yes; nothing was deleted"
        )
    services.store.delete(sid)
    say(f"deleted session {sid}")
    return 0


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; False when there is no terminal to ask on."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    try:
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


@_store_errors
def cmd_export(args: argparse.Namespace) -> int:
    from interviewer.exporters import ExportContext, get_exporter
    from interviewer.plugins import PluginError

    try:
        exporter = get_exporter(args.format)
    except PluginError as exc:
        fail(str(exc))
    services = services_from(args)
    sid = resolve_session(services, args.id)
    session = services.store.load(sid)
    text = exporter.render(ExportContext(sid, session, services.bank, services.store))
    if args.output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    write_file(args.output, text, force=args.force)
    say(f"wrote {args.output}")
    return 0


def write_file(target: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``target`` whole or not at all, never through a link or into a special file.

    The text goes to an unpredictable temporary file created exclusively (O_EXCL, mode 0600) next to
    the target, then takes the target's name in one step. A symbolic link, a directory, a FIFO or a
    device at ``target`` is refused; an existing file is replaced only with ``force`` or a yes on
    the terminal (and keeps its mode)."""
    where = f"cannot write {target}"
    try:
        st: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # e.g. a parent that is a file
        fail(f"{where}: {exc.strerror or exc}; the session is unchanged")
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            fail(f"{where}: it is a symbolic link; name the file itself or remove the link; the session is unchanged")
        if not stat.S_ISREG(st.st_mode):
            fail(f"{where}: it is {_kind(st.st_mode)}, not a regular file; the session is unchanged")
        if not force and not confirm(f"{target} exists; overwrite it?"):
            fail(f"{where}: the file exists; pass --force to overwrite it; the session is unchanged")
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            os.replace(tmp, target)
        else:
            _link_new(tmp, target, force)
    except OSError as exc:
        fail(f"{where}: {exc.strerror or exc}; the session is unchanged")
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # leave no temporary file behind (after a link, the target keeps the data)


def _link_new(tmp: str, target: Path, force: bool) -> None:
    """Give ``tmp`` the name ``target``, failing if a file of that name appeared in the meantime."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        if not force:
            fail(f"cannot write {target}: the file exists; pass --force to overwrite it; the session is unchanged")
        os.replace(tmp, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        os.replace(tmp, target)  # a file system without hard links


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@_store_errors
def cmd_import(args: argparse.Namespace) -> int:
    from interviewer.store.db import StoreError
    from interviewer.store.exchange import import_session

    services = services_from(args)
    try:
        data = json.loads(args.file.read_bytes().decode("utf-8"))
    except OSError as exc:
        fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(f"{args.file} is not JSON: not UTF-8 text (byte offset {exc.start})")
    except RecursionError:
        fail(f"{args.file} is not a session export: its JSON is nested too deeply")
    except ValueError as exc:
        fail(f"{args.file} is not JSON: {exc}")
    try:
        sid = import_session(services.store, data)
    except StoreError as exc:
        fail(f"{args.file}: {exc}")
    say(f"imported session {sid}")
    return 0


@_store_errors
def cmd_rescore(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.agent.transcript import exchanges, submitted_code

    services = services_from(args)
    sid = resolve_session(services, args.id)
    session = services.store.load(sid)
    judge = services.judge()
    llm = services.llm(args.model)
    changes: list[dict[str, Any]] = []
    new_grades = []
    for qid in session.asked():
        question = services.bank.questions.get(qid)
        answers = [t.text for t in session.answers_for(qid)]
        if question is None or not answers:
            continue
        # a coding answer's hidden tests run again on its stored code: the sandbox or the task may
        # have changed since, and a rescore grades the answer as the app grades it today
        code = submitted_code(session, qid)
        said = "\n\n".join(answers)
        talk = exchanges(session, question)  # the follow-ups too: a reply to a doubt check counts
        grade, fallback = asyncio.run(
            judge.grade(question, said, session.lang, llm=llm, code=code, exchanges=talk or None)
        )
        if fallback:
            warn(f"warning: {qid}: {fallback}")
        new_grades.append(grade)
        old = session.grades.get(qid)
        changes.append(
            {
                "question_id": qid,
                "old": None if old is None else round(old.overall, 1),
                "new": round(grade.overall, 1),
                "old_judge": None if old is None else old.judge,
                "new_judge": grade.judge,
                "criteria": {
                    c.id: {
                        "old": next((o.score for o in (old.criteria if old else []) if o.id == c.id), None),
                        "new": c.score,
                    }
                    for c in grade.criteria
                },
            }
        )
    services.store.add_grades(sid, new_grades, origin="rescore")
    if args.json:
        print_json({"session_id": sid, "changes": changes})
        return 0
    for ch in changes:
        delta = "" if ch["old"] is None else f"{ch['new'] - ch['old']:+.1f}"
        say(f"{ch['question_id']:<34} {ch['old'] if ch['old'] is not None else '—':>6} → {ch['new']:>5}  {delta}")
        for cid, v in ch["criteria"].items():
            if v["old"] != v["new"]:
                say(f"    {cid}: {v['old']} → {v['new']}")
    say(f"rescored {len(changes)} question(s); earlier grades are kept")
    return 0


@_store_errors
def cmd_progress(args: argparse.Namespace) -> int:
    from interviewer.progress import compute_progress

    services = services_from(args)
    lang = services.settings.lang
    progress = compute_progress(services.store, services.bank, lang)
    if args.json:
        print_json(progress.public())
        return 0
    if not progress.sessions:
        say("no graded sessions yet")
        return 0
    say("Scores over sessions:")
    for sid, at, v in progress.sessions:
        say(f"  {at[:10]}  {sid}  {'▇' * int(v / 5):<20} {v:.0f}")
    say("\nBy track:")
    for track, pts in progress.tracks.items():
        mean = sum(v for _, v in pts) / len(pts)
        say(f"  {services.bank.track_name(track, lang):<22} mean {mean:>3.0f}  latest {pts[-1][1]:>3.0f}  ({len(pts)})")
    say("\nPractise next:")
    for p in progress.practice[:8]:
        say(f"  - {p['text']}  [{p['question_id']}, mastery {p['mastery']:.0%}; read {p['notes']}]")
        if p.get("read"):
            say(f"      read: {p['read']}")
    if progress.due:
        say(f"\nDue for review ({len(progress.due)}; `interviewer practice` asks them):")
        for d in progress.due[:8]:
            say(
                f"  - {d['text'] or d['key_point']}  [{d['question_id']}, last {d['last_result']}, "
                f"recall {d['retention']:.0%}; read {d['notes']}]"
            )
            if d.get("read"):
                say(f"      read: {d['read']}")
    return 0
