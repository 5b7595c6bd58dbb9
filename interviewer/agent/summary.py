"""End-of-session feedback: strengths, gaps and what to study next, by track."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from interviewer.domain import Lang, Question, Session, Track, track_name
from interviewer.llm.prompts import messages as prompt_messages
from interviewer.messages import msg


def _missing(session: Session, qid: str, lang: Lang, limit: int = 3) -> list[str]:
    grade = session.grades.get(qid)
    if grade is None:
        return []
    return [m for c in grade.criteria for m in c.missing][:limit]


def _strength(
    session: Session, questions: dict[str, Question], qid: str, lang: Lang, tracks: Mapping[str, Track]
) -> str:
    """What a strong answer did well, by the names of its best criteria (not the question again)."""
    grade = session.grades[qid]
    q = questions.get(qid)
    if q is None:
        return f"- {qid} ({grade.overall:.0f}/100)"
    names = {c.id: c.name.get(lang) for c in q.rubric.criteria}
    best = [names.get(c.id, c.id) for c in sorted(grade.criteria, key=lambda c: -c.score) if c.score >= 3][:3]
    track = track_name(tracks, q.track, lang)
    sep = msg("sep.list", lang)
    return f"- {track}: {sep.join(best) or q.id} ({grade.overall:.0f}/100)"


def _question_label(questions: dict[str, Question], qid: str, lang: Lang) -> str:
    """A question as a person knows it: the start of its text (its id only when it left the bank)."""
    q = questions.get(qid)
    if q is None:
        return qid
    text = " ".join(q.prompt(lang).split())
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def offline_summary(
    session: Session,
    questions: dict[str, Question],
    lang: Lang,
    note_titles: Mapping[str, str] | None = None,
    tracks: Mapping[str, Track] | None = None,
) -> str:
    """A Markdown summary computed from the grades alone. Notes to study are named by their title
    (``note_titles``; the id only for a note without one), tracks by their name in the bank's
    ``tracks`` (the id for a track it does not declare)."""
    titles = note_titles or {}
    known = tracks or {}
    if not session.grades:
        return msg("summary.no_grades", lang)
    by_track: dict[str, list[float]] = defaultdict(list)
    for qid, grade in session.grades.items():
        q = questions.get(qid)
        by_track[q.track if q else "?"].append(grade.overall)
    strong = [qid for qid, g in session.grades.items() if g.overall >= 70]
    weak = sorted(session.grades, key=lambda qid: session.grades[qid].overall)
    notes: list[str] = []
    for qid in weak:
        if session.grades[qid].overall < 70 and qid in questions:
            notes.extend(n for n in questions[qid].notes if n not in notes)
    lines = ["### " + msg("report.by_track_scores", lang)]
    for track, scores in sorted(by_track.items()):
        name = track_name(known, track, lang)
        lines.append(f"- {name}: {sum(scores) / len(scores):.0f}/100 ({len(scores)})")
    lines.append("\n### " + msg("summary.strengths", lang))
    lines.extend(_strength(session, questions, q, lang, known) for q in strong[:3])
    if not strong:
        lines.append("- " + msg("summary.no_strong", lang))
    lines.append("\n### " + msg("summary.gaps", lang))
    for qid in weak[:3]:
        if session.grades[qid].overall >= 70:
            continue
        missed = msg("sep.semicolon", lang).join(_missing(session, qid, lang))
        lines.append(f"- {_question_label(questions, qid, lang)}: {missed}")
    lines.append("\n### " + msg("report.study_next", lang))
    lines.extend(f"- {titles[n]}" if titles.get(n) else f"- `{n}`" for n in notes[:6])
    if not notes:
        lines.append("- " + msg("summary.keep_practising", lang))
    return "\n".join(lines)


def llm_summary_messages(
    session: Session, questions: dict[str, Question], lang: Lang, note_titles: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    rows = [
        {
            "id": qid,
            "track": questions[qid].track if qid in questions else "?",
            "overall": round(g.overall),
            "missing": _missing(session, qid, lang, 5),
        }
        for qid, g in session.grades.items()
    ]
    titles = note_titles or {}
    ids = sorted({n for qid in session.grades if qid in questions for n in questions[qid].notes})
    notes = [titles.get(n) or n for n in ids]  # the model repeats what it sees: names, not ids
    return prompt_messages("summary", lang, questions=rows, notes=notes)
