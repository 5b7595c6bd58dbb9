"""`interviewer bank list|show|validate`."""

from __future__ import annotations

import argparse
from pathlib import Path

from interviewer.cli.output import fail, print_json, say


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bank = sub.add_parser("bank", help="list, show and validate questions")
    bsub = bank.add_subparsers(dest="bank_cmd", required=True)
    p = bsub.add_parser("list", help="list questions")
    p.add_argument("--track", action="append", help="only this track (repeatable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = bsub.add_parser("show", help="show one question with its rubric")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["zh", "en"])
    p.set_defaults(func=cmd_show)
    p = bsub.add_parser("validate", help="validate bank files; exit 1 on errors")
    p.add_argument("paths", nargs="*", type=Path, help="files or directories (default: the whole bank)")
    p.set_defaults(func=cmd_validate)


def cmd_list(args: argparse.Namespace) -> int:
    from interviewer.bank import load_bank

    bank = load_bank()
    questions = [q for q in bank.questions.values() if not args.track or q.track in args.track]
    if args.json:
        print_json(
            [
                {"id": q.id, "track": q.track, "difficulty": q.difficulty, "text": q.text.model_dump(), "tags": q.tags}
                for q in questions
            ]
        )
        return 0
    from interviewer.config import load_settings

    lang = load_settings().lang
    for q in questions:
        say(f"{q.id:<34} {q.track:<19} d{q.difficulty}  {q.text.get(lang)}")
    say(f"{len(questions)} questions")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from interviewer.bank import load_bank

    bank = load_bank()
    if args.id not in bank.questions:
        fail(f"unknown question id {args.id!r} (see `interviewer bank list`)")
    q = bank.questions[args.id]
    if args.json:
        print_json(q.model_dump(mode="json"))
        return 0
    from interviewer.config import load_settings

    lang = args.lang or load_settings().lang
    say(f"{q.id}  [{q.track}, difficulty {q.difficulty}]\n\n{q.text.get(lang)}\n")
    for c in q.rubric.criteria:
        say(f"- {c.name.get(lang)}  (weight {c.weight:g})")
        for k in c.key_points:
            say(f"    * {k.text.get(lang)}")
    say("\nfollow-ups:")
    for f in q.follow_ups:
        say(f"  - [{f.criterion}] {f.text.get(lang)}")
    say(f"\nnotes: {', '.join(q.notes)}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from interviewer.bank import load_bank

    bank = load_bank(args.paths) if args.paths else load_bank()
    issues = [str(i) for i in bank.issues] + _task_issues(args.paths, bank.questions)
    for issue in issues:
        say(issue)
    if issues:
        say(f"{len(issues)} problem(s)")
        return 1
    say(f"ok: {len(bank.questions)} questions, {len(bank.notes)} notes")
    return 0


def _task_issues(roots: list[Path], question_ids: dict) -> list[str]:  # type: ignore[type-arg]
    """Coding tasks of the built-in bank (no PATH) or under PATH/coding: files, mutants, reference runs."""
    from interviewer.coding.validate import validate_tasks

    if not roots:
        return validate_tasks(question_ids)
    return [i for r in roots if (r / "coding").is_dir() for i in validate_tasks(question_ids, root=r / "coding")]
