"""`interviewer run` (headless interview) and `interviewer grade` (grade one answer)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from interviewer.cli.common import add_plan_args, check_tracks, services_from
from interviewer.cli.output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="run a whole interview headless from an answers file")
    p.add_argument("--answers", type=Path, required=True, help="YAML list of {question?, answer, follow_ups?}")
    p.add_argument("--json", action="store_true", help="print the session as JSON")
    add_plan_args(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("grade", help="grade one answer to one question")
    p.add_argument("--question", required=True, help="question id")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer", help="the answer text")
    src.add_argument("--answer-file", type=Path, help="a file holding the answer ('-' for stdin)")
    p.add_argument("--model", help="litellm model for the LLM judge (default: settings; '' = offline)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the feedback")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_grade)


def session_json(session, questions) -> dict:  # type: ignore[no-untyped-def]
    """The stable JSON of a session: {session_id, overall, questions: [...]}."""
    out = []
    for qid in session.asked():
        turns = [t for t in session.turns if t.question_id == qid]
        answers = {t.follow_up_index: t.text for t in turns if t.kind == "answer"}
        follow_ups = [
            {"question": t.text, "answer": answers.get(t.follow_up_index)} for t in turns if t.kind == "follow_up"
        ]
        grade = session.grades.get(qid)
        out.append(
            {
                "question_id": qid,
                "question": next((t.text for t in turns if t.kind == "question"), ""),
                "answer": answers.get(0),
                "follow_ups": follow_ups,
                "grade": grade.public() if grade else None,
            }
        )
    return {"session_id": session.id, "overall": session.overall(), "questions": out}


def cmd_run(args: argparse.Namespace) -> int:
    from interviewer.agent.headless import AnswersFileError, ScriptedAnswers, load_answers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.cli.render import print_transcript

    check_tracks(args.track)
    try:
        scripted = load_answers(args.answers)
    except AnswersFileError as exc:
        fail(str(exc))
    services = services_from(args)
    _open_store(services)
    bank = services.bank
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
    interviewer = services.interviewer(plan)
    session = asyncio.run(interviewer.run(source))
    if args.json:
        print_json(session_json(session, bank.questions))
    else:
        print_transcript(session, bank, services.settings.lang, sys.stdout)
    return 0


def _open_store(services) -> None:  # type: ignore[no-untyped-def]
    """Refuse a corrupt or newer database before the interview starts, not after the answers."""
    from interviewer.store.db import StoreError

    try:
        services.store.sessions(limit=1)
    except StoreError as exc:
        fail(str(exc))


def cmd_grade(args: argparse.Namespace) -> int:
    from interviewer.cli.render import print_grade

    services = services_from(args)
    bank = services.bank
    if args.question not in bank.questions:
        fail(f"unknown question id {args.question!r} (see `interviewer bank list`)")
    if args.answer_file is not None:
        try:
            text = sys.stdin.read() if str(args.answer_file) == "-" else args.answer_file.read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"cannot read {args.answer_file}: {exc.strerror}")
    else:
        text = args.answer
    question = bank.questions[args.question]
    lang = services.settings.lang
    grade, fallback = asyncio.run(services.judge().grade(question, text, lang, llm=services.llm(args.model)))
    if fallback:
        print(f"warning: {fallback}", file=sys.stderr)
    if args.json:
        print_json(grade.public())
    else:
        print_grade(grade, question, lang, sys.stdout)
    return 0
