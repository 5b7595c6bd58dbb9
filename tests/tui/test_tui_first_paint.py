"""Issue 17: Home paints a light first frame before the settings (pydantic), its form and the session
list (the store, its migrations, the score module) load; all of them still load right after it."""

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
from interviewer.tui.screens.home import HomeScreen
seen = {}
build = HomeScreen.build_controls

async def at_first_frame(self):  # Home's first frame is painted; its controls are mounted next
    seen["store_loaded"] = "interviewer.store.db" in sys.modules
    seen["progress_loaded"] = "interviewer.progress" in sys.modules
    seen["pydantic_loaded"] = "pydantic" in sys.modules
    seen["settings_loaded"] = "interviewer.config" in sys.modules
    seen["form_shown"] = bool(self.query("#tracks"))
    await build(self)

HomeScreen.build_controls = at_first_frame
InterviewerApp.warm = lambda self: None  # the warm-up (bank, index, embedder) is not what this is about

async def main():
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(400):
            if seen and getattr(app.screen, "built", False) and "interviewer.store.db" in sys.modules:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        seen["later_store_loaded"] = "interviewer.store.db" in sys.modules
        seen["empty_shown"] = app.screen.query_one("#recent-empty").display
        seen["focused"] = app.focused.id if app.focused else None

asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_session_list_loads_after_homes_first_paint(tui_home: Path) -> None:
    env = {**os.environ, "INTERVIEWER_HOME": str(tui_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "store_loaded": False,
        "progress_loaded": False,
        "pydantic_loaded": False,  # settings and the domain models load after the first frame
        "settings_loaded": False,
        "form_shown": False,
        "later_store_loaded": True,
        "empty_shown": True,
        "focused": "tracks",
    }
    assert (tui_home / "interviewer.sqlite3").exists()
