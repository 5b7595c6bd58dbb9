"""Issue 19, the TUI's study loop: Home's Practice action runs today's practice plan through the
interview screen (offline engine, answers typed in the editor) to the feedback screen, and History
draws retention per track over time with the points due and what to read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, SelectionList, Static, TextArea
from tui_helpers import (
    BANK_DIR,
    SIZE,
    canned_grade,
    flat,
    full_answer,
    listening,
    notifications,
    screen_text,
    services_for,
    wait_for,
)

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
)
from interviewer.bank import load_bank
from interviewer.domain import Session
from interviewer.progress import Progress, compute_progress
from interviewer.services import Services
from interviewer.store.db import Store
from interviewer.tui.app import InterviewerApp, make_app
from interviewer.tui.options import InterviewOptions
from interviewer.tui.screens.feedback import FeedbackScreen
from interviewer.tui.screens.history import HistoryScreen, read_of, track_series
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen


async def _home(pilot: Pilot[Any], app: InterviewerApp) -> HomeScreen:
    home = app.screen
    assert isinstance(home, HomeScreen)
    await wait_for(pilot, lambda: app.warm_state == "ready", "the services to warm up")
    return home


async def _practice(pilot: Pilot[Any], app: InterviewerApp, what: str) -> tuple[InterviewScreen, InterviewOptions]:
    """Press ctrl+t on Home and wait for the practice session's interview screen and its options."""
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), what)
    screen = app.screen
    assert isinstance(screen, InterviewScreen) and screen.options is not None
    return screen, screen.options


async def _answer_all(pilot: Pilot[Any], app: InterviewerApp, services: Services) -> InterviewScreen:
    """Answer every prompt in the editor until the feedback screen opens: each question with all its
    key points, each follow-up briefly."""
    screen = app.screen
    assert isinstance(screen, InterviewScreen)
    area = screen.query_one("#answer", TextArea)
    answered: set[tuple[str, int]] = set()
    await wait_for(pilot, lambda: screen.source.waiting is not None or screen.phase == "failed", "the first prompt")
    while not isinstance(app.screen, FeedbackScreen):
        prompt = screen.source.waiting
        if screen.phase != "listening" or prompt is None:
            assert screen.phase != "failed", screen_text(app)
            await pilot.pause(0.05)
            continue
        key = (prompt.question_id, prompt.follow_up_index if isinstance(prompt, FollowUpAsked) else 0)
        if key in answered:
            await pilot.pause(0.05)
            continue
        answered.add(key)
        question = services.bank.questions[prompt.question_id]
        area.insert(full_answer(question) if isinstance(prompt, QuestionAsked) else "I would measure it first.")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda asked=prompt: screen.source.waiting is not asked or isinstance(app.screen, FeedbackScreen),
            "the answer to be taken",
        )
    feedback = app.screen
    await wait_for(pilot, lambda: feedback.loaded, "the feedback to load")
    return screen


async def test_practice_from_home_asks_the_plans_questions_aimed_at_due_points(
    tui_services: Services, seeded: dict[str, str]
) -> None:
    """Graded history (the seeded sessions, graded in 2025: every point is due): the Practice button
    asks the plan's questions, due ones first with the points they practise, then new material."""
    expected = tui_services.practice_plan()
    assert not expected.diagnostic
    due_questions = [q for q in expected.question_ids if expected.targets.get(q)]
    assert set(due_questions) == {"tui-kv-cache", "tui-lru"}  # the two graded questions
    assert expected.question_ids[2:] == ["tui-rate-limiter"]  # never graded: new material

    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await _home(pilot, app)
        assert "Practise what is due" in screen_text(app)
        await pilot.click("#practice")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), "the practice session")
        screen = app.screen
        assert isinstance(screen, InterviewScreen) and screen.options is not None
        assert screen.options.forced == expected.question_ids
        assert screen.options.targets == {q: expected.targets[q] for q in due_questions}
        assert screen.options.practice == "review"
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        text = flat(screen_text(app))
        assert "Practice: 2 questions on the points that are due, then 1 new." in text
        assert "Practice 1/3" in text
        first = tui_services.bank.questions[expected.question_ids[0]]
        kp_text = {kp.id: kp.text.en for _, kp in first.rubric.key_points()}
        shown = flat(str(screen.query(".turn-note").last().render()))
        assert shown.startswith("practises: ")
        assert kp_text[expected.targets[first.id][0]][:30] in shown
        del home

        await _answer_all(pilot, app, tui_services)
        session = Store(paths.db_file(tui_services.home)).load(screen.session_id)
        assert session.asked() == expected.question_ids
        assert session.targets == {q: expected.targets[q] for q in due_questions}  # the agent got them
        assert set(session.grades) == set(expected.question_ids)
        assert session.status == "completed"


async def test_practice_without_history_is_a_diagnostic_one_question_per_track(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        home = await _home(pilot, app)
        assert home.query_one("#tracks", SelectionList).selected == []  # no track ticked: every track
        screen, options = await _practice(pilot, app, "the diagnostic")
        assert options.practice == "diagnostic"
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        assert "Diagnostic: one question per track" in flat(screen_text(app))
        await _answer_all(pilot, app, tui_services)
        session = tui_services.store.load(screen.session_id)
        tracks = [tui_services.bank.questions[q].track for q in session.asked()]
        assert sorted(tracks) == ["coding", "llm_fundamentals", "system_design"]


def _graded_now(store: Store, services: Services, question_ids: list[str], at: datetime, score: int = 4) -> None:
    """A session answering ``question_ids`` at ``at``, every criterion at ``score`` (4: perfectly,
    their points are not due for days; 0: every point missed, due a day later)."""
    sid = f"9aded{len(question_ids)}{score}000000"
    events: list[Any] = [
        SessionStarted(
            session_id=sid, at=at, session=Session(id=sid, lang="en", count=len(question_ids), started_at=at)
        )
    ]
    for n, qid in enumerate(question_ids, start=1):
        q = services.bank.questions[qid]
        answer = full_answer(q)
        grade = canned_grade(q, [score] * len(q.rubric.criteria), answer, at, [])
        events += [
            QuestionAsked(
                session_id=sid,
                at=at,
                question_id=qid,
                index=n,
                total=len(question_ids),
                text=q.text.en,
                track=q.track,
                difficulty=q.difficulty,
            ),
            AnswerReceived(session_id=sid, at=at, question_id=qid, text=answer),
            QuestionClosed(session_id=sid, at=at, question_id=qid, reason="covered"),
            AnswerGraded(session_id=sid, at=at, question_id=qid, grade=grade),
        ]
    events.append(SessionEnded(session_id=sid, at=at, status="completed", overall=100.0, summary="ok"))
    for event in events:
        store.record(event)


async def test_nothing_due_offers_new_material_then_says_there_is_nothing(tui_services: Services) -> None:
    now = datetime.now(UTC) - timedelta(hours=1)
    _graded_now(tui_services.store, tui_services, ["tui-kv-cache"], now)
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _home(pilot, app)
        screen, options = await _practice(pilot, app, "the practice session")
        assert options.practice == "new" and options.targets == {}
        assert sorted(options.forced) == ["tui-lru", "tui-rate-limiter"]
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        text = flat(screen_text(app))
        assert "Nothing is due: 2 new questions instead." in text
        assert "new material: nothing is due on this question" in text

    # every question answered well just now: nothing is due and nothing is new
    store = Store(paths.db_file(tui_services.home))
    _graded_now(store, tui_services, ["tui-lru", "tui-rate-limiter"], now)
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _home(pilot, app)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: any("Nothing to practise" in n for n in notifications(app)), "the notice")
        assert isinstance(app.screen, HomeScreen)
        notice = next(n for n in notifications(app) if "Nothing to practise" in n)
        assert "The next point is due" in notice


async def test_a_resumed_practice_session_is_still_one(tui_services: Services) -> None:
    """Paused at its first question and resumed from Home: the status says practice and the
    restored question still shows the points it practises (the session recorded its targets)."""
    _graded_now(tui_services.store, tui_services, ["tui-kv-cache"], datetime.now(UTC) - timedelta(days=3), score=0)
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _home(pilot, app)
        screen, options = await _practice(pilot, app, "the practice session")
        assert options.forced[0] == "tui-kv-cache" and options.targets["tui-kv-cache"]
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        note = flat(str(screen.query(".turn-note").last().render()))
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "Home")
        await wait_for(pilot, lambda: not app.screen.query_one("#resume", Button).disabled, "the resume button")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), "the resumed session")
        resumed = app.screen
        assert isinstance(resumed, InterviewScreen) and resumed is not screen
        await wait_for(pilot, lambda: listening(resumed), "the question again")
        assert resumed.practice == "review"
        assert flat(str(resumed.query(".turn-note").first().render())) == note
        assert "Practice 1/3" in screen_text(app)


async def test_history_draws_retention_per_track_and_the_due_points(
    tui_services: Services, seeded: dict[str, str]
) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _home(pilot, app)
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: bool(history.query("#tracks-plot")), "the per-track chart")
        plot = history.query_one("#tracks-plot")
        series = history.track_series
        assert [s.track for s in series] == ["llm_fundamentals", "coding"]  # the graded tracks, in the bank's order
        assert all(s.retention for s in series)
        drawn = plot.plt._active.monitor.y  # type: ignore[attr-defined]
        assert len(drawn) == 2 and [list(y) for y in drawn] == [s.values for s in series]
        assert all(0 <= v <= 100 for s in series for v in s.values)
        await pilot.pause(0.1)
        text = flat(screen_text(app))
        assert "Retention by track" in text and "LLM fundamentals" in text and "Coding" in text
        assert "What to study next" in text
        due = str(history.query_one("#due-list", Static).render())
        entries = compute_progress(tui_services.store, tui_services.bank, "en").due
        assert len(entries) == 12  # every point of the two graded questions (graded in 2025)
        first = entries[0]
        assert flat(due).startswith(f"• {flat(str(first['text']))[:40]}")  # least remembered first
        assert f"read: {read_of(first)}" in due  # the section (`read`) when progress gives it, else the note id
        assert read_of(first).startswith(("tui-", "KV cache", "LRU"))
        assert "… and 4 more" in due


async def test_history_in_chinese_names_the_tracks_in_chinese(warm_services: Services, tui_home: Path) -> None:
    services = services_for(warm_services, tui_home, lang="zh")
    from tui_helpers import seed_sessions

    seed_sessions(services.store, services.bank)
    app = make_app(services.settings, services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _home(pilot, app)
        assert "练习到期要点" in str(app.screen.query_one("#practice", Button).label)
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: bool(history.query("#tracks-plot")), "the per-track chart")
        await pilot.pause(0.1)
        legend = str(history.query_one("#tracks-legend", Static).render())
        assert "LLM基础与高级应用" in legend and "编程与实现" in legend
        assert "各方向记忆保持率" in screen_text(app)


def test_track_series_falls_back_to_scores_for_a_track_without_cards() -> None:
    progress = Progress(
        tracks={
            "coding": [("2025-03-01T09:00:00+00:00", 40.0), ("2025-03-08T09:00:00+00:00", 70.0)],
            "system_design": [("2025-03-02T09:00:00+00:00", 55.0)],
        },
        track_cards={
            "system_design": {
                "retention_series": [
                    {"at": "2025-03-02T09:00:00+00:00", "retention": 0.9, "points": 4},
                    {"at": "2025-03-09T09:00:00+00:00", "retention": 0.425, "points": 4},
                ]
            }
        },
    )
    known = load_bank([BANK_DIR], builtin=False).tracks
    series = {s.track: s for s in track_series(progress, "en", known)}
    assert series["system_design"].retention and series["system_design"].values == [90.0, 42.5]
    assert series["system_design"].label == "System design"
    assert not series["coding"].retention and series["coding"].values == [40.0, 70.0]
    assert series["coding"].label == "Coding (score)"
    assert [s.track for s in track_series(progress, "zh", known)] == ["system_design", "coding"]
    assert track_series(progress, "zh", known)[1].label == "编程与实现 (得分)"
    assert [s.label for s in track_series(progress, "en", {})] == ["coding (score)", "system_design"]  # ids, by id


def test_what_to_read_prefers_the_read_field() -> None:
    assert read_of({"notes": "kv-cache-note"}) == "kv-cache-note"
    assert read_of({"notes": "kv-cache-note", "read": "KV cache › Memory"}) == "KV cache › Memory"
    assert read_of({"notes": "n", "read": [{"title": "KV cache", "section": "Memory"}]}) == "KV cache › Memory"
    assert read_of({"notes": "n", "read": []}) == "n"
