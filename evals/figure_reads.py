"""How the figure rule reads sentences: wrong figures it finds, correct sentences it would call wrong.

    python evals/figure_reads.py

The offline judge calls a sentence wrong when it states one of its question's misconceptions by its wrong
figure (``judge/figures.py``). Here the rule runs on sentences alone, without the judge's similarity floor,
so every count of a correct sentence is an upper bound on the false errors it could cause:

- the misconception cases' sentences (``tests/fixtures/misconception_cases``): ``states`` of misconceptions
  that have a wrong figure, and every ``truths`` sentence;
- the correct candidate-style sentences (``evals/research/candidate_sentences``);
- the sentences of the judge eval sets' correct answers (every kind but ``wrong``) and of the bank's model
  answers;
- the judge eval sets' wrong answers: sentences read, and how many no tell-tale phrase reads.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.bank import load_bank  # noqa: E402
from interviewer.domain import Question  # noqa: E402
from interviewer.evaluation.datasets import claim_sets  # noqa: E402
from interviewer.judge import claims, figures  # noqa: E402
from interviewer.textproc import sentences  # noqa: E402


def read(q: Question, sentence: str) -> tuple[str, str] | None:
    """(misconception id, figure) the sentence states by its wrong figure, or None."""
    known = figures.known(q)
    for _, kp in q.rubric.key_points():
        for m in kp.misconceptions:
            f = figures.stated_wrong(sentence, figures.wrong(m, kp), figures.truths(kp), known)
            if f is not None:
                return m.id, f.text
    return None


def _cases() -> Iterator[dict]:
    for f in sorted((ROOT / "tests/fixtures/misconception_cases").glob("*.yaml")):
        yield from yaml.safe_load(f.read_text(encoding="utf-8"))


def _both(entry: dict | None) -> list[str]:
    entry = entry or {}
    return [*(entry.get("en") or []), *(entry.get("zh") or [])]


def count(label: str, pairs: list[tuple[Question, str]], show: bool) -> int:
    found = 0
    for q, s in pairs:
        hit = read(q, s)
        if hit is not None:
            found += 1
            if show:
                print(f"  {label}: {q.id} {hit}: {s[:140]}")
    print(f"{label}: {found} of {len(pairs)}")
    return found


def main() -> None:
    bank = load_bank()
    qs = bank.questions
    with_figure = {
        (q.id, m.id)
        for q in qs.values()
        for _, kp in q.rubric.key_points()
        for m in kp.misconceptions
        if figures.wrong(m, kp)
    }
    print(f"misconceptions with a wrong figure: {len(with_figure)}")
    cases = list(_cases())
    count(
        "misconception-case sentences of those misconceptions read",
        [
            (qs[c["question"]], s)
            for c in cases
            if (c["question"], c["misconception"]) in with_figure
            for s in _both(c.get("states"))
        ],
        False,
    )
    count(
        "misconception-case truths read (false)",
        [(qs[c["question"]], s) for c in cases for s in _both(c.get("truths"))],
        True,
    )
    folder = ROOT / "evals/research/candidate_sentences"
    candidates = [
        (qs[e["question"]], s)
        for f in sorted(folder.glob("*.yaml"))
        for e in yaml.safe_load(f.read_text(encoding="utf-8"))
        for s in _both(e)
    ]
    count("correct candidate sentences read (false)", candidates, True)
    sets = claim_sets()
    correct = [(qs[c.question], s) for c in sets for k, a in c.answers.items() if k != "wrong" for s in sentences(a)]
    count("eval-set correct-answer sentences read (false)", correct, True)
    model = [
        (q, s)
        for q in qs.values()
        if q.model_answer
        for lang in ("en", "zh")
        for s in sentences(q.model_answer.get(lang))
    ]
    count("model-answer sentences read (false)", model, True)
    wrong = [(qs[c.question], s) for c in sets for s in sentences(c.answers["wrong"])]
    count("eval-set wrong-answer sentences read", wrong, True)
    fresh = [(q, s) for q, s in wrong if read(q, s) is not None and not claims.stated(q, s)]
    print(f"  of which no tell-tale phrase reads: {len(fresh)}")


if __name__ == "__main__":
    main()
