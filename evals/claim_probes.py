"""How many fresh wordings of a known wrong claim the tell-tale phrases catch (issue 12).

    python evals/claim_probes.py [--misses N] [--judge]

``evals/research/claim_probes/*.yaml`` hold, for 352 misconceptions of the bank (8 per question, drawn at
random), sentences that state each one in words nobody had matched phrases to: two in English and two in
Chinese, plus one correct sentence per language on the same point. Two helper sessions wrote them on
2026-12-06 from the question, the key point, the wrong claim and its correction only; they never saw the
phrases, the code or the eval sets. The case files of ``tests/fixtures/misconception_cases`` cannot measure
this any more: the phrases were widened until they catch every one of their sentences (the 2 probe sentences
that happen to be case sentences too are left out here).

Reported per language: states caught as their own misconception, states caught as any misconception of the
question, and correct sentences read as a misconception. ``--judge`` reads each sentence as a whole answer
through the offline judge instead (phrases, wrong figures, negations; ~2.5 min): states that get an error on
their misconception's key point, states with any error, and truths with any error. Never widen a phrase from
these sentences: they are the measure of how the phrases generalise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.bank import Bank, load_bank  # noqa: E402
from interviewer.judge import claims  # noqa: E402

PROBES = ROOT / "evals" / "research" / "claim_probes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", type=int, default=0, help="print this many missed states per language")
    parser.add_argument("--judge", action="store_true", help="read each sentence through the whole offline judge")
    args = parser.parse_args()
    bank = load_bank()
    read = _judge_reader(bank) if args.judge else _phrase_reader(bank)
    cases = [c for f in sorted(PROBES.glob("*.yaml")) for c in yaml.safe_load(f.read_text(encoding="utf-8"))]
    seen = {
        s
        for f in sorted((ROOT / "tests" / "fixtures" / "misconception_cases").glob("*.yaml"))
        for case in yaml.safe_load(f.read_text(encoding="utf-8"))
        for lang in ("en", "zh")
        for s in (case.get("states") or {}).get(lang) or []
    }
    for lang in ("en", "zh"):
        states = own = anything = truths = wrongly = 0
        misses: list[str] = []
        for case in cases:
            for s in [s for s in case["states"][lang] if s not in seen]:
                as_its_own, as_any = read(case["question"], case["misconception"], s)
                states += 1
                own += as_its_own
                anything += as_any
                if not as_any:
                    misses.append(f"  {case['question']}/{case['misconception']}: {s}")
            for s in case["truths"][lang]:
                truths += 1
                wrongly += read(case["question"], case["misconception"], s)[1]
        print(
            f"{lang}: {states} wrong sentences, caught as their misconception {own / states:.3f}, as any "
            f"{anything / states:.3f}; {truths} correct sentences read as a misconception {wrongly / truths:.3f}"
        )
        if args.misses:
            print("\n".join(misses[: args.misses]))


Reader = Callable[[str, str, str], tuple[bool, bool]]
"""(question id, misconception id, sentence) -> (caught as that misconception, caught as any wrong claim)."""


def _phrase_reader(bank: Bank) -> Reader:
    def read(question_id: str, misconception_id: str, sentence: str) -> tuple[bool, bool]:
        found = claims.stated(bank.questions[question_id], sentence)
        return misconception_id in found, bool(found)

    return read


def _judge_reader(bank: Bank) -> Reader:
    """The offline judge's errors on ``sentence`` read as a whole answer; "that misconception" is an error
    on its key point (a wrong figure or a negation there counts: it is the same wrong claim)."""
    from interviewer.config import load_settings
    from interviewer.services import Services

    judge = Services(load_settings(model="")).offline_judge
    owner = {
        (q.id, m.id): kp.id
        for q in bank.questions.values()
        for _, kp in q.rubric.key_points()
        for m in kp.misconceptions
    }

    def read(question_id: str, misconception_id: str, sentence: str) -> tuple[bool, bool]:
        errors = judge.coverage(bank.questions[question_id], sentence).errors
        own = owner[(question_id, misconception_id)]
        return any(e.key_point.id == own for e in errors), bool(errors)

    return read


if __name__ == "__main__":
    main()
