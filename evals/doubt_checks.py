"""Which claims the offline interviewer puts to the candidate ("A colleague once told me: “…”. Would you
agree?"), on the judge's claim sets (issue 12).

    python evals/doubt_checks.py [FILES...]        (default: every evals/datasets/judge_claims*.yaml)

Each answer of the sets is run through the offline follow-up decisions as the interviewer runs them
(the default budget of 2 follow-ups; a reply that says nothing to any follow-up but the check), and
the report gives, per kind of answer, how often a doubt check is asked, and for every fluent-but-wrong
answer which misconception it puts: read them against the errors planted in that answer (the sets list
them in comments) to see how often the check asks about a claim the answer really makes. A candidate
who then agrees with it is graded as having stated it; one who rejects it loses nothing.

    python evals/doubt_checks.py --simulate

grades the blind sets' (C to G) fluent-but-wrong answers as if the candidate, asked the check, agreed
("Yes." / "同意。") whenever the check names an error planted in the answer (``PLANTED``: read by hand off
the sets' comments against the checks printed above, on 2026-12-03), and compares them with the
correct-but-partial answers (graded alone: their writer would reject a false claim).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

SAYS_NOTHING = {"en": "I'd have to think about that.", "zh": "这个我得再想想。"}
BLIND = [Path(f"evals/datasets/judge_claims_{x}.yaml") for x in "cdefg"]
PLANTED_FG = {
    # (set, question): as below, for the blind sets F and G (read by hand off their comments on 2026-12-03,
    # after their one measurement): 16 of their 20 wrong answers get a check, 9 of them about a claim the
    # answer does not make. Keyed by set: G asks four of C's questions again.
    ("f", "ml-adamw-weight-decay"): "torch-adam-decoupled",
    ("f", "sd-llm-serving-10k-qps"): "nvidia-smi-util-signal",
    ("f", "code-sliding-window-attention"): "never-beyond-w",
    ("g", "train-peft-stack"): "llama-adapter-mergeable",
    ("g", "fr-open-reasoning-models"): "moe-memory-active",
    ("g", "beh-hardest-prod-incident"): "users-first-is-normal",
    ("g", "agent-long-term-memory"): "episodic-for-user-facts",
}
PLANTED = {
    # question: the misconception its wrong answer's doubt check puts, where that is one of the answer's
    # planted errors (read by hand off the sets' comments, 2026-12-03, with the check asked before any
    # deepening in an answer with a found error), for the sets C, D and E. C and D: 14 of the 16 wrong
    # answers get a check, 2 of them about a claim the answer does not make; E: 6 of 10, 2 of them about a
    # claim it does not make.
    "llm-scaling-laws": "continuous-creates-jumps",
    "prod-llm-monitoring": "retrieved-content-safe",
    "train-finetune-70b-plan": "tp-pp-required",
    "fr-cot-tot-got-prm": "orm-labels-expensive",
    "agent-long-term-memory": "episodic-for-user-facts",
    "train-cai-rlaif-supervision": "uesato-accuracy-gap",
    "agent-reasoning-patterns": "rewoo-looks-at-results",
    "fr-synthetic-data-loops": "replace-real-data",
    "prod-continual-finetuning": "benign-data-is-safe",
    "sd-multi-agent-system": "metagpt-free-chat",
    "code-long-context-forward": "flash-makes-compute-linear",
    "beh-inference-cost-cut": "batch-api-for-interactive",
    "beh-worst-hallucination": "citation-means-grounded",
    # the belief behind its planted "save the dequantized fp16 weight so backward need not dequantize again"
    "code-custom-autograd-quant": "packed-blocks-grad-x",
    "llm-rope-vs-alibi": "flat-ppl-means-long-use",
    "sd-realtime-web-agent": "feed-raw-html",
}


def simulate() -> None:
    from interviewer.config import load_settings
    from interviewer.evaluation.datasets import claim_sets
    from interviewer.judge.checks import check_text
    from interviewer.services import Services

    services = Services(load_settings(model=""))
    judge = services.offline_judge
    rows = []
    sets = [(path.stem[-1], cs) for path in BLIND for cs in claim_sets([path])]
    for letter, cs in sets:
        planted = PLANTED_FG.get((letter, cs.question)) if letter in "fg" else PLANTED.get(cs.question)
        question = services.bank.questions[cs.question]
        wrong = cs.answers["wrong"]
        partial = judge.grade(question, cs.answers["partial"], cs.lang).overall
        alone = with_check = judge.grade(question, wrong, cs.lang).overall
        if planted is not None:
            m = next(m for _, k in question.rubric.key_points() for m in k.misconceptions if m.id == planted)
            reply = "同意。" if cs.lang == "zh" else "Yes."
            talk = [(question.prompt(cs.lang), wrong), (check_text(m, cs.lang), reply)]
            with_check = judge.grade(question, f"{wrong}\n\n{reply}", cs.lang, talk).overall
        rows.append((letter, partial, alone, with_check))
        print(
            f"{letter} {cs.question:30} [{cs.lang}] partial {partial:5.1f}   wrong {alone:5.1f} -> {with_check:5.1f} with the check"
        )
    for group in ("cde", "fg", "cdefg"):
        chosen = [r[1:] for r in rows if r[0] in group]
        n = len(chosen)
        for label, col in (("graded alone", 1), ("with the doubt check", 2)):
            below = sum(r[col] < r[0] for r in chosen) / n
            mean = sum(r[col] for r in chosen) / n
            print(f"{group.upper():5} {label:22} wrong < partial {below:.3f}   wrong mean {mean:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--budget", type=int, default=2, help="follow-ups per question (the app's default: 2)")
    parser.add_argument("--simulate", action="store_true", help="grade the blind sets' wrong answers with the check")
    args = parser.parse_args()
    if args.simulate:
        simulate()
        return

    from interviewer.agent.followup import offline_decision
    from interviewer.config import load_settings
    from interviewer.evaluation.datasets import claim_sets
    from interviewer.judge.checks import checked, claim_of
    from interviewer.services import Services

    services = Services(load_settings(model=""))
    judge = services.judge()
    asked, total = Counter[str](), Counter[str]()
    for cs in claim_sets(args.files or None):
        question = services.bank.questions[cs.question]
        judge.prepare(question)
        for kind, text in cs.answers.items():
            total[kind] += 1
            said, follow_ups, probed, done = [text], list[str](), set[str](), set[str]()
            check = None
            for remaining in range(args.budget, 0, -1):
                coverage = judge.coverage(question, "\n".join(said), fine=False)
                decision = offline_decision(question, coverage, follow_ups, probed, remaining, cs.lang, text, done)
                if decision.action != "follow_up":
                    break
                if decision.source == "check":
                    found = checked(question, decision.text)
                    check = found[2] if found else None
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
    for name, n in total.items():
        print(f"{name:8} doubt check asked on {asked[name]}/{n} answers")


if __name__ == "__main__":
    main()
