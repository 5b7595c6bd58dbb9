"""Progress over sessions: mastery per track and per concept (key point), and what to practise next."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from interviewer.bank import Bank
from interviewer.domain import Grade, Lang
from interviewer.store.db import SessionRow, Store


@dataclass
class Progress:
    sessions: list[tuple[str, str, float]] = field(default_factory=list)
    """(session id, started_at, session score: skipped questions at 0) oldest first."""
    tracks: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    """track -> [(started_at, score)] per graded question, oldest first."""
    concepts: dict[str, dict[str, float | int | str]] = field(default_factory=dict)
    """"question_id/key point id" -> {question_id, key_point, text, seen, covered, mastery}
    (key point ids are unique within a question only)."""
    practice: list[dict[str, str | float]] = field(default_factory=list)
    """Weakest concepts first: what to practise next, with the notes to read (``notes``) and the
    section that states the point (``read``: 'note title › section'; ``read_chunk``: its chunk id;
    ``read_gist``: what it says, in the session language)."""
    cards: dict[str, dict[str, object]] = field(default_factory=dict)
    """Concept key -> its review card (``study.schedule.PointCard.public``): retention, due,
    last_result, reviews, results...; merged into ``concepts`` in the JSON."""
    due: list[dict[str, str | float]] = field(default_factory=list)
    """Concepts due for review now, least likely recalled first, with the notes and the section to
    read (as in ``practice``)."""
    track_cards: dict[str, dict[str, object]] = field(default_factory=dict)
    """track -> {points, due, retention, retention_series}: its key points with a card, how many are
    due now, their mean recall probability now, and that mean at the start of each practice day
    ([{at, retention, points}], then now: a chart over time); merged into ``tracks`` in the JSON."""

    def public(self) -> dict[str, object]:
        return {
            "sessions": [{"id": s, "started_at": at, "overall": round(v, 1)} for s, at, v in self.sessions],
            "tracks": {
                t: {
                    "mean": round(sum(v for _, v in pts) / len(pts), 1),
                    "latest": round(pts[-1][1], 1),
                    "answers": len(pts),
                    "series": [{"at": at, "score": round(v, 1)} for at, v in pts],
                    "trend": _trend(pts),
                    **self.track_cards.get(t, {}),
                }
                for t, pts in self.tracks.items()
            },
            "concepts": {k: {**v, **self.cards.get(k, {})} for k, v in self.concepts.items()},
            "practice": self.practice,
            "due": self.due,
        }


def _trend(points: list[tuple[str, float]]) -> float | None:
    """The latest score against the mean of the earlier ones (points; None with one score)."""
    if len(points) < 2:
        return None
    earlier = [v for _, v in points[:-1]]
    return round(points[-1][1] - sum(earlier) / len(earlier), 1)


def overall_by_session(
    store: Store, rows: Sequence[SessionRow] | None = None, grades: Sequence[tuple[str, str, Grade]] | None = None
) -> dict[str, float | None]:
    """Each session's overall score as ``Session.overall`` computes it: graded questions at their
    grade, skipped ones at 0. Only sessions that asked more questions than they have grades for are
    loaded (to find their skips); the others are the mean of their grades."""
    rows = store.sessions(limit=1_000_000) if rows is None else rows
    scores: dict[str, list[float]] = defaultdict(list)
    for session_id, _, grade in store.all_grades() if grades is None else grades:
        scores[session_id].append(grade.overall)
    out: dict[str, float | None] = {}
    for row in rows:
        mine = scores.get(row.id, [])
        if row.questions > len(mine):
            out[row.id] = store.load(row.id).overall()
        else:
            out[row.id] = round(sum(mine) / len(mine), 1) if mine else None
    return out


def compute_progress(
    store: Store, bank: Bank, lang: Lang = "en", limit: int = 10, now: datetime | None = None
) -> Progress:
    progress = Progress()
    per_session: dict[str, list[float]] = defaultdict(list)
    starts: dict[str, str] = {}
    all_grades = store.all_grades()
    for session_id, started_at, grade in all_grades:
        per_session[session_id].append(grade.overall)
        starts[session_id] = started_at
        question = bank.questions.get(grade.question_id)
        track = question.track if question else "unknown"
        progress.tracks.setdefault(track, []).append((started_at, grade.overall))
        for c in grade.criteria:
            for kp_id, covered in [(k, True) for k in c.covered_ids] + [(k, False) for k in c.missing_ids]:
                entry = progress.concepts.setdefault(
                    f"{grade.question_id}/{kp_id}",
                    {
                        "question_id": grade.question_id,
                        "key_point": kp_id,
                        "text": "",
                        "seen": 0,
                        "covered": 0,
                        "mastery": 0.0,
                    },
                )
                entry["seen"] = int(entry["seen"]) + 1
                entry["covered"] = int(entry["covered"]) + int(covered)
    for entry in progress.concepts.values():
        entry["mastery"] = round(int(entry["covered"]) / int(entry["seen"]), 2)
        q = bank.questions.get(str(entry["question_id"]))
        if q:
            for _, kp in q.rubric.key_points():
                if kp.id == entry["key_point"]:
                    entry["text"] = kp.text.get(lang)
    # a session's score counts its skipped questions as 0, like its feedback does
    rows = store.sessions(limit=1_000_000)
    overall = overall_by_session(store, rows, all_grades)
    progress.sessions = sorted(
        ((r.id, starts.get(r.id, r.started_at), v) for r in rows if (v := overall.get(r.id)) is not None),
        key=lambda s: s[1],
    )
    weakest = sorted(progress.concepts.items(), key=lambda kv: (float(kv[1]["mastery"]), -int(kv[1]["seen"])))
    for _, entry in weakest[:limit]:
        if float(entry["mastery"]) >= 0.8:
            break
        q = bank.questions.get(str(entry["question_id"]))
        progress.practice.append(
            {
                "key_point": str(entry["key_point"]),
                "question_id": str(entry["question_id"]),
                "text": str(entry["text"]),
                "mastery": float(entry["mastery"]),
                "notes": ", ".join(q.notes) if q else "",
            }
        )
    _add_schedule(progress, store, bank, now or datetime.now(UTC))
    add_reading(progress, bank, lang)
    return progress


def add_reading(progress: Progress, bank: Bank, lang: Lang) -> None:
    """Each entry of ``practice`` and ``due`` gets the section to read about its point: ``read``
    ('note title › section', '' when its question left the bank), ``read_chunk`` and ``read_gist``.
    A point last stated wrongly is sent to the note that corrects its misconception first."""
    from interviewer.study.reading import ReadingGuide

    guide = ReadingGuide(bank, lang)
    for entry in [*progress.practice, *progress.due]:
        qid, kp = str(entry["question_id"]), str(entry["key_point"])
        wrong = progress.cards.get(f"{qid}/{kp}", {}).get("last_result") == "wrong"
        found = guide.for_point(qid, kp, wrong=wrong)
        entry["read"] = found.where if found else ""
        entry["read_chunk"] = found.chunk_id if found else ""
        entry["read_gist"] = found.gist if found else ""


def _add_schedule(progress: Progress, store: Store, bank: Bank, now: datetime) -> None:
    """Each concept's review card (rebuilt from the graded answers) and what is due now."""
    from interviewer.study.schedule import PointCard, retention_series, store_reviews

    def track_of(card: PointCard) -> str:
        q = bank.questions.get(card.question_id)
        return q.track if q else "unknown"

    schedule, series = retention_series(store_reviews(store), now, track_of)
    progress.cards = {key: card.public(now) for key, card in schedule.cards.items()}
    per_track: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for card in schedule.cards.values():
        per_track[track_of(card)].append((card.retention(now), card.is_due(now)))
    progress.track_cards = {
        t: {
            "points": len(v),
            "due": sum(d for _, d in v),
            "retention": round(sum(r for r, _ in v) / len(v), 3),
            "retention_series": series.get(t, []),
        }
        for t, v in per_track.items()
    }
    for card in schedule.due(now):
        q = bank.questions.get(card.question_id)
        entry = progress.concepts.get(card.key, {})
        progress.due.append(
            {
                "key_point": card.key_point,
                "question_id": card.question_id,
                "text": str(entry.get("text", "")),
                "retention": round(card.retention(now), 3),
                "due": card.due.isoformat(),
                "last_result": card.last_result,
                "notes": ", ".join(q.notes) if q else "",
            }
        )
