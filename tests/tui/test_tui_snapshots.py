"""SVG snapshots of every screen at 100×32: fixed data (canned sessions with fixed timestamps, the
fixture bank), no cursor blink, time zone UTC. Update with `pytest tests/tui --snapshot-update`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.pilot import Pilot
from textual.widgets import TextArea
from tui_helpers import SIZE, T0, listening, partial_answer, screen_text, wait_for

from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import InterviewerApp, InterviewOptions, Launch, make_app
from interviewer.tui.screens.interview import InterviewScreen


def app_for(services: Services, launch: Launch | None = None) -> InterviewerApp:
    return make_app(services.settings, services, launch=launch, cursor_blink=False)


async def ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, InterviewerApp)
    await app.wait_ready()
    await pilot.pause()


def test_home(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await wait_for(pilot, lambda: len(getattr(pilot.app.screen, "rows", [])) == 3, "the sessions")
        await pilot.press("down", "space")  # LLM fundamentals

    assert snap_compare(app_for(tui_services), terminal_size=SIZE, run_before=run_before)


def test_interview_follow_up(snap_compare: Any, tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding"]))
    lru = tui_services.bank.questions["tui-lru"]

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked), "the question")
        area = screen.query_one(TextArea)
        area.insert(partial_answer(lru))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked), "the follow-up")
        area.insert("On put over capacity we evict the tail:\n\n```python\nif len(self.map) > self.cap:\n")
        await pilot.press("tab")  # indents in the editor
        area.insert("self._evict()")

    assert snap_compare(app_for(tui_services, launch), terminal_size=SIZE, run_before=run_before)


def test_interview_in_chinese(snap_compare: Any, tui_services: Services) -> None:
    """A Chinese session: the question, the follow-up, the labels and the status line are Chinese."""
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding"], lang="zh"))

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked), "the question")
        screen.query_one(TextArea).insert("用哈希表存 key 到链表节点的映射，查找是 O(1)。")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked), "the follow-up")
        assert "追问 1" in screen_text(pilot.app)

    assert snap_compare(app_for(tui_services, launch), terminal_size=SIZE, run_before=run_before)


def _feedback(services: Services, session_id: str, press: tuple[str, ...]) -> tuple[InterviewerApp, Any]:
    app = app_for(services)

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app.open_feedback(session_id)
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "loaded", False), "the feedback")
        await pilot.press(*press)
        await pilot.pause()

    return app, run_before


def test_feedback_summary(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    app, run_before = _feedback(tui_services, seeded["completed"], ())
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_feedback_question(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    # Q1's tab, with the second criterion highlighted: its evidence, missing points and passages.
    app, run_before = _feedback(tui_services, seeded["completed"], ("right_square_bracket", "down"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_history(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    # the study loop reads the clock (retention now, what is due): fixed two days after the sessions
    app = make_app(tui_services.settings, tui_services, cursor_blink=False, clock=lambda: T0 + timedelta(days=2))

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        app.open_history()
        await wait_for(pilot, lambda: "graded sessions" in screen_text(pilot.app), "the chart")
        await wait_for(pilot, lambda: "read: " in screen_text(pilot.app), "the due points")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("#tracks-plot")), "the per-track chart")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_replay(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    launch = Launch(replay=seeded["completed"])

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await wait_for(pilot, lambda: bool(getattr(pilot.app.screen, "steps", [])), "the transcript")
        await pilot.press("right", "right", "right", "right", "right", "right")  # up to the grade of question 1

    assert snap_compare(app_for(tui_services, launch), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: Any, tui_services: Services) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("f1")

    assert snap_compare(app_for(tui_services), terminal_size=SIZE, run_before=run_before)


def test_small_terminal_home(snap_compare: Any, tui_services: Services, seeded: dict[str, str]) -> None:
    """80×24, the smallest comfortable size: the whole form fits."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await wait_for(pilot, lambda: len(getattr(pilot.app.screen, "rows", [])) == 3, "the sessions")

    assert snap_compare(app_for(tui_services), terminal_size=(80, 24), run_before=run_before)
