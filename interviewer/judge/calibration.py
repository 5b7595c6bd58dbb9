"""What an embedder's cosines mean to the offline judge: per pair of (answer language, key-point language),
the similarity at which a sentence says nothing about a key point (LOW) and the one at which it states it
(HIGH), and how that table is derived from the question bank alone.

multilingual-e5-small's cosines crowd into 0.8-0.95 and sit higher for Chinese-Chinese pairs than for
English-English or cross-lingual ones, so one threshold cannot serve every pair. The floor of a pair is
how close a key point comes to the key points of *other tracks* (text on another topic: what an off-topic
answer looks like to the embedder): LOW = floor - 0.01, HIGH = floor + 0.045. Nothing here is fitted to
an eval set. Another embedder's cosines mean other things (with all-MiniLM-L6-v2 a strong answer read as
off topic), so an embedder without a table is not used by the judge: ``Services`` grades with e5-small
and every grade says so. ``python evals/calibrate_offline_judge.py --embedder SPEC`` derives a table.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np

from interviewer.domain import Lang

if TYPE_CHECKING:
    from interviewer.bank import Bank
    from interviewer.rag.embedders import Embedder

Table = dict[tuple[str, str], tuple[float, float]]
"""(answer language, key-point language) -> (LOW, HIGH)."""

CALIBRATIONS: dict[str, Table] = {
    "e5-small": {
        ("zh", "zh"): (0.887, 0.942),
        ("zh", "en"): (0.824, 0.879),
        ("en", "zh"): (0.822, 0.877),
        ("en", "en"): (0.849, 0.904),
    },
}
"""Per embedder setting, as :func:`derive` gave it (e5-small's on the bank of 2026-11-30; the bank has grown
since and each floor has moved by 0.001)."""
CALIBRATION = CALIBRATIONS["e5-small"]

BELOW_FLOOR = 0.01
ABOVE_FLOOR = 0.045
SAMPLE = 240
"""Key points drawn (with a fixed seed) to measure the floors: enough for a stable mean (~2 s with e5)."""
NEIGHBOURS = 10
"""A key point's floor is the mean similarity of its this many nearest key points of other tracks."""
LANGS: tuple[Lang, Lang] = ("zh", "en")


def calibration_for(spec: str) -> Table | None:
    """The judge's similarity calibration for an embedder setting ('e5-small', ...), or None."""
    return CALIBRATIONS.get(spec)


def calibrated(sims: np.ndarray, unit_langs: list[str], calibration: Table | None = None) -> np.ndarray:
    """Map raw cosines (units x [zh, en, zh, en, ...] targets) to 0..1 'states it' scores, taking
    for each unit and target pair the better of its zh and en versions."""
    table = calibration or CALIBRATION
    out = np.zeros((sims.shape[0], sims.shape[1] // 2), dtype=np.float32)
    for i, lang in enumerate(unit_langs):
        for j, target_lang in enumerate(LANGS):
            lo, hi = table[(lang, target_lang)]
            out[i] = np.maximum(out[i], np.clip((sims[i, j::2] - lo) / (hi - lo), 0.0, 1.0))
    return out


def floors(embedder: Embedder, bank: Bank) -> dict[tuple[str, str], float]:
    """Per (answer language, key-point language): how close a key point typically comes to the key points
    of other tracks (the mean over :data:`SAMPLE` key points of their :data:`NEIGHBOURS` nearest there)."""
    points = [(q.track, k) for q in bank.questions.values() for _, k in q.rubric.key_points()]
    random.Random(0).shuffle(points)
    points = points[:SAMPLE]
    vectors = {lang: embedder.embed_queries([k.text.get(lang) for _, k in points]) for lang in LANGS}
    tracks = np.array([t for t, _ in points])
    out: dict[tuple[str, str], float] = {}
    for a in LANGS:
        for b in LANGS:
            sims = vectors[a] @ vectors[b].T
            near = [np.sort(sims[i][tracks != tracks[i]])[-NEIGHBOURS:].mean() for i in range(len(points))]
            out[(a, b)] = round(float(np.mean(near)), 3)
    return out


def derive(measured: dict[tuple[str, str], float]) -> Table:
    """The calibration table an embedder's :func:`floors` give."""
    return {pair: (round(floor - BELOW_FLOOR, 3), round(floor + ABOVE_FLOOR, 3)) for pair, floor in measured.items()}
