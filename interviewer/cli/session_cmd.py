"""Session commands: history, show, delete, export, import, rescore, progress."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from interviewer.cli.common import resolve_session, services_from
from interviewer.cli.output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("history", help="list past sessions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)
    p = sub.add_parser("show", help="show one session with its grades")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("delete", help="delete a session")
    p.add_argument("id")
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("export", help="export a session as Markdown, HTML or JSON")
    p.add_argument("id")
    p.add_argument("--format", choices=["md", "json", "html"], default="md")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import", help="import a session exported with --format json")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("rescore", help="grade a stored session again; old grades are kept")
    p.add_argument("id")
    p.add_argument("--model", help="litellm model for the LLM judge ('' = offline)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rescore)
    p = sub.add_parser("progress", help="mastery per track and concept over time; what to practise next")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["zh", "en"])
    p.set_defaults(func=cmd_progress)


def _store_errors(func):  # type: ignore[no-untyped-def]
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
    rows = services.store.sessions()
    if args.json:
        print_json([r.public() for r in rows])
        return 0
    if not rows:
        print("no sessions yet: start one with `interviewer` or `interviewer run --answers FILE`")
    for r in rows:
        score = "  —" if r.overall is None else f"{r.overall:>3.0f}"
        print(
            f"{r.id}  {r.started_at[:16].replace('T', ' ')}  {score}  {r.status:<9} {r.questions}q  "
            f"{r.model or 'offline':<14} {', '.join(r.tracks) or 'all tracks'}"
        )
    return 0


@_store_errors
def cmd_show(args: argparse.Namespace) -> int:
    from interviewer.cli.render import print_transcript
    from interviewer.cli.run_cmd import session_json

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
    services.store.delete(sid)
    print(f"deleted session {sid}")
    return 0


@_store_errors
def cmd_export(args: argparse.Namespace) -> int:
    from interviewer.cli.run_cmd import session_json
    from interviewer.progress import compute_progress
    from interviewer.report import transcript_html, transcript_markdown
    from interviewer.store.exchange import export_session

    services = services_from(args)
    sid = resolve_session(services, args.id)
    session = services.store.load(sid)
    if args.format == "json":
        data = export_session(services.store, sid, session_json(session, services.bank.questions)["questions"])
        text = json.dumps(data, ensure_ascii=False, indent=2)
    elif args.format == "md":
        text = transcript_markdown(session, services.bank)
    else:
        progress = compute_progress(services.store, services.bank, session.lang)
        history = [(s[1][:10], s[2]) for s in progress.sessions]
        text = transcript_html(session, services.bank, history=history)
    if args.output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    tmp = args.output.with_name(args.output.name + ".tmp")
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()  # leave no half-written file behind
        fail(f"cannot write {args.output}: {exc.strerror or exc}; the session is unchanged")
    print(f"wrote {args.output}")
    return 0


@_store_errors
def cmd_import(args: argparse.Namespace) -> int:
    from interviewer.store.exchange import import_session

    services = services_from(args)
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {args.file}: {exc.strerror}")
    except ValueError as exc:
        fail(f"{args.file} is not JSON: {exc}")
    sid = import_session(services.store, data)
    print(f"imported session {sid}")
    return 0


@_store_errors
def cmd_rescore(args: argparse.Namespace) -> int:
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
        grade, fallback = asyncio.run(judge.grade(question, "\n\n".join(answers), session.lang, llm=llm))
        if fallback:
            print(f"warning: {qid}: {fallback}", file=sys.stderr)
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
        print(f"{ch['question_id']:<34} {ch['old'] if ch['old'] is not None else '—':>6} → {ch['new']:>5}  {delta}")
        for cid, v in ch["criteria"].items():
            if v["old"] != v["new"]:
                print(f"    {cid}: {v['old']} → {v['new']}")
    print(f"rescored {len(changes)} question(s); earlier grades are kept")
    return 0


@_store_errors
def cmd_progress(args: argparse.Namespace) -> int:
    from interviewer.domain import TRACKS
    from interviewer.progress import compute_progress

    services = services_from(args)
    lang = services.settings.lang
    progress = compute_progress(services.store, services.bank, lang)
    if args.json:
        print_json(progress.public())
        return 0
    if not progress.sessions:
        print("no graded sessions yet")
        return 0
    print("Scores over sessions:")
    for sid, at, v in progress.sessions:
        print(f"  {at[:10]}  {sid}  {'▇' * int(v / 5):<20} {v:.0f}")
    print("\nBy track:")
    for track, pts in progress.tracks.items():
        mean = sum(v for _, v in pts) / len(pts)
        print(
            f"  {TRACKS.get(track, {}).get(lang, track):<22} mean {mean:>3.0f}  latest {pts[-1][1]:>3.0f}  ({len(pts)})"
        )
    print("\nPractise next:")
    for p in progress.practice[:8]:
        print(f"  - {p['text']}  [{p['question_id']}, mastery {p['mastery']:.0%}; read {p['notes']}]")
    return 0
