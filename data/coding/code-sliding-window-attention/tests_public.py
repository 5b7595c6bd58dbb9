"""Public tests: run them as often as you like."""

import numpy as np
from solution import SlidingWindowCache, sliding_window_attention


def _qkv(n, d, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, d)), rng.standard_normal((n, d))


def test_output_shape():
    q, k, v = _qkv(6, 4)
    out = sliding_window_attention(q, k, v, window=3)
    assert out.shape == (6, 4), f"expected shape (6, 4), got {getattr(out, 'shape', None)}"


def test_window_one_returns_v():
    q, k, v = _qkv(5, 4)
    out = sliding_window_attention(q, k, v, window=1)
    assert np.allclose(out, v), "with window=1 each query sees only its own key, so the output must equal v"


def test_first_query_sees_only_itself():
    q, k, v = _qkv(5, 4)
    out = sliding_window_attention(q, k, v, window=3)
    assert np.allclose(out[0], v[0]), "query 0 can only attend to key 0 (causal)"


def test_cache_step_returns_one_row_per_token():
    q, k, v = _qkv(3, 4)
    cache = SlidingWindowCache(window=2, dim=4)
    out = cache.step(q, k, v)
    assert out.shape == (3, 4), f"step must return (t, d); got {getattr(out, 'shape', None)}"
    assert cache.position == 3, f"position after 3 tokens must be 3, got {cache.position}"
