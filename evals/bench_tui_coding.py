"""Benchmark: does the code editor stay live while the public tests run?

Opens a coding interview headless (Textual's Pilot), then types into the code editor twice: with
nothing running, and while a public-test run is in flight (the submission sleeps in the sandbox so
the run lasts the whole measurement). Each figure is the time from a key press to the editor holding
the key (Pilot waits for the app to process it), median and max over ``--keys`` presses.

Run: python evals/bench_tui_coding.py [--keys 40] [--json]   (uses INTERVIEWER_HOME's note index)
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import time
from typing import Any

QID = "code-sliding-window-attention"
SLEEP = "\n\nimport time\n\ntime.sleep(30)\n"


async def _keys(pilot: Any, editor: Any, n: int) -> list[float]:
    out = []
    for i in range(n):
        before = editor.text
        start = time.perf_counter()
        await pilot.press("x" if i % 2 else "y")
        assert editor.text != before
        out.append((time.perf_counter() - start) * 1000)
    return out


async def measure(keys: int) -> dict[str, Any]:
    from textual.widgets import TextArea

    from interviewer.coding import load_task
    from interviewer.config import load_settings
    from interviewer.services import Services
    from interviewer.tui.app import InterviewOptions, Launch, make_app
    from interviewer.tui.screens.coding import CodingScreen

    services = Services(load_settings())
    bank = dataclasses.replace(services.bank, questions={QID: services.bank.questions[QID]})
    services = Services(services.settings, bank=bank)
    task = load_task(QID)
    assert task is not None
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="en", model=""))
    app = make_app(services.settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=(120, 36)) as pilot:
        deadline = time.monotonic() + 120
        while not isinstance(app.screen, CodingScreen):
            assert time.monotonic() < deadline, "the code editor never opened"
            await pilot.pause(0.05)
        screen = app.screen
        editor = screen.query_one("#code-editor", TextArea)
        editor.text = task.reference.read_text(encoding="utf-8") + SLEEP
        editor.move_cursor(editor.document.end)
        await pilot.pause(0.3)
        idle = await _keys(pilot, editor, keys)
        await pilot.press("ctrl+r")
        await pilot.pause(0.5)  # the sandbox is starting or running
        busy = await _keys(pilot, editor, keys)
        running = screen.runs == 0
        screen.workers.cancel_group(screen, "public-tests")  # kills the sandbox
    return {
        "keys": keys,
        "idle_ms": {"median": round(statistics.median(idle), 1), "max": round(max(idle), 1)},
        "during_tests_ms": {"median": round(statistics.median(busy), 1), "max": round(max(busy), 1)},
        "tests_still_running_at_the_end": running,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(measure(args.keys))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"key press → editor, {result['keys']} keys")
    print(f"  idle:                 median {result['idle_ms']['median']} ms, max {result['idle_ms']['max']} ms")
    busy = result["during_tests_ms"]
    print(f"  public tests running: median {busy['median']} ms, max {busy['max']} ms")
    print(f"  (tests still running when the last key landed: {result['tests_still_running_at_the_end']})")


if __name__ == "__main__":
    main()
