"""Benchmark: what grading a coding answer costs over grading its prose alone.

For each task, the reference solution plus one sentence of prose is graded by the offline judge through
:class:`interviewer.judge.service.Judge` twice: the rubric alone (``correctness_criterion=False``) and with
the hidden tests (which run in the sandbox while the judge reads the answer). Median of ``--repeat``
runs after one warm-up; the difference is what the correctness criterion adds to a background grade.

Run: python evals/bench_coding_grade.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from interviewer.coding import load_task, missing_requirements, task_ids
from interviewer.config import load_settings
from interviewer.services import Services

PROSE = "Here is my implementation; the comments explain the design and its complexity."


def _time(services: Services, qid: str, code: str, with_tests: bool) -> tuple[float, int | None]:
    question = services.bank.questions[qid]
    start = time.perf_counter()
    grade, _ = asyncio.run(services.judge().grade(question, PROSE, "en", code=code, correctness_criterion=with_tests))
    took = time.perf_counter() - start
    got = next((c.score for c in grade.criteria if c.id == "correctness"), None)
    return took, got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    services = Services(load_settings())
    services.retriever.ensure_index()
    rows = []
    for qid in task_ids():
        task = load_task(qid)
        assert task is not None
        if missing_requirements(task) or qid not in services.bank.questions:
            rows.append({"task": qid, "status": "skipped"})
            continue
        code = task.reference.read_text(encoding="utf-8")
        _time(services, qid, code, True)  # warm-up: embedder, index, imports
        alone = statistics.median(_time(services, qid, code, False)[0] for _ in range(args.repeat))
        timed = [_time(services, qid, code, True) for _ in range(args.repeat)]
        both = statistics.median(t for t, _ in timed)
        rows.append(
            {
                "task": qid,
                "rubric_alone_s": round(alone, 2),
                "with_hidden_tests_s": round(both, 2),
                "added_s": round(both - alone, 2),
                "correctness": timed[0][1],
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'task':<32} {'rubric alone':>13} {'+ hidden tests':>15} {'added':>7}  correctness")
    for r in rows:
        if "added_s" not in r:
            print(f"{r['task']:<32} skipped")
            continue
        print(
            f"{r['task']:<32} {r['rubric_alone_s']:>12.2f}s {r['with_hidden_tests_s']:>14.2f}s "
            f"{r['added_s']:>6.2f}s  {r['correctness']}/4"
        )


if __name__ == "__main__":
    main()
