"""How well the follow-up decision reads a long paste through a budget of sentences (issue 15).

    python evals/bench_decision_read.py [--questions 40] [--budgets 18/18,8/8,8/5,8/4,8/3]

For each question with a model answer: half the model answer, each sentence opened with a connective
so that none is among the bundled vectors (a candidate's own words), buried in ~8k characters of
filler. What the answer covers is the judge's coverage of those sentences alone; the decision reads
``representative`` under each budget (most sentences / most not embedded yet) and decides offline.
Reported: how often its follow-up asks about a key point the answer covers (lower is better), and
the CPU seconds of the decision's reading (its embeddings and claim checks).
"""

from __future__ import annotations

import argparse
import time

FILLER = [
    "We had a long planning meeting about the roadmap for the next quarter.",
    "The team discussed staffing, the on-call rota and the office move.",
    "Several people asked about the budget for conferences and training.",
    "Nobody had strong opinions about the colour of the new dashboards.",
]
CONNECTIVES = ("Honestly, ", "In practice, ", "As I recall, ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--budgets", default="18/18,8/8,8/5,8/4,8/3", help="sentences/not-yet-embedded pairs")
    args = parser.parse_args()

    from interviewer.agent import reading
    from interviewer.agent.followup import offline_decision
    from interviewer.config import load_settings
    from interviewer.services import Services
    from interviewer.textproc import split_sentences

    services = Services(load_settings(model="", lang="en"))
    judge = services.judge()
    embedder = judge.offline.embedder
    bundled = getattr(embedder, "bundled", None)

    def known(unit: str) -> bool:
        return bool(bundled(unit)) if callable(bundled) else False

    questions = [q for q in services.bank.questions.values() if q.model_answer and q.model_answer.en]
    cases = []
    for q in questions[: args.questions]:
        said = [CONNECTIVES[i % 3] + s[0].lower() + s[1:] for i, s in enumerate(split_sentences(q.model_answer.en))]
        said = said[: max(3, len(said) // 2)]
        body = [FILLER[i % len(FILLER)] for i in range(60)]
        for j, sentence in enumerate(said):
            body.insert((j + 1) * 60 // (len(said) + 1), sentence)
        judge.prepare(q)
        covered = {p.key_point.id for p in judge.coverage(q, "\n".join(said), fine=False).covered()}
        cases.append((q, " ".join(body), covered))
    for budget in args.budgets.split(","):
        sentences, fresh = (int(x) for x in budget.split("/"))
        reading.DECISION_SENTENCES, reading.DECISION_FRESH = sentences, fresh
        wrong = 0
        cpu = 0.0
        for q, text, covered in cases:
            judge.offline._unit_cache.clear()  # every sentence is new to each budget
            started = time.process_time()
            coverage = judge.coverage(q, reading.representative(q, [text], known), fine=False)
            cpu += time.process_time() - started
            decision = offline_decision(q, coverage, [], set(), 2, "en", text)
            wrong += decision.action == "follow_up" and decision.key_point in covered
        print(
            f"{sentences} sentences, at most {fresh} not embedded: a follow-up on a covered point "
            f"{wrong}/{len(cases)}; reading {cpu / len(cases) * 1000:.0f} ms of CPU per decision"
        )


if __name__ == "__main__":
    main()
