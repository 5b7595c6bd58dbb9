"""Sentences in doubt: a unit that reads closer (by e5) to one of a key point's misconceptions than to the point
itself. Not a verdict: a doubt costs nothing. It leads a doubt check (the interviewer puts the claim to the
candidate, ``judge/checks.py``), a model judge's suspects, and, where the lean means something, a grade's
"worth checking" list."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from interviewer.domain import ClaimDoubt, Criterion, KeyPoint, Lang, Misconception
from interviewer.judge.coverage import Coverage, Doubt
from interviewer.judge.units import Unit, in_answer
from interviewer.textproc import has_cjk

LEAN = 0.02
"""A unit whose raw cosine to one of a key point's misconceptions exceeds its cosine to the key point
itself (same language) by more than this may be saying the wrong thing: the interviewer asks about it
(a doubt, ``judge/checks.py``). Measured on the eval sets, embedding similarity alone cannot tell a
minimal-edit misconception from the truth reliably enough to call it an error (about half the units
it would flag were correct); errors come from lexical evidence (tell-tale phrases, negation, rival
subjects, wrong figures). Nor does a lean withhold credit: withholding a key point from a unit that read
closer to one of its misconceptions than to every statement of its truth (by 0.03) was measured on the claim
sets to take ~5 times as much from correct answers as from wrong ones, and the grade then called "missing"
a point the sentence stated ("accuracy is high at the start or the end and drops in the middle")."""
LEAN_FLOOR = 0.8
"""Calibrated similarity to a misconception at which a unit is clearly about it (a generic clause such
as "applied in an absolute way" is near everything and leans nowhere)."""
MAX_UNVERIFIED = 3
"""At most this many unverified sentences per grade: they are leads to check, not a verdict."""
SHOWN_LEAN: dict[Lang, float | None] = {"zh": 0.06, "en": None}
"""The lean (see LEAN) at which a grade lists a sentence as worth checking, by the sentence's language; None:
never. Measured on fresh wordings of 352 misconceptions and correct sentences on the same points
(``evals/research/claim_probes``): a Chinese sentence leans past 0.06 towards its misconception 4 times as
often when it states it as when it is true (0.18 against 0.045); an English one leans as often either way at
every margin (0.57 against 0.67 at LEAN, 0.39 against 0.40 at 0.06), and every English expert answer of the
claim sets listed one. A doubt the grade does not list still leads a doubt check and a model judge's suspects."""
MAX_SUSPECTS = 4
"""Sentences in doubt a model judge is asked to verify (``OfflineJudge.suspects``)."""


def unverified(cov: Coverage, answer: str, lang: Lang) -> list[ClaimDoubt]:
    """The doubts a grade reports: leaning past SHOWN_LEAN, quoted verbatim, none about a key point already
    found wrong, one per quote (its likeliest misconception: a short clause reads close to several
    misconceptions of its topic at once, and listing each is noise about one sentence), at most
    MAX_UNVERIFIED (most likely first)."""
    first: dict[str, Doubt] = {}
    for d in cov.open_doubts():
        if (bar := SHOWN_LEAN["zh" if has_cjk(d.quote) else "en"]) is not None and d.margin > bar:
            first.setdefault(d.quote, d)
    return shown_doubts(list(first.values()), answer, lang, MAX_UNVERIFIED)


def shown_doubts(doubts: Sequence[Doubt], answer: str, lang: Lang, limit: int) -> list[ClaimDoubt]:
    """The first ``limit`` of ``doubts`` whose quote is in ``answer`` (verbatim), as ClaimDoubts."""
    shown = [d for d in doubts if in_answer(d.quote, answer)]
    return [d.claim_doubt(lang) for d in shown[:limit]]


def lean_matrix(
    raw: np.ndarray, scores: np.ndarray, units: list[Unit], n: int, misconceptions: Sequence[tuple[int, Misconception]]
) -> np.ndarray:
    """Units x misconceptions: how much closer (raw cosine, in the unit's language) a unit reads to each
    misconception than to the misconception's own key point (above LEAN, a doubt); -inf where the unit is
    code or not clearly about that misconception (calibrated score under LEAN_FLOOR). A lean is never
    taken as a verdict: it costs the unit no credit (see LEAN)."""
    m = len(misconceptions)
    if not m or not units:
        return np.full((len(units), m), -np.inf, dtype=np.float32)
    col = np.array([[0 if has_cjk(u.text) else 1] for u in units])
    owners = np.array([i for i, _ in misconceptions])
    rows = np.arange(len(units))[:, None]
    point = raw[rows, 2 + 2 * owners + col]
    wrong = raw[rows, 2 + 2 * n + 2 * np.arange(m) + col]
    close = scores[:, 1 + n : 1 + n + m] >= LEAN_FLOOR
    code = np.array([[u.code] for u in units])
    return np.where(close & ~code, wrong - point, -np.inf)


def doubted(leans: np.ndarray, misconceptions: Sequence[tuple[int, Misconception]], n: int) -> np.ndarray:
    """Units x key points: the unit leans towards one of the point's misconceptions (a doubt)."""
    out = np.zeros((leans.shape[0], n), dtype=bool)
    for j, (i, _) in enumerate(misconceptions):
        out[:, i] |= leans[:, j] > LEAN
    return out


def found(
    leans: np.ndarray,
    units: list[Unit],
    good: list[int],
    pairs: Sequence[tuple[Criterion, KeyPoint]],
    misconceptions: Sequence[tuple[int, Misconception]],
    wrong_points: Collection[int],
) -> list[Doubt]:
    """The misconceptions some unit of ``good`` leans towards (see LEAN), strongest lean first (ties: the one
    the answer leans to first), one per misconception; none for a key point already found wrong (that one
    is an error, not a doubt)."""
    if not good:
        return []
    ranked: list[tuple[float, int, int, Doubt]] = []
    for j, (i, m) in enumerate(misconceptions):
        if i in wrong_points:
            continue
        column = leans[good, j]
        over = np.flatnonzero(column > LEAN)
        if not len(over):
            continue
        best = good[int(column.argmax())]
        margin = round(float(column.max()), 4)
        criterion, kp = pairs[i]
        ranked.append((-margin, int(over[0]), j, Doubt(criterion, kp, m, units[best].quote, margin)))
    return [d for *_, d in sorted(ranked, key=lambda f: f[:3])]
