"""Readable reports of sessions and grades: plain text, Markdown and self-contained HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from interviewer.bank import Bank
from interviewer.domain import CriterionGrade, Grade, Lang, Question, Session, Track, track_name
from interviewer.judge import correctness
from interviewer.messages import msg, table
from interviewer.safetext import safe_text


def clip(text: str, limit: int) -> str:
    """``text`` as one line of at most ``limit`` characters: cut at a word boundary (Latin) with an
    ellipsis, never mid-word; Chinese, which has no spaces, is cut at the limit with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6 and not re.search(r"[\u3400-\u9fff]", cut[space:]):
        cut = cut[:space]
    return cut.rstrip(" ,;:，；：") + "…"


def bar(score: int, width: int = 4) -> str:
    return "█" * score + "░" * (width - score)


def criterion_name(question: Question | None, criterion_id: str, lang: Lang) -> str:
    """The criterion's name, or its id when the question or the criterion is gone (a grade made
    under an older rubric version, a question removed from the bank)."""
    if criterion_id == correctness.CRITERION:
        return correctness.name(lang)
    if question is not None:
        try:
            return question.rubric.criterion(criterion_id).name.get(lang)
        except KeyError:
            pass
    return criterion_id


def _note_title(reference: str, bank: Bank | None) -> str:
    """The title of the note a reference (a note id or chunk id) names, or the reference when unknown."""
    note_id = reference.split("::")[0]
    note = bank.notes.get(note_id) if bank is not None and note_id else None
    return note.meta.title if note is not None else reference


def wrong_claims(grade: Grade, bank: Bank | None) -> list[tuple[str, str, str]]:
    """(the answer's words, the correction, the note title to read) for each wrong claim, first first."""
    return [(err.quote, err.correction, _note_title(err.reference, bank)) for err in grade.errors]


def unverified_lines(grade: Grade, bank: Bank | None, lang: Lang, esc: Callable[[str], str] = str) -> list[str]:
    """One line per sentence the judge could not verify, most likely first: the answer's words, the
    misconception they read close to, the correction and the note to read, each passed through ``esc``
    (the escaping of the export format)."""
    t = table("report", lang)
    out = []
    for d in grade.unverified:
        where = _note_title(d.reference, bank)
        out.append(
            f"? “{esc(clip(d.quote, 200))}” — {t['resembles']}: “{esc(clip(d.claim, 160))}”; "
            f"{t['if_meant']}: {esc(d.correction)}" + (f" ({t['read']}: {esc(where)})" if where else "")
        )
    return out


def grade_lines(grade: Grade, question: Question | None, lang: Lang, bank: Bank | None = None) -> list[str]:
    t = table("report", lang)
    lines = [
        f"{t['overall']}: {grade.overall:.0f}/100   ({t['judge']}: {grade.judge}"
        + (f", {t['flags']}: {', '.join(grade.flags)}" if grade.flags else "")
        + ")"
    ]
    wrong = wrong_claims(grade, bank)
    if wrong:
        lines.append(f"  {t['wrong']} ({len(wrong)}):")
        for quote, fix, where in wrong:
            lines.append(
                f"    ✗ “{clip(quote, 200)}” — {t['instead']}: {fix}" + (f" ({t['read']}: {where})" if where else "")
            )
    unsure = unverified_lines(grade, bank, lang)
    if unsure:
        lines.append(f"  {t['unverified']} ({len(unsure)}):")
        lines += [f"    {line}" for line in unsure]
    for c in grade.criteria:
        name = criterion_name(question, c.id, lang)
        lines.append(f"  {bar(c.score)} {c.score}/4  {name}")
        if c.reason:
            lines.append(f"      {c.reason}")
        for e in c.evidence[:3]:
            lines.append(f"      {quoted(c, clip(e, 200))}")
        for m in c.missing:
            lines.append(f"      - {t['missing']}: {m}")
        if c.references and bank is not None:  # where to read, by name: the ids only when unknown
            places = [where for _, where, _ in reading_list(c.references[:3], bank, lang)]
            lines.append(f"      {t['read']}: {'; '.join(dict.fromkeys(places))}")
    if grade.tests:
        lines += ["  " + line for line in tests_lines(grade.tests, lang)]
    return lines


def quoted(c: CriterionGrade, evidence: str) -> str:
    """Evidence as shown: a quote of the answer in quotation marks; a failing hidden test (the
    evidence of ``correctness``) as it is."""
    return evidence if c.id == correctness.CRITERION else f"“{evidence}”"


def tests_headline(run: dict[str, object], lang: Lang) -> str:
    """One line on a hidden-test run: '7/9 passed (failed, 0.41 s, peak 12 MB)' or why it did not run."""
    t = table("report", lang)
    colon = msg("sep.colon", lang)
    status = str(run.get("status") or "")
    if status == "skipped":
        return f"{t['tests']}{colon}{t['tests_skipped']} — {run.get('detail') or ''}".rstrip(" —")
    total = run.get("total", 0)
    # code that fails to import (or tests that fail to load) runs no test: "not run", not "0/0 passed"
    head = t["tests_passed"].format(passed=run.get("passed", 0), total=total) if total else t["tests_skipped"]
    time_s, peak = _num(run.get("time_s")), _num(run.get("peak_mb"))
    line = f"{t['tests']}{colon}{head} ({status}, {time_s:.2f} s, {peak:.0f} MB)"
    detail = str(run.get("detail") or "")
    return f"{line} — {' '.join(detail.split())[:300]}" if detail and status != "passed" else line


def test_cases(run: dict[str, object]) -> list[tuple[bool, str, str]]:
    """(passed, name, message) of each test of a run."""
    tests = run.get("tests")
    out = []
    for case in tests if isinstance(tests, list) else []:
        if isinstance(case, dict):
            out.append((bool(case.get("passed")), str(case.get("name", "")), str(case.get("message") or "")))
    return out


def tests_lines(run: dict[str, object], lang: Lang) -> list[str]:
    lines = [tests_headline(run, lang)]
    for ok, name, message in test_cases(run):
        tail = f": {' '.join(message.split())[:200]}" if message and not ok else ""
        lines.append(f"  {'✓' if ok else '✗'} {name}{tail}")
    return lines


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _fence(code: str) -> str:
    """A Markdown fence longer than any run of backticks in ``code`` (so the code cannot close it)."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def reading_list(refs: Sequence[str], bank: Bank, lang: Lang) -> list[tuple[str, str, str]]:
    """(chunk id, 'note title › section', gist) per reference: the gist is the section's Chinese
    summary in a Chinese report, else the start of its text. A reference whose note is gone keeps
    only its id (there is no name to show); one whose section is gone, the note's title."""
    from interviewer.rag.chunking import chunk_note

    wanted = {r.split("::")[0] for r in refs}
    chunks = {c.chunk_id: c for nid in wanted if nid in bank.notes for c in chunk_note(bank.notes[nid])}
    out = []
    for ref in refs:
        chunk = chunks.get(ref)
        if chunk is None:
            note = bank.notes.get(ref.split("::")[0])
            out.append((ref, note.meta.title if note is not None else ref, ""))
            continue
        where = f"{chunk.title} › {chunk.heading}" if chunk.heading else chunk.title
        gist = chunk.summary if lang == "zh" and chunk.summary else clip(_plain(chunk.text), 200)
        out.append((ref, where, gist))
    return out


def _plain(markdown: str) -> str:
    """Markdown prose as one plain line: no list markers, emphasis or code ticks."""
    text = re.sub(r"(?m)^\s*(?:[-*+]|\d+\.)\s+", "", markdown)
    return " ".join(re.sub(r"\*\*|__|`", "", text).split())


_RESULT_ORDER = {"wrong": 0, "missed": 1, "partial": 2}


def study_next(
    session: Session,
    bank: Bank,
    lang: Lang,
    cards: Mapping[str, Mapping[str, object]] | None = None,
    limit: int = 8,
) -> list[tuple[str, str, str, str]]:
    """What to study next after this session: (the key point, what the answer did with it, 'note
    title › section' to read, when the schedule brings it back — '' without ``cards``), for each
    point a grade of the session found stated wrongly, missed or made only partly, in that order.
    ``cards``: concept key -> its review card (``Progress.cards``)."""
    from interviewer.study.cards import point_results
    from interviewer.study.reading import ReadingGuide

    guide = ReadingGuide(bank, lang)
    rows: list[tuple[int, int, str, str, str, str]] = []
    for n, qid in enumerate(session.asked()):
        grade = session.grades.get(qid)
        q = bank.questions.get(qid)
        if grade is None or q is None:
            continue
        texts = {kp.id: kp.text.get(lang) for _, kp in q.rubric.key_points()}
        for r in point_results(grade):
            if r.result not in _RESULT_ORDER or r.key_point not in texts:
                continue
            found = guide.for_point(qid, r.key_point, wrong=r.result == "wrong")
            due = str((cards or {}).get(r.key, {}).get("due") or "")
            rows.append(
                (_RESULT_ORDER[r.result], n, texts[r.key_point], r.result, found.where if found else "", due[:16])
            )
    rows.sort(key=lambda row: row[:2])
    return [(text, result, where, due.replace("T", " ")) for _, _, text, result, where, due in rows[:limit]]


def _study_line(
    entry: tuple[str, str, str, str], lang: Lang, md: bool, escape: Callable[[str], str] | None = None
) -> str:
    """One point to study as a line: Markdown (``md``: escaped, the place in bold), or plain text
    passed through ``escape`` (HTML)."""
    text, result, where, due = entry
    t = table("report", lang)
    colon = msg("sep.colon", lang)
    esc = _md_text if md else (escape or _keep)
    line = f"{esc(clip(text, 160))} ({t['result_' + result]})"
    if where:
        place = f"**{esc(where)}**" if md else (f"<b>{esc(where)}</b>" if escape else where)
        line += f" — {t['read']}{colon}{place}"
    if due:
        line += f"; {t['back']}{colon}{esc(due)} UTC"
    return line


def transcript_markdown(
    session: Session,
    bank: Bank,
    lang: Lang | None = None,
    *,
    escape_html: bool = True,
    cards: Mapping[str, Mapping[str, object]] | None = None,
) -> str:
    """The session as Markdown. Session text is untrusted (answers, imported files, model output):
    terminal controls are always neutralised, and with ``escape_html`` (files meant to be rendered)
    HTML and link syntax in it are escaped so that viewing the file runs nothing and links nowhere.
    The terminal transcript (`show`, `replay --plain`) passes ``escape_html=False`` to stay readable.
    Ends with what to study next (see :func:`study_next`; ``cards`` add when each point is due)."""
    lang = lang or session.lang
    t = table("report", lang)
    md = _md_text if escape_html else _keep
    out = [
        f"# Interview {md(session.id)}",
        "",
        f"- {session.started_at:%Y-%m-%d %H:%M} UTC · {md(session.lang)} · {md(session.model or 'offline')} · "
        f"{md(', '.join(session.tracks) or 'all tracks')} · {md(session.status)}",
    ]
    overall = session.overall()
    if overall is not None:
        out.append(f"- **{t['overall']}: {overall:.0f}/100**")
    for n, qid in enumerate(session.asked(), start=1):
        q = bank.questions.get(qid)
        out += ["", f"## {n}. {t['q']}: {md(qid)}", ""]
        for turn in (x for x in session.turns if x.question_id == qid):
            if turn.kind == "question":
                out += [f"**{t['q']}.** {md(turn.text)}", ""]
            elif turn.kind == "follow_up":
                out += [f"**{t['f']} {turn.follow_up_index}.** {md(turn.text)}", ""]
            elif turn.kind == "answer":
                if turn.text.strip():
                    out += ["> " + md(turn.text).replace("\n", "\n> "), ""]
                if turn.code.strip():
                    fence = _fence(turn.code)
                    out += [f"**{t['code']}:**", "", f"{fence}python", turn.code.rstrip("\n"), fence, ""]
            elif turn.kind == "skip":
                out += [t["skipped"], ""]
        grade = session.grades.get(qid)
        if grade:
            out += [f"**{t['score']}: {grade.overall:.0f}/100** ({md(grade.judge)})", ""]
            if grade.tests:
                head, *cases = tests_lines(grade.tests, lang)
                out += [f"**{md(head)}**", ""]
                out += [f"- {md(c.strip())}" for c in cases]
                out.append("")
            wrong = wrong_claims(grade, bank)
            if wrong:
                out += [f"**{t['wrong']} ({len(wrong)}):**", ""]
                out += [
                    f"- ✗ “{md(clip(quote, 200))}” — {t['instead']}: {md(fix)}"
                    + (f" ({t['read']}: {md(where)})" if where else "")
                    for quote, fix, where in wrong
                ]
                out.append("")
            unsure = unverified_lines(grade, bank, lang, md)
            if unsure:
                out += [f"**{t['unverified']} ({len(unsure)}):**", "", *(f"- {line}" for line in unsure), ""]
            out += [
                f"| {t['criterion']} | {t['score']} | {t['evidence']} | {t['missing']} |",
                "|---|---|---|---|",
            ]
            for c in grade.criteria:
                name = criterion_name(q, c.id, lang)
                ev = "<br>".join(quoted(c, _md_cell(md(clip(e, 160)))) for e in c.evidence[:2]) or "—"
                miss = "<br>".join(_md_cell(md(m)) for m in c.missing) or "—"
                out.append(f"| {_md_cell(md(name))} | {bar(c.score)} {c.score}/4 | {ev} | {miss} |")
            if q is not None and q.model_answer is not None:
                out += ["", f"**{t['model_answer']}:**", "", "> " + md(q.model_answer.get(lang)).replace("\n", "\n> ")]
            refs = sorted({r for c in grade.criteria for r in c.references})
            if refs:
                out += ["", f"{t['read']}:", ""]
                out += [
                    f"- **{md(where)}**{f' — {md(gist)}' if gist else ''}"
                    for _, where, gist in reading_list(refs, bank, lang)
                ]
    study = study_next(session, bank, lang, cards)
    if study:
        out += ["", f"## {t['study_next']}", ""]
        out += [f"- {_study_line(entry, lang, escape_html)}" for entry in study]
    if session.summary:
        out += ["", f"## {t['summary']}", "", md(session.summary)]
    return safe_text("\n".join(out) + "\n")


def _keep(text: str) -> str:
    return text


def _md_text(text: str) -> str:
    """Untrusted text inside Markdown: HTML tags and entities shown as text (`<script>` stays
    `<script>` on screen, never an element), and no link or image syntax (`[x](javascript:…)`,
    `![](https://tracker)`) — brackets are backslash-escaped."""
    return html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def score_chart_svg(points: Sequence[tuple[str, float]], width: int = 560, height: int = 160) -> str:
    """A small inline SVG line chart of scores (0-100) over sessions."""
    if not points:
        return ""
    pad = 24
    n = len(points)
    xs = [pad + (width - 2 * pad) * (i / max(1, n - 1)) for i in range(n)]
    ys = [height - pad - (height - 2 * pad) * (v / 100) for _, v in points]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(zip(xs, ys, strict=True)))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{html.escape(label)}: {v:.0f}</title></circle>'
        for (label, v), x, y in zip(points, xs, ys, strict=True)
    )
    grid = "".join(
        f'<line x1="{pad}" x2="{width - pad}" y1="{height - pad - (height - 2 * pad) * g / 100:.1f}" '
        f'y2="{height - pad - (height - 2 * pad) * g / 100:.1f}" class="grid"/>'
        for g in (0, 50, 100)
    )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="scores over sessions">{grid}<path d="{path}" fill="none"/>{dots}</svg>'
    )


TRACK_COLOURS = ("#2f6f9f", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b8860b", "#34495e")
"""One colour per track (nine tracks), told apart by the legend beside the chart too."""


def _time(at: str) -> float:
    try:
        return datetime.fromisoformat(at).timestamp()
    except ValueError:
        return 0.0


def track_chart_svg(
    series: Mapping[str, Sequence[tuple[str, float]]],
    labels: Mapping[str, str] | None = None,
    *,
    caption: str = "per track over time",
    unit: str = "",
    width: int = 560,
    height: int = 200,
) -> str:
    """A static inline SVG line chart with one series per track over a shared time axis: values
    0-100 at ISO times, each track a ``<g class="series" data-track=…>`` (its path, a dot per point
    with a tooltip) in its own colour (inline styles: the report's ``.chart`` rules would paint every
    track alike), and a legend of the tracks' names (``labels``) beside it.
    Every label is escaped; no script, no external resource. '' without any point."""
    series = {t: list(pts) for t, pts in series.items() if pts}
    if not series:
        return ""
    e = html.escape
    labels = labels or {}
    pad, legend_w = 28, 170
    plot_w = width - legend_w
    height = max(height, 2 * pad + 18 * len(series))
    times = [_time(at) for pts in series.values() for at, _ in pts]
    t0, t1 = min(times), max(times)

    def x(at: str) -> float:
        return pad + (plot_w - 2 * pad) * ((_time(at) - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(v: float) -> float:
        return height - pad - (height - 2 * pad) * max(0.0, min(100.0, v)) / 100

    grid = "".join(
        f'<line x1="{pad}" x2="{plot_w - pad}" y1="{y(g):.1f}" y2="{y(g):.1f}" class="grid"/>'
        f'<text x="{pad - 4}" y="{y(g) + 4:.1f}" text-anchor="end" class="axis">{g}</text>'
        for g in (0, 50, 100)
    )
    groups, legend = [], []
    for i, (track, pts) in enumerate(series.items()):
        colour = TRACK_COLOURS[i % len(TRACK_COLOURS)]
        name = labels.get(track, track)
        path = " ".join(f"{'M' if j == 0 else 'L'}{x(at):.1f},{y(v):.1f}" for j, (at, v) in enumerate(pts))
        dots = "".join(
            f'<circle cx="{x(at):.1f}" cy="{y(v):.1f}" r="3" style="fill:{colour}">'
            f"<title>{e(name)} · {e(at[:16].replace('T', ' '))}: {v:.0f}{e(unit)}</title></circle>"
            for at, v in pts
        )
        groups.append(
            f'<g class="series" data-track="{e(track)}"><title>{e(name)}</title>'
            f'<path d="{path}" style="fill:none;stroke:{colour};stroke-width:2"/>{dots}</g>'
        )
        ly = pad + 18 * i
        legend.append(
            f'<g class="legend" data-track="{e(track)}"><rect x="{plot_w + 4}" y="{ly - 9}" width="12" height="12" '
            f'style="fill:{colour}"/><text x="{plot_w + 22}" y="{ly + 1}">{e(clip(name, 22))}</text></g>'
        )
    return (
        f'<svg class="chart tracks" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{e(caption)}">{grid}{"".join(groups)}{"".join(legend)}</svg>'
    )


def track_series(
    tracks: Mapping[str, Mapping[str, object]], lang: Lang, known: Mapping[str, Track] | None = None
) -> tuple[dict[str, list[tuple[str, float]]], dict[str, str], bool]:
    """The per-track chart's data from ``progress --json``'s ``tracks``: recall (%) over time from
    each track's ``retention_series`` when any track has one, else its scores (``series``); with
    the tracks' names in ``lang`` (from ``known``, the bank's tracks; the id for one it does not
    declare) and whether the values are recall."""
    recall = any(isinstance(v.get("retention_series"), list) and v.get("retention_series") for v in tracks.values())
    out: dict[str, list[tuple[str, float]]] = {}
    for track, v in tracks.items():
        raw = v.get("retention_series" if recall else "series")
        points = []
        for point in raw if isinstance(raw, list) else []:
            value = point.get("retention" if recall else "score") if isinstance(point, dict) else None
            if isinstance(value, int | float) and isinstance(point.get("at"), str):
                points.append((str(point["at"]), float(value) * (100 if recall else 1)))
        if points:
            out[track] = points
    names = {t: track_name(known or {}, t, lang) for t in out}
    return out, names, recall


_CSS = """
body{font:15px/1.55 -apple-system,Segoe UI,Roboto,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1d2430;background:#fbfbf8}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
blockquote{margin:.5rem 0;padding:.5rem 1rem;background:#f0f3f7;border-left:3px solid #8aa4c8;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;margin:.8rem 0}td,th{border:1px solid #ddd;padding:.35rem .5rem;
vertical-align:top;text-align:left}th{background:#eef1f4}.bar{font-family:monospace;color:#2f6f4f}
.meta{color:#667}.score{font-weight:600}.chart path{stroke:#2f6f9f;stroke-width:2}.chart circle{fill:#2f6f9f}
.chart .grid{stroke:#ddd}.chart.tracks path{stroke-width:2}.chart text{font-size:11px;fill:#445}
.chart .axis{fill:#889}.missing{color:#9a3b2b}.q{font-weight:600}
pre.code{background:#f4f4f0;border:1px solid #ddd;padding:.6rem;overflow-x:auto;font-size:13px}
"""


def transcript_html(
    session: Session,
    bank: Bank,
    lang: Lang | None = None,
    history: Sequence[tuple[str, float]] = (),
    *,
    tracks: Mapping[str, Mapping[str, object]] | None = None,
    cards: Mapping[str, Mapping[str, object]] | None = None,
) -> str:
    """A self-contained HTML report (inline CSS and SVG, no external resources). ``history``: the
    overall score per session (a chart); ``tracks``: ``progress --json``'s tracks (a chart of recall
    per track over time); ``cards``: the review cards (when each point to study comes back)."""
    lang = lang or session.lang
    t = table("report", lang)
    e = html.escape
    parts = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>Interview {e(session.id)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Interview {e(session.id)}</h1>",
        f'<p class="meta">{session.started_at:%Y-%m-%d %H:%M} UTC · {e(session.model or "offline")} · '
        f"{e(', '.join(session.tracks) or 'all tracks')} · {e(session.status)}</p>",
    ]
    overall = session.overall()
    if overall is not None:
        parts.append(f'<p class="score">{t["overall"]}: {overall:.0f}/100</p>')
    per_track, names, recall = track_series(tracks or {}, lang, bank.tracks)
    per_track_svg = track_chart_svg(
        per_track, names, caption=t["by_track" if recall else "by_track_scores"], unit="%" if recall else ""
    )
    if len(history) > 1 or per_track_svg:
        parts.append(f"<h2>{t['progress']}</h2>")
    if len(history) > 1:
        parts.append(score_chart_svg(history))
    if per_track_svg:
        parts.append(f'<p class="meta">{t["by_track" if recall else "by_track_scores"]}</p>{per_track_svg}')
    for n, qid in enumerate(session.asked(), start=1):
        q = bank.questions.get(qid)
        parts.append(f"<h2>{n}. {e(q.prompt(lang) if q else qid)}</h2>")
        for turn in (x for x in session.turns if x.question_id == qid):
            if turn.kind == "follow_up":
                parts.append(f'<p class="q">{t["f"]} {turn.follow_up_index}: {e(turn.text)}</p>')
            elif turn.kind == "answer":
                if turn.text.strip():
                    parts.append(f"<blockquote>{e(turn.text)}</blockquote>")
                if turn.code.strip():
                    parts.append(f'<p class="q">{t["code"]}:</p><pre class="code"><code>{e(turn.code)}</code></pre>')
            elif turn.kind == "skip":
                parts.append(f"<p>{t['skipped']}</p>")
        grade = session.grades.get(qid)
        if not grade:
            continue
        parts.append(
            f'<p class="score">{t["score"]}: {grade.overall:.0f}/100 <span class="meta">({e(grade.judge)}'
            + (f"; {e(', '.join(grade.flags))}" if grade.flags else "")
            + ")</span></p>"
        )
        if grade.tests:
            head, *cases = tests_lines(grade.tests, lang)
            parts.append(f'<p class="tests"><strong>{e(head)}</strong></p><ul class="tests">')
            parts += [f"<li>{e(c.strip())}</li>" for c in cases]
            parts.append("</ul>")
        wrong = wrong_claims(grade, bank)
        if wrong:
            parts.append(f"<p><strong>{t['wrong']}:</strong></p><ul>")
            for quote, fix, where in wrong:
                read = f" ({t['read']}: {e(where)})" if where else ""
                parts.append(f"<li>✗ “{e(clip(quote, 200))}” — {t['instead']}: {e(fix)}{read}</li>")
            parts.append("</ul>")
        unsure = unverified_lines(grade, bank, lang, e)
        if unsure:
            parts.append(f"<p><strong>{t['unverified']}:</strong></p><ul>")
            parts += [f"<li>{line}</li>" for line in unsure]
            parts.append("</ul>")
        parts.append(
            f"<table><tr><th>{t['criterion']}</th><th>{t['score']}</th><th>{t['evidence']}</th>"
            f"<th>{t['missing']}</th></tr>"
        )
        for c in grade.criteria:
            name = criterion_name(q, c.id, lang)
            ev = "<br>".join(quoted(c, e(clip(x, 200))) for x in c.evidence[:3]) or "—"
            miss = "<br>".join(e(m) for m in c.missing) or "—"
            parts.append(
                f'<tr><td>{e(name)}<br><small class="meta">{e(c.reason)}</small></td>'
                f'<td class="bar">{bar(c.score)} {c.score}/4</td><td>{ev}</td><td class="missing">{miss}</td></tr>'
            )
        parts.append("</table>")
        if q is not None and q.model_answer is not None:
            parts.append(
                f'<details class="model"><summary>{t["model_answer"]}</summary>'
                f"<blockquote>{e(q.model_answer.get(lang))}</blockquote></details>"
            )
        refs = sorted({r for c in grade.criteria for r in c.references})
        if refs:
            parts.append(f"<p>{t['read']}:</p><ul>")
            for _, where, gist in reading_list(refs, bank, lang):
                tail = f"<br><small>{e(gist)}</small>" if gist else ""
                parts.append(f"<li><b>{e(where)}</b>{tail}</li>")
            parts.append("</ul>")
    study = study_next(session, bank, lang, cards)
    if study:
        parts.append(f'<h2>{t["study_next"]}</h2><ul class="study">')
        parts += [f"<li>{_study_line(entry, lang, md=False, escape=e)}</li>" for entry in study]
        parts.append("</ul>")
    if session.summary:
        parts.append(f"<h2>{t['summary']}</h2><pre style='white-space:pre-wrap'>{e(session.summary)}</pre>")
    parts.append("</body></html>")
    return safe_text("\n".join(parts))
