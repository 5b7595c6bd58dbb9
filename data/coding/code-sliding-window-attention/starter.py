"""Sliding-window attention with a rolling KV cache. Implement the two pieces below with NumPy.

Rule: query i attends to keys j with  i - window < j <= i  (causal, window positions including itself),
scores scaled by 1/sqrt(d), softmax over the allowed keys only.
"""

from __future__ import annotations

import numpy as np


def sliding_window_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, window: int) -> np.ndarray:
    """q, k, v: (n, d) float arrays. Returns the (n, d) attention output."""
    raise NotImplementedError


class SlidingWindowCache:
    """A KV cache for incremental decoding that never holds more than ``window`` positions."""

    def __init__(self, window: int, dim: int) -> None:
        self.window = window
        self.dim = dim

    def __len__(self) -> int:
        """Number of positions currently held (never more than ``window``)."""
        raise NotImplementedError

    @property
    def position(self) -> int:
        """Number of tokens seen so far (the absolute position of the next token)."""
        raise NotImplementedError

    def keys(self) -> np.ndarray:
        """The held keys, oldest first: shape (len(self), dim)."""
        raise NotImplementedError

    def values(self) -> np.ndarray:
        """The held values, oldest first: shape (len(self), dim)."""
        raise NotImplementedError

    def step(self, q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Feed the next t tokens (q, k, v each (t, d); t may be larger than the window) and return their
        (t, d) attention output, exactly what full sliding-window attention over the whole sequence gives
        for these positions."""
        raise NotImplementedError
