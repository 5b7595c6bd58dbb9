"""How many correct candidate-style sentences the claim reader takes for a misconception of their question.

    python evals/correct_sentence_reads.py [FILE ...]     (default: evals/research/candidate_sentences/g1, g3, g4)

The sentences were written blind to the tell-tale phrases (g2's writer reworded its phrase matches, so it is
left out by default). Each one read as a misconception would be a false error in a grade.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.bank import load_bank  # noqa: E402
from interviewer.judge import claims  # noqa: E402


def main() -> None:
    folder = ROOT / "evals/research/candidate_sentences"
    files = [Path(a) for a in sys.argv[1:]] or [folder / f"{g}.yaml" for g in ("g1", "g3", "g4")]
    bank = load_bank()
    total = read = 0
    for f in files:
        for entry in yaml.safe_load(f.read_text(encoding="utf-8")):
            q = bank.questions[entry["question"]]
            for lang in ("en", "zh"):
                for s in entry.get(lang) or []:
                    total += 1
                    found = claims.stated(q, s)
                    if found:
                        read += 1
                        print(f"{q.id} {found}: {s}")
    print(f"{read} of {total} correct sentences read as a misconception")


if __name__ == "__main__":
    main()
