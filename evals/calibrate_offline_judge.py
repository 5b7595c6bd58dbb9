"""Derive the offline judge's similarity calibration from the question bank alone (not the eval sets).

For each language pair (answer language x key-point language), the floor is the typical best
similarity between a key point and key points of *other tracks* (text on a different topic:
what an off-topic answer looks like to the embedder); the ceiling is the similarity between a
key point and its own translation's neighbours in the same question (text on the same point).
Run: python evals/calibrate_offline_judge.py
"""

from __future__ import annotations

import random

import numpy as np

from interviewer.bank import load_bank
from interviewer.rag.embedders import get_embedder


def main() -> None:
    bank = load_bank()
    emb = get_embedder("e5-small")
    points = [(q.track, q.id, k) for q in bank.questions.values() for _, k in q.rubric.key_points()]
    random.Random(0).shuffle(points)
    points = points[:240]
    zh = emb.embed_queries([k.text.zh for _, _, k in points])
    en = emb.embed_queries([k.text.en for _, _, k in points])
    vec = {"zh": zh, "en": en}
    tracks = np.array([t for t, _, _ in points])
    for a in ("zh", "en"):
        for b in ("zh", "en"):
            sims = vec[a] @ vec[b].T
            floor = []
            for i in range(len(points)):
                other = sims[i][tracks != tracks[i]]
                floor.append(np.sort(other)[-10:].mean())  # best of ~10 unrelated sentences
            same = np.diag(sims) if a != b else None
            print(
                f"answer {a} vs key point {b}: floor {np.mean(floor):.3f}"
                + (f", translation pairs {np.mean(same):.3f}" if same is not None else "")
            )


def misconception_margin(percentile: float = 98.0) -> float:
    """The raw-cosine margin by which a unit must be closer to a misconception than to its key point
    to state it, derived from correct text in the bank: the sentences of every model answer (zh and
    en). Returns the ``percentile`` of their margins (over units close enough to a misconception to
    be judged at all), so that correct text crosses it rarely."""
    from interviewer.judge.offline import MISCONCEPTION_FLOOR, OfflineJudge, answer_units, calibrated
    from interviewer.textproc import has_cjk

    bank = load_bank()
    judge = OfflineJudge(get_embedder("e5-small"))
    margins: list[float] = []
    for q in bank.questions.values():
        if q.model_answer is None:
            continue
        targets = judge._targets(q)
        n = len(q.rubric.key_points())
        for text in (q.model_answer.zh, q.model_answer.en):
            units = [u for u in answer_units(text) if not u.code]
            if not units or not targets.misconceptions:
                continue
            raw = judge._embed_units([u.text for u in units]) @ targets.vectors.T
            scores = calibrated(raw, ["zh" if has_cjk(u.text) else "en" for u in units])
            for ui, u in enumerate(units):
                col = 0 if has_cjk(u.text) else 1
                best = [
                    float(raw[ui, 2 + 2 * n + 2 * j + col] - raw[ui, 2 + 2 * i + col])
                    for j, (i, _) in enumerate(targets.misconceptions)
                    if scores[ui, 1 + n + j] >= MISCONCEPTION_FLOOR
                ]
                if best:
                    margins.append(max(best))
    value = float(np.percentile(margins, percentile)) if margins else 0.0
    print(f"misconception margin: p{percentile:.0f} of {len(margins)} correct units = {value:.4f}")
    return value


if __name__ == "__main__":
    main()
    misconception_margin()
