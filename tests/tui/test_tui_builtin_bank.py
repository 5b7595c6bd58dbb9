"""One interview on the built-in bank, with the repo-wide prebuilt index (copied into this test's home)."""

from __future__ import annotations

from textual.widgets import TextArea
from tui_helpers import SIZE, flat, listening, screen_text, wait_for

from interviewer.agent.events import QuestionAsked
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.feedback import FeedbackScreen
from interviewer.tui.screens.interview import InterviewScreen


async def test_interview_on_the_builtin_bank(services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=1, tracks=["llm_fundamentals"], lang="zh", model=""))
    app = make_app(services.settings, services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked), "the question", timeout=120)
        prompt = screen.source.waiting
        assert prompt is not None
        question = services.bank.questions[prompt.question_id]
        assert question.track == "llm_fundamentals"
        text = flat(screen_text(app))
        assert flat(question.text.zh)[:20] in text
        assert "第 1/1 题" in text and "请作答" in text and "你的回答" in text  # a Chinese session speaks Chinese
        screen.query_one(TextArea).insert(
            "注意力机制用 Q、K、V 计算加权和。\n\n```python\nscores = q @ k.T / d ** 0.5\n```"
        )
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: screen.phase == "listening" or isinstance(app.screen, FeedbackScreen),
            "the next turn",
            timeout=120,
        )
        if isinstance(app.screen, InterviewScreen):
            await pilot.press("ctrl+g", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback", timeout=120)
        await wait_for(pilot, lambda: getattr(app.screen, "loaded", False), "the feedback to load")
        # the tab labels are mounted by the tabs widget itself, a frame or two after the tabs
        await wait_for(pilot, lambda: "总分" in screen_text(app) and "总结" in screen_text(app), "the Chinese feedback")
        await pilot.press("right_square_bracket")  # from the summary tab to Q1
        await wait_for(pilot, lambda: "你回答中的依据" in screen_text(app), "the criterion detail, in Chinese")
        assert "评分项" in screen_text(app)
        session = services.store.load(screen.session_id)
        assert session.lang == "zh" and session.status == "completed"
        assert question.id in session.grades
        assert "```python" in next(t.text for t in session.turns if t.kind == "answer")
