"""`interviewer practice`: a short session built from what is due (spaced repetition over key
points). With ``--answers FILE`` it runs headless like `run`; without, it prints the plan."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.cli.common import check_tracks, services_from
from interviewer.cli.output import fail, print_json, say

if TYPE_CHECKING:
    from interviewer.services import Services
    from interviewer.study.practice import PracticePlan


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "practice", help="practise what is due: questions on the key points you missed or are forgetting"
    )
    length = p.add_mutually_exclusive_group()
    length.add_argument("--count", type=int, help="number of questions (default: 5; a diagnostic: one per track)")
    length.add_argument("--minutes", type=int, help="about how long to practise (6 minutes a question)")
    p.add_argument(
        "--track",
        "--tracks",
        dest="track",
        action="append",
        default=[],
        help="track(s) to draw from (repeatable, or comma-separated)",
    )
    p.add_argument("--lang", choices=["zh", "en"], help="interview language")
    p.add_argument("--model", help="litellm model string; '' for the offline engine")
    p.add_argument(
        "--answers",
        type=Path,
        help="run headless: a YAML list of {answer, follow_ups?} (as for `run`), in the order asked",
    )
    p.add_argument("--json", action="store_true", help="print the plan (or, with --answers, the session) as JSON")
    p.set_defaults(func=cmd_practice)


def cmd_practice(args: argparse.Namespace) -> int:
    tracks = [t.strip() for value in args.track for t in value.split(",") if t.strip()]
    check_tracks(tracks, services_from(args))
    args.track = list(dict.fromkeys(tracks))
    for flag in ("count", "minutes"):
        value = getattr(args, flag, None)
        if value is not None and value < 1:
            fail(f"--{flag} must be at least 1")
    if args.answers is not None:
        return run_practice(args)
    services = services_from(args)
    plan = practice_plan(services, args)
    if args.json:
        print_json(plan.public())
        return 0
    if not plan.question_ids:
        say(_nothing_due(services, args))
        return 0
    _print_plan(services, plan)
    return 0


def practice_plan(services: Services, args: argparse.Namespace) -> PracticePlan:
    """The plan for now, from the whole store's history."""
    from interviewer.cli.headless import _open_store
    from interviewer.study.practice import count_for

    _open_store(services)
    return services.practice_plan(count=count_for(args.count, getattr(args, "minutes", None)), tracks=args.track)


def _nothing_due(services: Services, args: argparse.Namespace) -> str:
    soon = services.next_due(args.track)
    when = f"; the next point is due {soon:%Y-%m-%d %H:%M} UTC" if soon else ""
    return f"nothing to practise: no point is due and every question on these tracks has been asked{when}"


def run_practice(args: argparse.Namespace) -> int:
    """A practice session answered from a file (`practice --answers` and `run --practice`)."""
    import asyncio

    from interviewer.agent.headless import AnswersFileError, ScriptedAnswers, load_answers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.agent.transcript import session_json
    from interviewer.cli.headless import _bank, _FallbackNotices, _graded_or_said, _wait_saved
    from interviewer.cli.render import print_transcript

    try:
        scripted = load_answers(args.answers)
    except AnswersFileError as exc:
        fail(str(exc))
    services = services_from(args)
    bank = _bank(services)
    plan = practice_plan(services, args)
    if not plan.question_ids:
        fail(_nothing_due(services, args), code=1)
    stray = [a for a in scripted if a.question and a.question not in plan.question_ids]
    if stray:
        fail(
            f"{args.answers}:{stray[0].line}: question {stray[0].question!r} is not in this practice session "
            f"({', '.join(plan.question_ids)}); practice chooses the questions — leave 'question' out to answer "
            "them in the order asked"
        )
    source = ScriptedAnswers(scripted)
    interview = InterviewPlan(
        count=len(plan.question_ids),
        tracks=args.track,
        lang=services.settings.lang,
        forced=list(plan.question_ids),
        targets={q: list(k) for q, k in plan.targets.items()},  # follow-ups aim at the due points first
    )
    interviewer = services.interviewer(interview, sinks=[_FallbackNotices()])
    session = asyncio.run(interviewer.run(source))
    _wait_saved(services.store)
    if args.json:
        print_json({**session_json(session, bank.questions), "practice": plan.public()})
    else:
        print_transcript(session, bank, services.settings.lang, sys.stdout)
    return _graded_or_said(session)


def _print_plan(services: Services, plan: PracticePlan) -> None:
    from interviewer.study.reading import ReadingGuide

    lang = services.settings.lang
    bank = services.bank
    guide = ReadingGuide(bank, lang)
    say("Diagnostic: one question per track (no history yet)." if plan.diagnostic else "Practice plan:")
    for n, qid in enumerate(plan.question_ids, start=1):
        q = bank.questions[qid]
        say(f"  {n}. [{q.track}] {qid}: {q.prompt(lang)}")
        texts = {kp.id: kp.text.get(lang) for _, kp in q.rubric.key_points()}
        for kp in plan.targets.get(qid, []):
            say(f"       due: {texts.get(kp, kp)}")
            found = guide.for_point(qid, kp)
            if found is not None:
                say(f"         read: {found.where}")
    say(
        "\nAnswer it headless with `interviewer practice --answers FILE` (the same plan until something new is graded or the day changes)."
    )
