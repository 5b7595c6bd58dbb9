"""The offline judge's feedback in words: why a criterion scored what it did and the grade's summary, written
from what the answer said (its wrong claims first, then what it states, names, comes close to and leaves out)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.domain import KeyPoint, Lang
from interviewer.judge.coverage import TOUCHED, Coverage, FoundError, KeyPointCoverage
from interviewer.messages import msg, table
from interviewer.textproc import has_cjk, term_pattern


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(kp: KeyPoint, lang: Lang) -> str:
    return _short(kp.text.get(lang), 60)


def reason(
    score: int,
    covered: Sequence[KeyPointCoverage],
    missing: Sequence[KeyPointCoverage],
    wrong: Sequence[FoundError],
    capped: str,
    lang: Lang,
    answer: str,
) -> str:
    """Why a criterion scored what it did, from what the answer said: its wrong claims first, then
    what it states, then the points it only names (by a term found in ``answer``), the one it comes
    closest to without stating it, then what it leaves out."""
    w = table("offline.reason", lang)
    parts = [
        w["wrong"].format(
            quote=_short(e.quote, 70),
            fix=_short((e.misconception.correction if e.misconception else e.key_point.text).get(lang), 90),
        )
        for e in wrong
    ]
    stated = covered[0].evidence if covered and score > 0 else None
    if stated is not None:
        parts.append(w["states"].format(quote=_short(stated, 70)))
    wrong_ids = {e.key_point.id for e in wrong}
    # A point the answer names without stating it ("I merge the two lists with RRF" for the fusion
    # formula) is said to be named, so the feedback does not read as if the judge missed the word.
    named = [p for p in missing if p.key_point.id not in wrong_ids and p.alias_hits and p.coverage >= TOUCHED][:2]
    parts += [
        w["named"].format(term=as_written(p.alias_hits[0], answer), point=_label(p.key_point, lang)) for p in named
    ]
    said = wrong_ids | {p.key_point.id for p in named}
    # A point the answer comes close to without stating it is shown with the sentence that comes closest,
    # so a partial score does not read as "not covered" next to an answer that touched it.
    near = [p for p in missing if p.key_point.id not in said and p.nearest][:1]
    parts += [
        w["near_same"].format(point=_label(p.key_point, lang))  # the sentence just quoted: not twice
        if p.nearest == stated
        else w["near"].format(quote=_short(p.nearest or "", 60), point=_label(p.key_point, lang))
        for p in near
    ]
    said |= {p.key_point.id for p in near}
    gaps = [_label(p.key_point, lang) for p in missing if p.key_point.id not in said]
    if gaps:
        parts.append(w["gaps"] + w["join"].join(gaps[:3]) + (w["more"] if len(gaps) > 3 else ""))
    if not covered and not wrong and not gaps:
        parts.append(w["nothing"])
    text = f"{score}/4{w['dash']}" + w["join"].join(parts)
    return text + (w["capped"].format(capped) if capped else "")


def as_written(term: str, answer: str) -> str:
    """``term`` (an alias, as the bank spells it) the way ``answer`` writes it ("RRF" for "rrf"); a Latin
    term as a whole word, as ``contains_term`` found it ("rag" is not the "rag" of "fragment")."""
    body = re.escape(term) if has_cjk(term) else term_pattern(term.lower(), inflected=True)
    pattern = body.replace(r"\ ", r"\s*")
    if not has_cjk(term):  # with an ending it may take ("A/B tested"), as the coverage found it
        pattern = rf"(?<![a-z0-9]){pattern}(?![a-z0-9])"
    found = re.search(pattern, answer, re.IGNORECASE)
    return found.group(0) if found else term


def summary(cov: Coverage, lang: Lang) -> str:
    covered, missing = cov.covered(), cov.missing()
    n_err = len(cov.errors)
    head = msg("offline.summary.covered", lang, n=len(covered), total=len(cov.points))
    head += (
        msg("offline.summary.errors", lang, n=n_err, s="s" if n_err > 1 else "")
        if n_err
        else msg("offline.summary.end", lang)
    )
    todo = msg("sep.semicolon", lang).join(p.key_point.text.get(lang) for p in missing[:3])
    head += msg("offline.summary.to_add", lang) + todo if missing else ""
    if cov.self_assessed:
        head += (msg("offline.summary.end", lang) if missing else "") + msg(
            "offline.summary.self_assessed", lang, quote=_short(cov.self_assessed[0], 60)
        )
    return head
