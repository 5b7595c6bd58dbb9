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


if __name__ == "__main__":
    main()
