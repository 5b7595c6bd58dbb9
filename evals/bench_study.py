"""How long the review schedule takes to rebuild from the store (issue 19): `progress`, `practice`
and the history screen fold every graded answer into FSRS cards each time.

    python evals/bench_study.py [--sessions 50 300] [--runs 3] [--json]

A synthetic store per size: sessions of 5 questions, each with 2 follow-ups, graded on 4 criteria
of 3 key points (12 reviews per answer), one session every 13 hours. Reports the median wall time
of ``build_schedule`` and of the two halves: reading the store, and the FSRS fold; and of the fold
that also takes a per-track retention snapshot at each practice day (``progress``'s chart data).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interviewer.agent.events import (  # noqa: E402
    AnswerGraded,
    AnswerReceived,
    FollowUpAsked,
    QuestionAsked,
    SessionEnded,
    SessionStarted,
)
from interviewer.domain import CriterionGrade, Grade, Session  # noqa: E402
from interviewer.store.db import Store  # noqa: E402
from interviewer.study.schedule import build_schedule, fold, retention_series, store_reviews  # noqa: E402

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def _grade(qid: str, n: int) -> Grade:
    return Grade(
        question_id=qid,
        overall=50,
        criteria=[
            CriterionGrade(id=f"c{i}", score=(i + n) % 5, covered_ids=[f"k{i}a", f"k{i}b"], missing_ids=[f"k{i}c"])
            for i in range(4)
        ],
    )


def make_store(directory: Path, sessions: int) -> Store:
    store = Store(directory / "interviewer.sqlite")
    for s in range(sessions):
        sid, now = f"s{s:05d}", T0 + timedelta(hours=13 * s)
        store.record(SessionStarted(session_id=sid, at=now, session=Session(id=sid, started_at=now)))
        for n in range(5):
            qid = f"q{(s * 5 + n) % 60}"
            store.record(QuestionAsked(session_id=sid, at=now, question_id=qid, index=n + 1, total=5, text="x" * 300))
            store.record(AnswerReceived(session_id=sid, at=now, question_id=qid, text="y" * 1500))
            for f in (1, 2):
                store.record(FollowUpAsked(session_id=sid, at=now, question_id=qid, follow_up_index=f, text="z" * 200))
                store.record(AnswerReceived(session_id=sid, at=now, question_id=qid, follow_up_index=f, text="y" * 800))
            store.record(AnswerGraded(session_id=sid, at=now, question_id=qid, grade=_grade(qid, s + n)))
        store.record(SessionEnded(session_id=sid, at=now))
    return store


def _series(reviews: list) -> None:  # type: ignore[type-arg]
    """The fold with a per-track retention snapshot at each practice day (what `progress` runs)."""
    retention_series(reviews, T0 + timedelta(days=400), lambda c: c.question_id[:2])


def _median(fn, arg, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[50, 300])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for n in args.sessions:
        with tempfile.TemporaryDirectory() as tmp:
            store = make_store(Path(tmp), n)
            reviews = store_reviews(store)
            rows.append(
                {
                    "sessions": n,
                    "reviews": len(reviews),
                    "cards": len(build_schedule(store).cards),
                    "build_s": round(_median(build_schedule, store, args.runs), 3),
                    "read_s": round(_median(store_reviews, store, args.runs), 3),
                    "fold_s": round(_median(fold, reviews, args.runs), 3),
                    "series_s": round(_median(_series, reviews, args.runs), 3),
                }
            )
            store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(
                f"{r['sessions']:>6} sessions {r['reviews']:>7} reviews {r['cards']:>5} cards: "
                f"build {r['build_s']:.3f} s (read {r['read_s']:.3f} s, fold {r['fold_s']:.3f} s); "
                f"fold with daily retention per track {r['series_s']:.3f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
