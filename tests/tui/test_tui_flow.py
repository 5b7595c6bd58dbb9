"""Pilot tests of the TUI driving a real offline Services (fixture bank, real embedder and index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Select, SelectionList, TextArea
from tui_helpers import SIZE, flat, full_answer, listening, notifications, partial_answer, screen_text, wait_for

from interviewer import paths
from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.services import Services
from interviewer.store.db import Store
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.feedback import FeedbackScreen
from interviewer.tui.screens.history import HistoryScreen
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.screens.replay import ReplayScreen


async def test_full_offline_flow(tui_services: Services) -> None:
    """Home → two questions (the second with a follow-up) → end → feedback → history → replay."""
    bank = tui_services.bank
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: "ready · offline engine" in screen_text(app), "the services to warm up")
        await wait_for(pilot, lambda: "No sessions yet" in screen_text(app), "the empty list of sessions")
        assert "New interview" in screen_text(app)

        # Pick LLM fundamentals and Coding with the keyboard (the track list has focus), 2 questions.
        await pilot.press("down", "space", "down", "down", "down", "space")
        assert home.query_one("#tracks", SelectionList).selected == ["llm_fundamentals", "coding"]
        home.query_one("#count", Select).value = 2
        await pilot.press("ctrl+s")

        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        first = screen.source.waiting
        assert first is not None
        q1 = bank.questions[first.question_id]
        assert q1.track in ("llm_fundamentals", "coding")
        text = flat(screen_text(app))
        assert "Question 1 of 2" in text and "your turn" in text
        assert flat(q1.text.en) in text

        # Q1: typed, then completed; every key point covered → one harder question, then the next one.
        area = screen.query_one("#answer", TextArea)
        await pilot.press(*"Sure.", "enter")
        area.insert(full_answer(q1))
        answer1 = area.text
        await pilot.press("ctrl+s")
        assert area.text == ""
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "the deepening follow-up")
        deeper = screen.source.waiting
        assert isinstance(deeper, FollowUpAsked) and deeper.source == "deepen" and deeper.question_id == q1.id
        area.insert("I would measure it.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 2), "the second question")
        second = screen.source.waiting
        assert second is not None and second.question_id != q1.id
        q2 = bank.questions[second.question_id]
        text = flat(screen_text(app))
        assert "Question 2 of 2" in text and "Moving on." in text

        # Q2: a partial answer → a follow-up; answer it (f5 submits too), then end the interview.
        area.insert(partial_answer(q2))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "a follow-up")
        follow_up = screen.source.waiting
        assert follow_up is not None
        assert "Follow-up 1" in screen_text(app)
        assert flat(follow_up.text)[:40] in flat(screen_text(app))
        area.insert("I am not sure about the rest.")
        await pilot.press("f5")
        await wait_for(pilot, lambda: screen.phase == "listening", "the interviewer's next turn")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "End the interview now?" in screen_text(app)
        await pilot.press("y")

        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback screen")
        feedback = app.screen
        await wait_for(pilot, lambda: feedback.loaded, "the feedback to load")  # type: ignore[attr-defined]
        # the tab labels are mounted by the tabs widget itself, a frame or two after the tabs
        await wait_for(pilot, lambda: "Q2" in screen_text(app), "the feedback tabs to be drawn")
        session_id = screen.session_id

        # What was stored (read back with a fresh Store, as another process would).
        session = Store(paths.db_file(tui_services.home)).load(session_id)
        assert session.status == "completed"
        assert session.asked() == [q1.id, q2.id]
        answers = [t.text for t in session.turns if t.kind == "answer"]
        assert answers == [answer1, "I would measure it.", partial_answer(q2), "I am not sure about the rest."]
        assert [t.question_id for t in session.turns if t.kind == "follow_up"][:2] == [q1.id, q2.id]
        assert set(session.grades) == {q1.id, q2.id}
        assert session.summary

        text = flat(screen_text(app))
        overall = session.overall()
        assert overall is not None
        assert f"Overall {overall:.0f}/100" in text
        assert "Summary" in text and "Q1" in text and "Q2" in text

        # Q1's tab: the score and the criteria table.
        await pilot.press("right_square_bracket")
        await pilot.pause()
        text = flat(screen_text(app))
        assert f"Score {session.grades[q1.id].overall:.0f}/100" in text
        for criterion in q1.rubric.criteria:
            assert criterion.name.en in text
        assert "Evidence from your answer" in text

        # History lists the session; enter opens the replay.
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: len(history.rows) == 1, "the history rows")
        await wait_for(pilot, lambda: "1 graded session" in screen_text(app), "the chart caption")
        text = flat(screen_text(app))
        assert "completed" in text and f"{overall:.0f}" in text

        await pilot.press("enter")
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await wait_for(pilot, lambda: bool(replay.steps), "the transcript")
        assert "Step 1 of" in screen_text(app)
        assert flat(q1.text.en) in flat(screen_text(app))
        assert "Sure." not in screen_text(app)  # the answer is the next step
        await pilot.press("right")
        assert "Step 2 of" in screen_text(app) and "Sure." in screen_text(app)
        await pilot.press("end")
        assert f"Step {len(replay.steps)} of {len(replay.steps)}" in screen_text(app)
        await pilot.press("left")
        assert f"Step {len(replay.steps) - 1} of" in screen_text(app)

        # Back out to Home: the session is listed there too.
        await pilot.press("escape", "escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await wait_for(pilot, lambda: len(app.screen.rows) == 1, "Home's recent sessions")


async def test_empty_answer_asks_again(tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await pilot.press("ctrl+s")
        await pilot.press("space", "enter", "space", "ctrl+j")  # whitespace only, submitted with ctrl+j
        await pilot.pause()
        assert sum("Your answer is empty" in n for n in notifications(app)) == 2
        assert screen.phase == "listening" and screen.source.waiting is not None
        session = tui_services.store.load(screen.session_id)
        assert not [t for t in session.turns if t.kind == "answer"]
        assert not screen.query(".answer-turn")


async def test_skip_moves_on(tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding", "system_design"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await pilot.press("ctrl+n", "y")  # skipping asks first
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 2), "the second question")
        assert "— skipped —" in screen_text(app)
        await pilot.press("f8", "y")  # skip again, the interview is over
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback screen")
        session = tui_services.store.load(screen.session_id)
        assert [t.kind for t in session.turns].count("skip") == 2
        assert session.grades == {}


PASTES = {
    "code": "\n".join(
        f"{i:05d}: cache[key] = node  # move the node to the front of the list on every get" for i in range(2600)
    ),
    "one line": "the node moves to the front of the list on every get, " * 3800,
}


@pytest.mark.parametrize("kind", PASTES)
async def test_large_paste_is_accepted_without_freezing(
    tui_services: Services, warm_services: Services, kind: str
) -> None:
    """A 200 KB paste lands in the editor, typing stays responsive, and the whole text is submitted
    (the screen shows it clipped). The judge here only reads the first 4 KB: the offline judge
    embeds every clause of an answer, which for 200 KB takes minutes in the background."""
    from textual import events

    tui_services.__dict__["offline_judge"] = CappedJudge(warm_services.offline_judge)
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        area = screen.query_one("#answer", TextArea)
        pasted = PASTES[kind]
        assert len(pasted.encode()) >= 200_000
        app.post_message(events.Paste(pasted))
        await wait_for(pilot, lambda: len(area.text) == len(pasted), "the paste", timeout=30)
        assert area.text == pasted
        assert not area.soft_wrap  # large documents are not re-wrapped on every key

        import time

        started = time.monotonic()
        await pilot.press("end", "x")
        assert time.monotonic() - started < 10
        assert area.text.endswith("x")

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: area.text == "", "the editor to clear")
        assert area.soft_wrap
        await wait_for(pilot, lambda: "characters)" in screen_text(app), "the clipped echo")
        started = time.monotonic()
        await pilot.press("a", "b", "c")
        assert area.text == "abc"
        assert time.monotonic() - started < 10
        await wait_for(
            pilot,
            lambda: screen.phase == "listening" or isinstance(app.screen, FeedbackScreen),
            "the interviewer's next turn",
            timeout=120,
        )
        session = tui_services.store.load(screen.session_id)
        assert next(t.text for t in session.turns if t.kind == "answer") == pasted + "x"


class CappedJudge:
    """The real offline judge, reading only the first 4 KB of an answer."""

    LIMIT = 4000

    def __init__(self, judge: object) -> None:
        self._judge = judge

    def __getattr__(self, name: str) -> object:
        return getattr(self._judge, name)

    def coverage(self, question, answer, **kwargs):
        return self._judge.coverage(question, answer[: self.LIMIT], **kwargs)  # type: ignore[attr-defined]

    def grade(self, question, answer, lang="en", exchanges=None):
        return self._judge.grade(question, answer[: self.LIMIT], lang, exchanges)  # type: ignore[attr-defined]


async def test_resize_to_60x20_on_every_screen(tui_services: Services, seeded: dict[str, str]) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_ready()

        async def squeeze(name: str) -> None:
            await pilot.resize_terminal(60, 20)
            await pilot.pause()
            assert app.size == (60, 20)
            assert screen_text(app).strip(), name
            await pilot.resize_terminal(*SIZE)
            await pilot.pause()
            await pilot.resize_terminal(60, 20)
            await pilot.pause()

        await squeeze("home")
        await pilot.press("f1")
        await squeeze("help")
        await pilot.press("escape")
        app.open_feedback(seeded["completed"])
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "feedback")
        await pilot.press("right_square_bracket")
        await squeeze("feedback")
        await pilot.press("h")
        await wait_for(pilot, lambda: len(getattr(app.screen, "rows", [])) == 3, "history")
        await squeeze("history")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(getattr(app.screen, "steps", [])), "replay")
        await pilot.press("end")
        await squeeze("replay")
        app.go_home()
        await pilot.press("ctrl+s")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: screen.phase == "listening", "a question")
        await squeeze("interview")
        await pilot.press("ctrl+g")
        await squeeze("confirm")
        assert "End the interview now?" in flat(screen_text(app))


async def test_resume_from_home(tui_services: Services, seeded: dict[str, str]) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: len(home.rows) == 3, "the recent sessions")
        await wait_for(pilot, lambda: "⏸ active" in flat(screen_text(app)), "the resume entry painted")
        text = flat(screen_text(app))
        assert "⏸ active" in text and "2025-03-15 09:30 · 1 asked · Coding" in text
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert screen.resume_id == seeded["active"]
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "the pending follow-up")
        text = flat(screen_text(app))
        assert "Resuming the interview of 2025-03-15 09:30" in text
        assert "A hash map gives O(1) lookup." in text
        assert "What happens on put when the cache is full?" in text
        assert "Question 1 of 1" in text
        lru = tui_services.bank.questions["tui-lru"]
        screen.query_one(TextArea).insert(full_answer(lru))
        await pilot.press("ctrl+s")
        # a strong answer gets one harder question (the follow-up budget has one left)
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 2), "the deepening follow-up")
        screen.query_one(TextArea).insert("I would measure it.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback screen")
        await wait_for(pilot, lambda: app.screen.loaded, "the feedback to load")  # type: ignore[attr-defined]
        session = tui_services.store.load(seeded["active"])
        assert session.status == "completed"
        assert [t.text for t in session.turns if t.kind == "answer"] == [
            "A hash map gives O(1) lookup.",
            full_answer(lru),
            "I would measure it.",
        ]
        assert "tui-lru" in session.grades


async def test_grading_indicator_while_the_next_question_is_asked(
    tui_services: Services, warm_services: Services
) -> None:
    import threading

    gate = threading.Event()
    tui_services.__dict__["offline_judge"] = GatedJudge(warm_services.offline_judge, gate)
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding", "system_design"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        try:
            await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
            question = tui_services.bank.questions[screen.source.waiting.question_id]  # type: ignore[union-attr]
            screen.query_one(TextArea).insert(full_answer(question))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "the deepening follow-up")
            screen.query_one(TextArea).insert("I would measure it.")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: listening(screen, QuestionAsked, 2), "the second question")
            assert "grading 1 answer" in screen_text(app)
            await pilot.press(*"typing works")
            assert screen.query_one(TextArea).text == "typing works"
        finally:
            gate.set()
        await wait_for(pilot, lambda: "grading" not in screen_text(app), "the grade to arrive")


class GatedJudge(CappedJudge):
    """The real judge, whose grading waits for a gate (so grading is visibly 'in progress')."""

    def __init__(self, judge: object, gate: object) -> None:
        super().__init__(judge)
        self._gate = gate

    def grade(self, question, answer, lang="en", exchanges=None):
        self._gate.wait(30)  # type: ignore[attr-defined]
        return super().grade(question, answer, lang, exchanges)


async def test_question_timer(tui_services: Services, warm_services: Services, tui_home: Path) -> None:
    from tui_helpers import services_for

    timed = services_for(warm_services, tui_home, question_timer_s=1)
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(timed.settings, timed, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await wait_for(pilot, lambda: "⏱ +0:0" in screen_text(app), "the timer to run out", timeout=10)
        assert any("Time is up" in n for n in notifications(app))


async def test_pause_leaves_a_resumable_session(tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding", "system_design"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await pilot.press("escape")
        assert "Pause and leave?" in flat(screen_text(app))
        await pilot.press("n")  # changed my mind
        assert app.screen is screen
        await pilot.press("escape", "y")
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: len(home.rows) == 1, "the paused session on Home")
        assert home.rows[0].status == "active"
        assert "1 asked" in screen_text(app)
        assert tui_services.store.load(screen.session_id).status == "active"


class BrokenIndex:
    url = ""

    def is_current(self, chunks: object) -> bool:
        raise RuntimeError("the note index is unreadable; run `interviewer index --rebuild`")


async def test_a_broken_index_is_reported_and_blocks_only_interviews(
    tui_services: Services, seeded: dict[str, str]
) -> None:
    retriever = tui_services.retriever
    broken = type(
        "BrokenRetriever", (), {"index": BrokenIndex(), "chunks": retriever.chunks, "by_id": retriever.by_id}
    )()
    tui_services.__dict__["retriever"] = broken
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "✖" in screen_text(app), "the failure on Home")
        assert "the note index is unreadable" in flat(screen_text(app))
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HomeScreen)
        assert any("Cannot start" in n for n in notifications(app))
        app.open_feedback(seeded["completed"])  # past sessions still open
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the feedback")
        assert "Overall 28/100" in flat(screen_text(app))  # 55 and a skipped question at 0
