"""Benchmark: how long one run of a coding task's public tests takes, sandbox included.

Each task's reference solution runs its public tests through :func:`interviewer.coding.run_tests`
(a fresh sandboxed process every time: namespaces where available, interpreter start, limits,
imports, tests) ``--repeat`` times; the median is reported. For tasks that import torch the figure
also excludes the time the sandbox spent importing the task's requirements (``setup_s``), as the
target says; the raw figure is printed beside it. Hidden-test medians are printed for reference.

Run: python evals/bench_coding.py [--repeat 5] [--json]
Target: <= 3 s per task (public tests; torch task excluding torch's import) on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys

from interviewer.coding import load_task, missing_requirements, namespaces_available, run_tests, task_ids

TARGET_S = 3.0


def measure(tid: str, repeat: int, hidden: bool) -> dict[str, float | str]:
    task = load_task(tid)
    assert task is not None
    if missing_requirements(task):
        return {"task": tid, "status": "skipped"}
    code = task.reference.read_text(encoding="utf-8")
    runs = [run_tests(task, code, hidden=hidden) for _ in range(repeat)]
    bad = [r for r in runs if r.status != "passed"]
    if bad:
        raise SystemExit(f"{tid}: reference did not pass: {bad[0].summary()}")
    total = statistics.median(r.time_s for r in runs)
    setup = statistics.median(r.setup_s for r in runs)
    counted = total - setup if "torch" in task.requires else total
    return {
        "task": tid,
        "status": "passed",
        "median_s": round(total, 3),
        "setup_s": round(setup, 3),
        "counted_s": round(counted, 3),
        "peak_mb": round(statistics.median(r.peak_mb for r in runs), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [(measure(tid, args.repeat, False), measure(tid, args.repeat, True)) for tid in task_ids()]
    isolation = "namespaces" if namespaces_available() else "guard"
    if args.json:
        print(
            json.dumps(
                {"isolation": isolation, "public": [p for p, _ in rows], "hidden": [h for _, h in rows]}, indent=2
            )
        )
    else:
        print(f"sandbox isolation: {isolation}; median of {args.repeat} runs")
        print(f"{'task':<32} {'public s':>9} {'setup s':>8} {'counted':>8} {'peak MB':>8} {'hidden s':>9}")
        for pub, hid in rows:
            if pub["status"] != "passed":
                print(f"{pub['task']:<32} skipped (missing requirement)")
                continue
            print(
                f"{pub['task']:<32} {pub['median_s']:>9.2f} {pub['setup_s']:>8.2f} {pub['counted_s']:>8.2f}"
                f" {pub['peak_mb']:>8.0f} {hid['median_s']:>9.2f}"
            )
    worst = max((float(p["counted_s"]) for p, _ in rows if p["status"] == "passed"), default=0.0)
    print(f"worst counted public run: {worst:.2f} s (target <= {TARGET_S:g} s)", file=sys.stderr)
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
