"""Hidden tests: used for the grade."""

import numpy as np
from solution import SlidingWindowCache, sliding_window_attention


def _qkv(n, d, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((n, d)), scale * rng.standard_normal((n, d)), rng.standard_normal((n, d)))


def _naive(q, k, v, window):
    n, d = q.shape
    out = np.zeros_like(v)
    for i in range(n):
        lo = max(0, i - window + 1)
        s = q[i] @ k[lo : i + 1].T / np.sqrt(d)
        w = np.exp(s - s.max())
        out[i] = (w / w.sum()) @ v[lo : i + 1]
    return out


def _close(a, b, what):
    a = np.asarray(a)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, expected {b.shape}"
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    assert np.allclose(a, b, atol=1e-6), f"{what}: max abs error {err:.3g}"


def test_matches_naive_small_window():
    q, k, v = _qkv(12, 8, seed=1)
    _close(sliding_window_attention(q, k, v, 3), _naive(q, k, v, 3), "window=3, n=12")


def test_matches_naive_window_larger_than_sequence():
    q, k, v = _qkv(7, 4, seed=2)
    _close(sliding_window_attention(q, k, v, 50), _naive(q, k, v, 50), "window >= n must equal causal attention")


def test_scaling_by_sqrt_d():
    q, k, v = _qkv(10, 64, seed=3)
    _close(sliding_window_attention(q, k, v, 4), _naive(q, k, v, 4), "d=64 (scores must be scaled by 1/sqrt(d))")


def test_large_scores_stay_finite():
    q, k, v = _qkv(9, 8, seed=4, scale=40.0)
    out = sliding_window_attention(q, k, v, 4)
    assert np.all(np.isfinite(out)), "large scores overflowed: subtract the row max before exp"
    _close(out, _naive(q, k, v, 4), "large scores")


def test_decoding_token_by_token_equals_full():
    q, k, v = _qkv(11, 6, seed=5)
    cache = SlidingWindowCache(window=4, dim=6)
    outs = [cache.step(q[i : i + 1], k[i : i + 1], v[i : i + 1]) for i in range(11)]
    _close(np.concatenate(outs), _naive(q, k, v, 4), "token-by-token decoding through the cache")


def test_mixed_chunks_equal_full():
    q, k, v = _qkv(20, 5, seed=6)
    cache = SlidingWindowCache(window=3, dim=5)
    outs, start = [], 0
    for size in (5, 1, 2, 7, 1, 4):
        outs.append(cache.step(q[start : start + size], k[start : start + size], v[start : start + size]))
        start += size
    _close(np.concatenate(outs), _naive(q, k, v, 3), "chunks of 5,1,2,7,1,4 through the cache (window=3)")


def test_cache_never_exceeds_window():
    q, k, v = _qkv(15, 4, seed=7)
    cache = SlidingWindowCache(window=4, dim=4)
    for i in range(15):
        cache.step(q[i : i + 1], k[i : i + 1], v[i : i + 1])
        assert len(cache) <= 4, f"after {i + 1} tokens the cache holds {len(cache)} positions (window 4)"
        assert np.asarray(cache.keys()).shape[0] <= 4, "keys() holds more than the window"
    cache.step(q[:9], k[:9], v[:9])
    assert len(cache) <= 4, f"a 9-token chunk left {len(cache)} positions in a window-4 cache"


def test_cache_holds_the_last_window_keys_in_order():
    q, k, v = _qkv(10, 3, seed=8)
    cache = SlidingWindowCache(window=4, dim=3)
    cache.step(q[:6], k[:6], v[:6])
    cache.step(q[6:7], k[6:7], v[6:7])
    _close(cache.keys(), k[3:7], "keys() after 7 tokens (window 4), oldest first")
    _close(cache.values(), v[3:7], "values() after 7 tokens (window 4), oldest first")
    assert cache.position == 7, f"position must be 7, got {cache.position}"
