"""Issue 15: after feedback the candidate reads the model answer (m) and retries a question (t): a
new one-question session, the earlier attempt kept, both compared in the question's feedback."""

from __future__ import annotations

from textual.widgets import Static
from tui_helpers import flat, listening, notifications, partial_answer, screen_text, wait_for

from interviewer.agent.events import QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import Launch, make_app
from interviewer.tui.screens.feedback import FeedbackScreen, QuestionFeedback
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.screens.model_answer import ModelAnswerScreen

SIZE = (100, 32)


async def open_feedback(app, pilot, session_id: str) -> FeedbackScreen:
    app.push_screen(FeedbackScreen(session_id))
    await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen) and app.screen.loaded, "the feedback")
    return app.screen


async def test_the_model_answer_opens_from_a_question_of_the_feedback(
    tui_services: Services, seeded: dict[str, str]
) -> None:
    lru = tui_services.bank.questions["tui-lru"]
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        feedback = await open_feedback(app, pilot, seeded["older"])
        await pilot.press("m")  # on the summary: which question?
        assert not isinstance(app.screen, ModelAnswerScreen)
        assert any("Open a question's tab first" in n for n in notifications(app))
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "m model answer · t retry this question · n read the cited note" in flat(screen_text(app))
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelAnswerScreen), "the model answer")
        text = flat(screen_text(app))
        assert "What a strong answer covers" in text
        assert flat(lru.model_answer.en)[:60] in text  # type: ignore[union-attr]
        await pilot.press("escape")
        assert app.screen is feedback


async def test_the_model_answer_speaks_the_session_language(tui_services: Services) -> None:
    screen = ModelAnswerScreen("实现一个 LRU 缓存。", "", "zh")
    assert "优秀的回答会讲到什么" in screen.markdown() and "还没有这道题的参考答案" in screen.markdown()


async def test_retry_is_a_new_attempt_compared_with_the_old_one(tui_services: Services, seeded: dict[str, str]) -> None:
    store = tui_services.store
    before = {r.id for r in store.sessions()}
    app = make_app(tui_services.settings, tui_services, launch=Launch(), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_feedback(app, pilot, seeded["older"])  # one question: tui-lru, scored earlier
        await pilot.press("right_square_bracket", "t")
        await wait_for(pilot, lambda: isinstance(app.screen, InterviewScreen), "the retry")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question asked again")
        assert screen.source.waiting.question_id == "tui-lru"  # type: ignore[union-attr]
        assert screen.total == 1
        lru = tui_services.bank.questions["tui-lru"]
        screen.query_one("#answer").insert(lru.model_answer.en)  # type: ignore[attr-defined, union-attr]
        await pilot.press("ctrl+s")
        for _ in range(3):  # follow-ups, if any, then the feedback
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, FeedbackScreen) or screen.phase == "listening",
                "a follow-up or the feedback",
                timeout=120,
            )
            if isinstance(app.screen, FeedbackScreen):
                break
            screen.query_one("#answer").insert(partial_answer(lru))  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen) and app.screen.loaded, "the feedback")
        retry = app.screen
        assert isinstance(retry, FeedbackScreen) and retry.session_id not in before
        await pilot.press("right_square_bracket")
        await pilot.pause()
        attempts = retry.query_one(QuestionFeedback).query(".fb-attempts").results(Static)
        line = flat(str(next(attempts).render()))
        old, new = store.load(seeded["older"]), store.load(retry.session_id)
        assert "Your attempts at this question:" in line and "(this one)" in line
        old_score, new_score = old.grades["tui-lru"].overall, new.grades["tui-lru"].overall
        assert f"{old_score:.0f}" in line and f"{new_score:.0f} (this one)" in line
        assert f"{new_score - old_score:+.0f}" in line
    assert store.load(seeded["older"]).grades["tui-lru"].overall == old_score  # the first attempt is kept
