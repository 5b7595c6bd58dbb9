"""Issue 15: the unsent draft is saved as you type (debounced) and restored on resume — after a
pause, and after the process died without a chance to save anything (the first app here never
runs its quit or pause hooks; the store-level kill -9 test is in tests/test_store_scores_drafts.py)."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea
from tui_helpers import listening, notifications, partial_answer, wait_for

from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.interview import InterviewScreen

SIZE = (100, 32)
DRAFT = "First I'd measure the p99 latency per stage, then — 先看检索 —"


def editor(screen: Any) -> TextArea:
    return screen.query_one("#answer", TextArea)


def code_editors(app: Any) -> list[TextArea]:
    """The code editor, once the coding screen is up and has mounted it."""
    from interviewer.tui.screens.coding import CodingScreen

    return list(app.screen.query("#code-editor").results(TextArea)) if isinstance(app.screen, CodingScreen) else []


async def resumed_editor_text(services: Services, session_id: str, kind: type, index: int) -> tuple[str, list[str]]:
    """Resume the session in a new app; the editor's text once the pending prompt listens."""
    app = make_app(services.settings, services, launch=Launch(resume=session_id), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, kind, index), "the resumed prompt")
        await pilot.pause()
        text = editor(screen).text
        assert not editor(screen).read_only
        return text, notifications(app)


async def test_a_draft_typed_and_never_sent_is_back_after_the_app_died(tui_services: Services) -> None:
    store = tui_services.store
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        screen.keep_draft = lambda: None  # type: ignore[method-assign]  # a crash runs no hook
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        editor(screen).insert(DRAFT[:20])
        await pilot.pause(0.2)
        editor(screen).insert(DRAFT[20:])  # typing on: one save once the typing pauses
        sid = screen.session_id
        await wait_for(pilot, lambda: (d := store.draft(sid)) is not None and d.text == DRAFT, "the draft saved")
        qid = screen.source.waiting.question_id  # type: ignore[union-attr]
    draft = store.draft(sid)
    assert draft is not None and (draft.question_id, draft.follow_up_index) == (qid, 0)

    text, notes = await resumed_editor_text(tui_services, sid, QuestionAsked, 1)
    assert text == DRAFT
    assert any("draft is back" in n for n in notes)


async def test_pause_right_after_typing_keeps_the_draft_of_the_follow_up(tui_services: Services) -> None:
    store = tui_services.store
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        qid = screen.source.waiting.question_id  # type: ignore[union-attr]
        editor(screen).insert(partial_answer(tui_services.bank.questions[qid]))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "a follow-up")
        assert store.draft(screen.session_id) is None  # the sent answer is no draft
        editor(screen).insert("Half a reply to the follow-up")
        await pilot.press("escape", "y")  # before the typing pause: the pause saves it
        sid = screen.session_id
    draft = store.draft(sid)
    assert draft is not None and (draft.question_id, draft.follow_up_index, draft.text) == (
        qid,
        1,
        "Half a reply to the follow-up",
    )
    text, _ = await resumed_editor_text(tui_services, sid, FollowUpAsked, 1)
    assert text == "Half a reply to the follow-up"


async def test_a_sent_answer_is_not_restored_as_a_draft(tui_services: Services) -> None:
    store = tui_services.store
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        qid = screen.source.waiting.question_id  # type: ignore[union-attr]
        answer = partial_answer(tui_services.bank.questions[qid])
        editor(screen).insert(answer)
        sid = screen.session_id
        await wait_for(pilot, lambda: store.draft(sid) is not None, "the draft saved")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked, 1), "a follow-up")
        await pilot.pause(1.3)  # past the save delay: the emptied editor saves nothing back
        assert store.draft(sid) is None
        await pilot.press("escape", "y")
    text, _ = await resumed_editor_text(tui_services, sid, FollowUpAsked, 1)
    assert text == ""


async def test_code_typed_in_the_code_editor_and_never_sent_is_back_after_the_app_died(services: Services) -> None:
    """A coding question's unsent code is part of the draft: saved as it is typed in the code editor
    (no pause, no quit hook: the app dies) and back in the editor when the session is resumed."""
    from test_tui_coding import _coding_services

    services = _coding_services(services)
    store = services.store
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="en", model=""))
    app = make_app(services.settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        interview = app.screen
        assert isinstance(interview, InterviewScreen)
        interview.keep_draft = lambda: None  # type: ignore[method-assign]  # a crash runs no hook
        await wait_for(pilot, lambda: bool(code_editors(app)), "the code editor", timeout=120)
        code_editor = code_editors(app)[0]
        code_editor.move_cursor(code_editor.document.end)
        code_editor.insert("\n# 先写掩码：window 之外置 -inf\n")
        typed = code_editor.text
        sid = interview.session_id
        await wait_for(pilot, lambda: (d := store.draft(sid)) is not None and d.code == typed, "the code saved")

    resumed = make_app(services.settings, services, launch=Launch(resume=sid), cursor_blink=False)
    async with resumed.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: bool(code_editors(resumed)), "the code editor", timeout=120)
        assert code_editors(resumed)[0].text == typed
        await pilot.press("escape")  # back to the conversation: the code goes with the next answer
        interview = resumed.screen
        assert isinstance(interview, InterviewScreen)
        assert interview.coding.code_for(interview.source.waiting.question_id) == typed  # type: ignore[union-attr]
