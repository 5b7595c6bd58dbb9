"""Keep the cyclic garbage collector's full passes short while a person waits.

After warm-up the process holds hundreds of thousands of long-lived objects (the bank, note chunks,
BM25 postings, cached vectors). CPython's full (generation 2) collection walks all of them: measured
in the TUI, ~120 ms per pass once a few answers were graded, landing inside a submit → next-turn
window now and then. :func:`settle` moves what is alive into the permanent generation (``gc.freeze``),
so later full passes walk only what was allocated since (~15-30 ms). It does not collect first: in a
process that has run many apps (the test suite) a full collection stalled the event loop for seconds,
and what warm-up leaves behind is freed by reference counting, not by the collector.
:func:`release` gives those objects back to the collector: the app calls it when it shuts down, so a
process that runs several apps (the tests, the benchmarks) does not keep their cycles forever.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Freeze what the collector tracks now; the number of objects frozen."""
    gc.freeze()
    return gc.get_freeze_count()


def release() -> None:
    """Return frozen objects to the collector (their cycles can be freed again)."""
    gc.unfreeze()
