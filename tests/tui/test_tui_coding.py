"""A coding interview in the TUI, end to end: the code editor opens with the starter code, the public
tests run in the sandbox without blocking the editor, the candidate iterates and submits, the hidden
tests grade ``correctness`` in the background, and feedback and exports show the test evidence."""

from __future__ import annotations

import dataclasses
import json

from textual.widgets import TextArea
from tui_helpers import SIZE, flat, listening, screen_text, wait_for

from interviewer.agent.events import QuestionAsked
from interviewer.coding import load_task
from interviewer.report import transcript_html, transcript_markdown
from interviewer.services import Services
from interviewer.store.exchange import export_session
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.coding import CodingScreen, highlighting_available
from interviewer.tui.screens.feedback import Catalog, FeedbackScreen
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.screens.replay import build_steps
from interviewer.tui.widgets import AnswerTurn

QID = "code-sliding-window-attention"
SLOW_IMPORT = "\n\nimport time\n\ntime.sleep(3)\n"
"""Appended to a submission: its test run takes 3 s more, so keys typed meanwhile show whether the
editor stays live while the tests run."""


def _editor_open(app) -> bool:
    """The coding screen is up and composed (it is the current screen a moment before its editor is
    mounted: querying it then fails under load)."""
    return isinstance(app.screen, CodingScreen) and bool(app.screen.query("#code-editor"))


def _coding_services(services: Services) -> Services:
    """The built-in bank cut to the question with a coding task (selection is random otherwise)."""
    bank = dataclasses.replace(services.bank, questions={QID: services.bank.questions[QID]})
    return Services(services.settings.model_copy(update={"max_follow_ups": 1}), bank=bank)


async def test_coding_interview_end_to_end(services: Services) -> None:
    services = _coding_services(services)
    task = load_task(QID)
    assert task is not None
    reference = task.reference.read_text(encoding="utf-8")
    mutant = (task.directory / "mutants" / "off_by_one_window.py").read_text(encoding="utf-8")
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="en", model=""))
    app = make_app(services.settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        interview = app.screen
        assert isinstance(interview, InterviewScreen)
        # the question is asked and its code editor opens by itself, with the starter code
        await wait_for(pilot, lambda: _editor_open(app), "the code editor", timeout=120)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        editor = coding.query_one("#code-editor", TextArea)
        assert editor.text == task.starter
        assert editor.language == ("python" if highlighting_available() else None)
        await wait_for(pilot, lambda: "Public tests not run yet" in flat(screen_text(app)), "the editor drawn")
        assert "Sliding-window attention" in flat(screen_text(app))

        # 1. the starter code fails its public tests, with the assertion messages
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: coding.runs == 1, "the first public run", timeout=60)
        assert coding.last_run is not None and coding.last_run.status != "passed" and not coding.last_run.hidden
        text = flat(screen_text(app))
        assert "✗" in text and "public tests passed" in text and "peak" in text and "MB" in text

        # 2. a slow run: the editor keeps taking keys while the tests run
        editor.text = mutant + SLOW_IMPORT
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        editor.move_cursor(editor.document.end)
        await pilot.press("#", "x")
        assert coding.runs == 1, "the run finished before the keys: the test proves nothing"
        assert editor.text.endswith("#x")
        await wait_for(pilot, lambda: coding.runs == 2, "the slow run", timeout=60)

        # 3. back to the conversation keeps the code; F4 opens it again
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is interview, "the conversation")
        assert listening(interview, QuestionAsked)
        await pilot.press("f4")
        await wait_for(pilot, lambda: _editor_open(app), "the editor again")
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        editor = coding.query_one("#code-editor", TextArea)
        assert editor.text.endswith("#x")

        # 4. the fixed code passes, then goes in with an explanation
        editor.text = reference
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: coding.runs == 1, "the passing run", timeout=60)
        assert coding.last_run is not None and coding.last_run.status == "passed"
        assert coding.last_run.passed == coding.last_run.total > 0
        await pilot.press("ctrl+o")
        coding.query_one("#code-notes", TextArea).insert(
            "A ring buffer holds the last W keys and values; scores are masked outside the window."
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is interview, "the conversation after submitting")
        await wait_for(
            pilot,
            lambda: "code submitted" in flat(screen_text(app)) or isinstance(app.screen, FeedbackScreen),
            "the answer with its code",
            timeout=60,
        )
        await wait_for(
            pilot,
            lambda: listening(interview) or isinstance(app.screen, FeedbackScreen),
            "the next turn",
            timeout=120,
        )
        if isinstance(app.screen, InterviewScreen):  # a follow-up: end the interview here
            await pilot.press("ctrl+g", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback", timeout=180)
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the feedback to load")
        await pilot.press("right_square_bracket")  # the summary tab → Q1
        await wait_for(
            pilot, lambda: "Correctness (hidden tests)" in flat(screen_text(app)), "the correctness criterion"
        )
        text = flat(screen_text(app))
        assert "Hidden tests:" in text and "passed" in text

    session = services.store.load(interview.session_id)
    answer = next(t for t in session.turns if t.kind == "answer")
    assert answer.code == reference and "ring buffer" in answer.text
    grade = session.grades[QID]
    correctness = next(c for c in grade.criteria if c.id == "correctness")
    assert correctness.score == 4
    assert grade.tests is not None and grade.tests["hidden"] and grade.tests["status"] == "passed"
    total = grade.tests["total"]
    md = transcript_markdown(session, services.bank)
    assert "def sliding_window_attention" in md and f"Hidden tests: {total}/{total} passed" in md
    html = transcript_html(session, services.bank)
    assert "def sliding_window_attention" in html and f"{total}/{total} passed" in html
    exported = json.dumps(export_session(services.store, session.id))
    assert "def sliding_window_attention" in exported and '"correctness"' in exported


async def test_failing_code_puts_the_failing_tests_in_feedback(services: Services) -> None:
    """A mutant submitted without running anything: correctness < 4 and its failing hidden tests are
    the criterion's evidence in the feedback."""
    services = _coding_services(services)
    task = load_task(QID)
    assert task is not None
    mutant = (task.directory / "mutants" / "cache_not_evicted.py").read_text(encoding="utf-8")
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="zh", model=""))
    app = make_app(services.settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        interview = app.screen
        assert isinstance(interview, InterviewScreen)
        await wait_for(pilot, lambda: _editor_open(app), "the code editor", timeout=120)
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        await wait_for(pilot, lambda: "还没有运行公开测试" in flat(screen_text(app)), "the editor, in Chinese")
        coding.query_one("#code-editor", TextArea).text = mutant
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is interview, "the conversation")
        await wait_for(
            pilot, lambda: listening(interview) or isinstance(app.screen, FeedbackScreen), "the next turn", timeout=120
        )
        if isinstance(app.screen, InterviewScreen):
            await pilot.press("ctrl+g", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback", timeout=180)
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the feedback to load")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: "正确性（隐藏测试）" in flat(screen_text(app)), "the correctness criterion")
        # its detail (the first criterion) lists the failing hidden tests, not quotes of the answer
        await wait_for(
            pilot, lambda: "test_cache_never_exceeds_window" in flat(screen_text(app)), "the failing tests in detail"
        )
    session = services.store.load(interview.session_id)
    grade = session.grades[QID]
    got = next(c for c in grade.criteria if c.id == "correctness")
    assert got.score < 4 and any("test_cache_never_exceeds_window" in e for e in got.evidence)
    # replay shows the code that was sent
    steps = build_steps(session, Catalog(services.bank, {}))
    answer = next(step.widget for step in steps if step.what == "answer")
    assert isinstance(answer, AnswerTurn) and "class SlidingWindowCache" in answer._text
