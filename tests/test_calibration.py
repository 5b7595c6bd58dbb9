"""The offline judge's similarity calibration (``judge/calibration.py``): what it maps cosines to, and that the
table it ships for e5-small is the one the bank gives (``evals/calibrate_offline_judge.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from interviewer.bank import load_bank
from interviewer.judge.calibration import CALIBRATIONS, calibrated, derive, floors
from interviewer.rag.embedders import get_embedder

TABLE = {("zh", "zh"): (0.9, 0.95), ("zh", "en"): (0.8, 0.9), ("en", "zh"): (0.8, 0.9), ("en", "en"): (0.85, 0.95)}


def test_a_cosine_maps_to_how_fully_it_states_a_point_by_its_languages() -> None:
    # one target pair (its zh and en rows); an English unit at LOW of en-en says nothing, at HIGH states it
    sims = np.array([[0.0, 0.85], [0.0, 0.95], [0.0, 0.90], [0.85, 0.0]], dtype=np.float32)
    out = calibrated(sims, ["en", "en", "en", "en"], TABLE)
    assert out[:, 0] == pytest.approx([0.0, 1.0, 0.5, 0.5], abs=1e-5)
    # the better of the target's two languages counts: a Chinese unit at 0.925 to the zh row, 0.8 to the en row
    out = calibrated(np.array([[0.925, 0.8]], dtype=np.float32), ["zh"], TABLE)
    assert out[0, 0] == pytest.approx(0.5, abs=1e-5)


def test_the_shipped_e5_table_is_what_the_bank_gives() -> None:
    derived = derive(floors(get_embedder("e5-small"), load_bank()))
    shipped = CALIBRATIONS["e5-small"]
    assert derived.keys() == shipped.keys()
    for pair, (low, high) in shipped.items():
        # the bank grows: a floor that moves further than this means the table should be derived again
        assert derived[pair][0] == pytest.approx(low, abs=0.005), pair
        assert derived[pair][1] == pytest.approx(high, abs=0.005), pair
