"""`interviewer run` (headless interview) and `interviewer grade` (grade one answer)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.cli.common import add_plan_args, check_tracks, services_from
from interviewer.cli.headless import _bank, _FallbackNotices, _graded_or_said, _open_store, _wait_saved
from interviewer.cli.output import fail, print_json

if TYPE_CHECKING:
    pass


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="run a whole interview headless from an answers file")
    p.add_argument(
        "--answers", type=Path, required=True, help="YAML list of {question?, answer, code_file?, follow_ups?}"
    )
    p.add_argument("--json", action="store_true", help="print the session as JSON")
    p.add_argument(
        "--practice", action="store_true", help="ask what is due for review (as `interviewer practice --answers`)"
    )
    add_plan_args(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("grade", help="grade one answer to one question")
    p.add_argument("--question", required=True, help="question id")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer", help="the answer text")
    src.add_argument("--answer-file", type=Path, help="a file holding the answer ('-' for stdin)")
    p.add_argument("--code-file", type=Path, help="code submitted with the answer (a coding question's solution)")
    p.add_argument("--model", help="litellm model for the LLM judge (default: settings; '' = offline)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the feedback")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_grade)


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.agent.headless import AnswersFileError, ScriptedAnswers, load_answers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.cli.render import print_transcript

    if args.practice:
        from interviewer.cli.practice_cmd import cmd_practice

        return cmd_practice(args)
    try:
        scripted = load_answers(args.answers)
    except AnswersFileError as exc:
        fail(str(exc))
    services = services_from(args)
    check_tracks(args.track, services)
    _open_store(services)
    bank = _bank(services)
    source = ScriptedAnswers(scripted)
    unknown = [q for q in source.forced if q not in bank.questions]
    if unknown:
        fail(f"{args.answers}: unknown question id(s): {', '.join(unknown)}")
    plan = InterviewPlan(
        count=args.count or len(scripted),
        tracks=args.track,
        difficulty=args.difficulty,
        lang=services.settings.lang,
        forced=source.forced,
    )
    interviewer = services.interviewer(plan, sinks=[_FallbackNotices()])
    session = asyncio.run(interviewer.run(source))
    _wait_saved(services.store)
    if args.json:
        from interviewer.agent.transcript import session_json  # its events import pydantic: not at start

        print_json(session_json(session, bank.questions))
    else:
        print_transcript(session, bank, services.settings.lang, sys.stdout)
    return _graded_or_said(session)


def _read_answer(file: Path) -> str:
    """The text of ``--answer-file`` ('-' = stdin): UTF-8 text, not a directory or binary data."""
    name = "stdin" if str(file) == "-" else str(file)
    try:
        if str(file) != "-":
            raw = file.read_bytes()
        elif hasattr(sys.stdin, "buffer"):
            raw = sys.stdin.buffer.read()
        else:  # a replaced stdin (tests)
            raw = sys.stdin.read().encode("utf-8", "surrogateescape")
    except OSError as exc:
        fail(f"cannot read {name}: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); the answer must be text")
    if "\x00" in text:
        fail(f"{name}: holds a NUL byte: a binary file, not an answer")
    return text.removeprefix("\ufeff")


def cmd_grade(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.cli.render import print_grade

    services = services_from(args)
    bank = _bank(services)
    if args.question not in bank.questions:
        fail(f"unknown question id {args.question!r} (see `interviewer bank list`)")
    text = _read_answer(args.answer_file) if args.answer_file is not None else args.answer
    question = bank.questions[args.question]
    lang = services.settings.lang
    code = _read_answer(args.code_file) if args.code_file is not None else None
    grade, fallback = asyncio.run(services.judge().grade(question, text, lang, llm=services.llm(args.model), code=code))
    if fallback:
        print(f"warning: {fallback}", file=sys.stderr)
    if args.json:
        print_json(grade.public())
    else:
        print_grade(grade, question, lang, sys.stdout)
    return 0
