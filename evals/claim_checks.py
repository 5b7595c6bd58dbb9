"""Which claims the offline interviewer puts to the candidate ("A colleague once told me: “…”. Would you
agree?"), on the judge's claim sets (issue 12).

    python evals/claim_checks.py [FILES...]        (default: every evals/datasets/judge_claims*.yaml)

Each answer of the sets is run through the offline follow-up decisions as the interviewer runs them
(the default budget of 2 follow-ups; a reply that says nothing to any follow-up but the check), and
the report gives, per kind of answer, how often a claim check is asked, and for every fluent-but-wrong
answer which misconception it puts: read them against the errors planted in that answer (the sets list
them in comments) to see how often the check asks about a claim the answer really makes. A candidate
who then agrees with it is graded as having stated it; one who rejects it loses nothing.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

SAYS_NOTHING = {"en": "I'd have to think about that.", "zh": "这个我得再想想。"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--budget", type=int, default=2, help="follow-ups per question (the app's default: 2)")
    args = parser.parse_args()

    from interviewer.agent.followup import offline_decision
    from interviewer.config import load_settings
    from interviewer.evaluation.datasets import claim_sets
    from interviewer.judge.checks import claim_of
    from interviewer.services import Services

    services = Services(load_settings(model=""))
    judge = services.judge()
    asked, total = Counter[str](), Counter[str]()
    for cs in claim_sets(args.files or None):
        question = services.bank.questions[cs.question]
        judge.prepare(question)
        for kind, text in cs.answers.items():
            total[kind] += 1
            said, follow_ups, probed, done = [text], [], set[str](), set[str]()
            check = None
            for remaining in range(args.budget, 0, -1):
                coverage = judge.coverage(question, "\n".join(said), fine=False)
                decision = offline_decision(question, coverage, follow_ups, probed, remaining, cs.lang, text, done)
                if decision.action != "follow_up":
                    break
                if decision.source == "check":
                    check = next(
                        m
                        for _, k in question.rubric.key_points()
                        for m in k.misconceptions
                        if k.id == decision.key_point and claim_of(m, cs.lang) in decision.text
                    )
                    break
                follow_ups.append(decision.text)
                probed.add(decision.key_point)
                done.add(decision.source)
                said.append(SAYS_NOTHING[cs.lang])
            asked[kind] += check is not None
            if kind == "wrong":
                put = f"{check.id}: {claim_of(check, cs.lang)}" if check else "(no check)"
                print(f"{cs.question} [{cs.lang}] wrong answer -> {put}")
    print()
    for kind in total:
        print(f"{kind:8} claim check asked on {asked[kind]}/{total[kind]} answers")


if __name__ == "__main__":
    main()
