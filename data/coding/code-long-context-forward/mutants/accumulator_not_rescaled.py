# ruff: noqa  (a deliberately broken solution: the hidden tests must catch it)
"""Mutant (accumulator_not_rescaled): tiled attention with an online softmax (FlashAttention's forward, in NumPy)."""

from __future__ import annotations

import numpy as np


def naive_causal_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    m, n = q.shape[0], k.shape[0]
    scores = q @ k.T / np.sqrt(q.shape[1])
    q_pos = np.arange(n - m, n)[:, None]
    scores = np.where(np.arange(n)[None, :] <= q_pos, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (weights / weights.sum(axis=1, keepdims=True)) @ v


def chunked_causal_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, block: int = 128) -> np.ndarray:
    m, n, d = q.shape[0], k.shape[0], q.shape[1]
    scale = 1.0 / np.sqrt(d)
    offset = n - m
    out = np.empty((m, v.shape[1]), dtype=np.result_type(q, v))
    for qs in range(0, m, block):
        qe = min(qs + block, m)
        qb = q[qs:qe] * scale
        q_pos = np.arange(qs, qe)[:, None] + offset
        row_max = np.full((qe - qs, 1), -np.inf)
        row_sum = np.zeros((qe - qs, 1))
        acc = np.zeros((qe - qs, v.shape[1]))
        last_key = offset + qe - 1
        for ks in range(0, last_key + 1, block):
            ke = min(ks + block, n)
            s = qb @ k[ks:ke].T
            s = np.where(np.arange(ks, ke)[None, :] <= q_pos, s, -np.inf)
            new_max = np.maximum(row_max, s.max(axis=1, keepdims=True))
            correction = np.exp(row_max - new_max)
            p = np.exp(s - new_max)
            row_sum = row_sum * correction + p.sum(axis=1, keepdims=True)
            acc = acc + p @ v[ks:ke]
            row_max = new_max
        out[qs:qe] = acc / row_sum
    return out
