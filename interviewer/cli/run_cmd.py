"""`interviewer run` (headless interview) and `interviewer grade` (grade one answer)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.cli.common import add_plan_args, check_tracks, services_from
from interviewer.cli.output import fail, print_json, warn

if TYPE_CHECKING:
    from interviewer.bank import Bank
    from interviewer.domain import Question, Session
    from interviewer.services import Services


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


def session_json(session: Session, questions: Mapping[str, Question]) -> dict[str, Any]:
    """The stable JSON of a session: {session_id, overall, questions: [...]}; a coding answer adds
    ``code`` (the code submitted on the question) and ``tests`` (its hidden-test run, from the grade)."""
    from interviewer.agent.transcript import submitted_code

    out = []
    for qid in session.asked():
        turns = [t for t in session.turns if t.question_id == qid]
        answers = {t.follow_up_index: t.text for t in turns if t.kind == "answer"}
        follow_ups = [
            {"question": t.text, "answer": answers.get(t.follow_up_index)} for t in turns if t.kind == "follow_up"
        ]
        grade = session.grades.get(qid)
        entry = {
            "question_id": qid,
            "question": next((t.text for t in turns if t.kind == "question"), ""),
            "answer": answers.get(0),
            "follow_ups": follow_ups,
            "grade": grade.public() if grade else None,
        }
        code = submitted_code(session, qid)
        if code or (grade is not None and grade.tests is not None):
            entry.update({"code": code, "tests": grade.tests if grade else None})
        out.append(entry)
    return {"session_id": session.id, "overall": session.overall(), "questions": out}


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.agent.headless import AnswersFileError, ScriptedAnswers, load_answers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.cli.render import print_transcript

    if args.practice:
        from interviewer.cli.practice_cmd import cmd_practice

        return cmd_practice(args)
    check_tracks(args.track)
    try:
        scripted = load_answers(args.answers)
    except AnswersFileError as exc:
        fail(str(exc))
    services = services_from(args)
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
        print_json(session_json(session, bank.questions))
    else:
        print_transcript(session, bank, services.settings.lang, sys.stdout)
    return _graded_or_said(session)


SAVE_WAIT_S = 300.0
"""How long `run` waits, at the end, for a database another process keeps locked."""


def _wait_saved(store) -> None:  # type: ignore[no-untyped-def]
    """Return once the whole session is in the database. Under a lock the store keeps what it could
    not write in a local journal and retries; say so, and never exit as if it were saved."""
    if not getattr(store, "pending_writes", 0):
        return
    journal = store.journal_path
    print(
        f"interviewer: the database is locked by another process; the session is kept in {journal} "
        f"and saved as soon as the lock clears (waiting up to {SAVE_WAIT_S / 60:g} min)…",
        file=sys.stderr,
    )
    try:
        saved = store.wait_saved(SAVE_WAIT_S)
    except KeyboardInterrupt:
        saved = False
    if not saved:
        fail(
            f"the session is not in the database yet ({store.write_error or 'still locked'}); it is kept in "
            f"{journal} and will be saved the next time interviewer opens the database",
            code=1,
        )
    print("interviewer: the session is saved.", file=sys.stderr)


def _graded_or_said(session) -> int:  # type: ignore[no-untyped-def]
    """0, or 1 with a message when an answered question has no grade (never silently null)."""
    skipped = {t.question_id for t in session.turns if t.kind == "skip"}
    ungraded = [q for q in session.asked() if q not in skipped and session.answers_for(q) and q not in session.grades]
    if not ungraded:
        return 0
    print(
        f"interviewer: error: {len(ungraded)} answered question(s) could not be graded ({', '.join(ungraded)}); "
        f"the answers are saved — `interviewer rescore {session.id}` grades them again",
        file=sys.stderr,
    )
    return 1


def _bank(services: Services) -> Bank:
    """The bank; a file of it that did not load is said on stderr (its questions are missing)."""
    bank = services.bank
    for issue in bank.issues:
        warn(f"warning: {issue}")
    return bank


class _FallbackNotices:
    """Says on stderr when the model is not used: an LLM call failed and the offline engine took
    over, the token budget ran out, retrieval failed (the session records the same events)."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, event: object) -> None:
        from interviewer.agent.events import Fallback

        if not isinstance(event, Fallback) or (event.stage, event.reason) in self.seen:
            return
        self.seen.add((event.stage, event.reason))
        what = (
            "the offline engine takes over" if event.stage in ("llm", "budget") else "fell back to the offline engine"
        )
        warn(f"interviewer: {event.stage}: {what}: {' '.join(event.reason.split())}")


def _open_store(services) -> None:  # type: ignore[no-untyped-def]
    """Refuse a corrupt or newer database before the interview starts, not after the answers."""
    from interviewer.store.db import StoreError

    try:
        services.store.sessions(limit=1)
    except StoreError as exc:
        fail(str(exc))


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
