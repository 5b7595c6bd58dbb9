# ruff: noqa  (a deliberately broken solution: the hidden tests must catch it)
"""Mutant (chunk_positions_not_offset): band-masked attention, and a cache that keeps only the last ``window`` keys/values."""

from __future__ import annotations

import numpy as np


def _attend(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, q_pos: np.ndarray, k_pos: np.ndarray, window: int
) -> np.ndarray:
    scores = (q @ k.T) / np.sqrt(q.shape[-1])
    allowed = (k_pos[None, :] <= q_pos[:, None]) & (k_pos[None, :] > q_pos[:, None] - window)
    scores = np.where(allowed, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v


def sliding_window_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, window: int) -> np.ndarray:
    pos = np.arange(q.shape[0])
    return _attend(q, k, v, pos, pos, window)


class SlidingWindowCache:
    def __init__(self, window: int, dim: int) -> None:
        self.window = window
        self.dim = dim
        self._k = np.zeros((0, dim))
        self._v = np.zeros((0, dim))
        self._pos = 0

    def __len__(self) -> int:
        return self._k.shape[0]

    @property
    def position(self) -> int:
        return self._pos

    def keys(self) -> np.ndarray:
        return self._k

    def values(self) -> np.ndarray:
        return self._v

    def step(self, q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
        t = q.shape[0]
        all_k = np.concatenate([self._k, k])
        all_v = np.concatenate([self._v, v])
        k_pos = np.arange(self._pos - len(self), self._pos + t)
        q_pos = np.arange(len(self), len(self) + t)
        out = _attend(q, all_k, all_v, q_pos, k_pos, self.window)
        self._k = all_k[-self.window :].copy()
        self._v = all_v[-self.window :].copy()
        self._pos += t
        return out
