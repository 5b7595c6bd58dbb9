"""Derive the offline judge's similarity calibration for an embedder from the question bank alone (not the
eval sets): per pair of (answer language, key-point language), the floor is how close a key point comes to
key points of other tracks, LOW = floor - 0.01 and HIGH = floor + 0.045 (``interviewer/judge/calibration.py``).

    python evals/calibrate_offline_judge.py [--embedder SPEC]      (default: e5-small)

Prints the floors, the table as a line for ``CALIBRATIONS`` and, for an embedder that has one, the table it
ships with. A table alone does not make another embedder a good judge: the judge's other thresholds (the
lean towards a misconception, the floors of the claim checks) were measured with e5-small's cosines.
"""

from __future__ import annotations

import argparse

from interviewer.bank import load_bank
from interviewer.judge.calibration import calibration_for, derive, floors
from interviewer.rag.embedders import get_embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", default="e5-small", help="embedder setting, as in `interviewer config`")
    args = parser.parse_args()
    bank, embedder = load_bank(), get_embedder(args.embedder)
    measured = floors(embedder, bank)
    for (a, b), floor in measured.items():
        print(f"answer {a} vs key point {b}: floor {floor:.3f}")
    table = derive(measured)
    print(f"{args.embedder!r}: {table!r},")
    shipped = calibration_for(args.embedder)
    print(f"shipped: {shipped!r}" if shipped else "shipped: none (the judge grades with e5-small and says so)")


if __name__ == "__main__":
    main()
