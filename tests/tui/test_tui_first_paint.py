"""Issue 17: Home paints first; the session list (the store, its migrations, the score module) loads
after the first frame, and still loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import asyncio, json, sys
from interviewer.tui.app import InterviewerApp, make_app
seen = {}

def at_first_paint(self):  # stands in for the warm-up worker, which starts right after Home's first paint
    seen["store_loaded"] = "interviewer.store.db" in sys.modules
    seen["progress_loaded"] = "interviewer.progress" in sys.modules

InterviewerApp.warm = at_first_paint

async def main():
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            if seen and getattr(app.screen, "overall", None) is not None and "interviewer.store.db" in sys.modules:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        seen["later_store_loaded"] = "interviewer.store.db" in sys.modules
        seen["empty_shown"] = app.screen.query_one("#recent-empty").display

asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_session_list_loads_after_homes_first_paint(tui_home: Path) -> None:
    env = {**os.environ, "INTERVIEWER_HOME": str(tui_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"store_loaded": False, "progress_loaded": False, "later_store_loaded": True, "empty_shown": True}
    assert (tui_home / "interviewer.sqlite3").exists()
