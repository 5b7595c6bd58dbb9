"""`interviewer eval retrieval|judge [--model M] [--json]`: measure quality on evals/datasets."""

from __future__ import annotations

import argparse
import sys

from interviewer.cli.common import services_from
from interviewer.cli.output import fail, print_json


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="measure retrieval recall or judge agreement on the eval sets")
    esub = p.add_subparsers(dest="eval_cmd", required=True)
    r = esub.add_parser("retrieval", help="recall@1/5, MRR@10, nDCG@10 per retriever and language")
    r.add_argument("--json", action="store_true")
    r.add_argument("--no-minilm", action="store_true", help="skip the sentence-transformers MiniLM baseline")
    r.set_defaults(func=cmd_retrieval)
    j = esub.add_parser(
        "judge", help="ordering, Spearman, adversarial rates; wrong vs partial, terse fairness, false flags, attacks"
    )
    j.add_argument("--model", help="litellm model for the LLM judge (default: offline judge)")
    j.add_argument("--json", action="store_true")
    j.add_argument("--verbose", action="store_true", help="print per-question scores")
    j.set_defaults(func=cmd_judge)


def _table(results: dict[str, dict[str, dict[str, float]]], metrics: list[str]) -> None:
    groups = ["overall", "en", "zh", "cross"]
    print(f"{'retriever':<14}{'group':<9}" + "".join(f"{m:>10}" for m in metrics) + f"{'n':>6}")
    for name, by_group in results.items():
        for g in groups:
            if g in by_group:
                row = by_group[g]
                print(f"{name:<14}{g:<9}" + "".join(f"{row[m]:>10.3f}" for m in metrics) + f"{int(row['n']):>6}")


def cmd_retrieval(args: argparse.Namespace) -> int:
    from interviewer.evaluation.datasets import DatasetError, retrieval_cases
    from interviewer.evaluation.retrieval import evaluate, retriever_ranker
    from interviewer.rag.embedders import get_embedder
    from interviewer.rag.index import NoteIndex
    from interviewer.rag.retriever import Retriever

    try:
        cases = retrieval_cases()
    except DatasetError as exc:
        fail(str(exc))
    services = services_from(args)
    base = services.retriever
    base.ensure_index()
    results = {
        "hybrid-e5": evaluate(cases, retriever_ranker(base, "hybrid")),
        "dense-e5": evaluate(cases, retriever_ranker(base, "dense")),
        "bm25": evaluate(cases, retriever_ranker(base, "bm25")),
    }
    if not args.no_minilm:
        try:
            import sentence_transformers  # noqa: F401
        except ImportError:
            print(
                "note: sentence-transformers not installed; skipping MiniLM (pip install 'interviewer[st]')",
                file=sys.stderr,
            )
        else:
            spec = "sentence-transformers:minilm"
            from interviewer import paths

            index = NoteIndex(paths.index_dir(services.home) / "minilm", get_embedder(spec))
            minilm = Retriever(base.chunks, index, lexicon=base.lexicon)
            minilm.ensure_index()
            results["dense-minilm"] = evaluate(cases, retriever_ranker(minilm, "dense"))
            results["hybrid-minilm"] = evaluate(cases, retriever_ranker(minilm, "hybrid"))
    if args.json:
        print_json(results)
    else:
        _table(results, ["recall@1", "recall@5", "hit@5", "mrr@10", "ndcg@10"])
    return 0


LADDER_KEYS = (
    "pairwise_far",
    "pairwise_adjacent",
    "spearman",
    "adversarial_below_level2",
    "injection_flagged",
    "stuffing_flagged",
    "padding_flagged",
)
"""The ladder metrics `eval judge` prints, in the order of the README's ladder table."""


def cmd_judge(args: argparse.Namespace) -> int:
    import asyncio
    import functools

    from interviewer.evaluation.datasets import DatasetError, claim_sets, guard_texts, judge_ladders
    from interviewer.evaluation.judge_eval import evaluate, evaluate_claims, evaluate_guard_raises, evaluate_guards

    try:
        ladders = judge_ladders()
        sets = claim_sets()
        guard_sets = guard_texts()
    except DatasetError as exc:
        fail(str(exc))
    services = services_from(args)
    bank = services.bank
    missing = [q for q in [lad.question for lad in ladders] + [c.question for c in sets] if q not in bank.questions]
    if missing:
        fail(f"judge ladders name unknown questions: {', '.join(missing)}")
    judge = services.judge()
    llm = services.llm(args.model)
    fallbacks = 0

    @functools.cache
    def grade(qid: str, answer: str, lang: str):  # type: ignore[no-untyped-def]
        """Each answer graded once: the guard sets add their attacks to the claim sets' partial answers,
        graded plain by the claim metrics already."""
        nonlocal fallbacks
        # the ladders measure how the judge reads answers: no hidden tests (a coding question's
        # correctness criterion is tested in tests/coding_integration)
        g, fallback = asyncio.run(
            judge.grade(bank.questions[qid], answer, lang, llm=llm, correctness_criterion=False)  # type: ignore[arg-type]
        )
        fallbacks += fallback is not None
        return g

    report = evaluate(ladders, grade)
    claims = evaluate_claims(sets, grade)
    data = {
        "judge": f"llm:{llm.name}" if llm else "offline",
        "overall": report.summary(),
        "zh": report.summary("zh"),
        "en": report.summary("en"),
        "claims": {"overall": claims.summary(), "zh": claims.summary("zh"), "en": claims.summary("en")},
        "fallbacks": fallbacks,
        "guards": {
            name: {
                **evaluate_guards(texts, lambda text: judge.offline.guard(text, set())),
                "raises": evaluate_guard_raises(texts, sets, grade),
            }
            for name, texts in guard_sets.items()
        },
    }
    if args.json:
        print_json(data)
        return 0
    print(f"judge: {data['judge']}" + (f" ({fallbacks} answers fell back to offline)" if fallbacks else ""))
    for group in ("overall", "zh", "en"):
        row = data[group]
        print(f"{group}: " + ", ".join(f"{k} {row[k]:.3f}" for k in LADDER_KEYS))  # type: ignore[index]
    claim_keys = [
        "wrong_below_partial",
        "wrong_mean",
        "expert_partial_vague_ordered",
        "terse_above_vague_30",
        "false_flag_rate",
        "errors_on_correct",
        "attacks_flagged",
        "attack_raise_max",
        "attacks_raising_over_2_5",
    ]
    for group in ("overall", "zh", "en"):
        row = data["claims"][group]  # type: ignore[index]
        means = ", ".join(f"{k[5:]} {v}" for k, v in row.items() if k.startswith("mean_"))
        print(f"claims {group} ({row['questions']} questions): " + ", ".join(f"{k} {row[k]}" for k in claim_keys))
        print(f"  mean overall by kind: {means}")
    for name, groups in data["guards"].items():  # type: ignore[attr-defined]
        print(
            f"guard texts ({name}): "
            + "; ".join(
                f"{g} attacks flagged {r['attacks_flagged']} of {r['attacks']}, benign flagged {r['benign_flagged']} of {r['benign']}"
                for g, r in groups.items()
                if g != "raises"
            )
        )
        raises = groups["raises"]
        print(
            f"  attacks added to {raises['attacked_answers']} partial answers: {raises['raising_over_2_5']} raise the "
            f"score by > 2.5, max +{raises['max_raise']}"
        )
    if args.verbose:
        print("\n".join(report.failures()))
        print("\n".join(claims.failures()))
    return 0
