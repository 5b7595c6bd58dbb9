"""How many fresh wordings of a known wrong claim the tell-tale phrases catch (issue 12).

    python evals/claim_probes.py [--misses N]

``evals/research/claim_probes/*.yaml`` hold, for 352 misconceptions of the bank (8 per question, drawn at
random), sentences that state each one in words nobody had matched phrases to: two in English and two in
Chinese, plus one correct sentence per language on the same point. Two helper sessions wrote them on
2026-12-06 from the question, the key point, the wrong claim and its correction only; they never saw the
phrases, the code or the eval sets. The case files of ``tests/fixtures/misconception_cases`` cannot measure
this any more: the phrases were widened until they catch every one of their sentences (the 2 probe sentences
that happen to be case sentences too are left out here).

Reported per language: states caught as their own misconception, states caught as any misconception of the
question, and correct sentences read as a misconception. Never widen a phrase from these sentences: they
are the measure of how the phrases generalise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.bank import load_bank  # noqa: E402
from interviewer.judge import claims  # noqa: E402

PROBES = ROOT / "evals" / "research" / "claim_probes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", type=int, default=0, help="print this many missed states per language")
    args = parser.parse_args()
    bank = load_bank()
    cases = [c for f in sorted(PROBES.glob("*.yaml")) for c in yaml.safe_load(f.read_text(encoding="utf-8"))]
    seen = {
        s
        for f in sorted((ROOT / "tests" / "fixtures" / "misconception_cases").glob("*.yaml"))
        for case in yaml.safe_load(f.read_text(encoding="utf-8"))
        for lang in ("en", "zh")
        for s in (case.get("states") or {}).get(lang) or []
    }
    for lang in ("en", "zh"):
        states = own = anything = truths = read = 0
        misses: list[str] = []
        for case in cases:
            question = bank.questions[case["question"]]
            for s in [s for s in case["states"][lang] if s not in seen]:
                found = claims.stated(question, s)
                states += 1
                own += case["misconception"] in found
                anything += bool(found)
                if not found:
                    misses.append(f"  {case['question']}/{case['misconception']}: {s}")
            for s in case["truths"][lang]:
                truths += 1
                read += bool(claims.stated(question, s))
        print(
            f"{lang}: {states} wrong sentences, caught as their misconception {own / states:.3f}, as any "
            f"{anything / states:.3f}; {truths} correct sentences read as a misconception {read / truths:.3f}"
        )
        print("\n".join(misses[: args.misses]))


if __name__ == "__main__":
    main()
