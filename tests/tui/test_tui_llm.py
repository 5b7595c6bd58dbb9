"""The interview screen with a (scripted) LLM: streamed follow-ups and summary, judge fallback notices."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea
from tui_helpers import SIZE, flat, listening, notifications, partial_answer, screen_text, services_for, wait_for

from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app
from interviewer.tui.screens.feedback import FeedbackScreen
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.widgets import InterviewerTurn

PERSONA = "When the cache is full, which entry do you **evict**, and how do you find it in O(1)?"
SUMMARY = "**Strengths**: clear structure.\n\n**Gaps**: eviction.\n\n**What to study next**: tui-lru-note."


def scripted(messages: list[dict[str, str]], purpose: str) -> Any:
    """Replies by purpose: a follow-up decision on the first missing key point, a persona line, a
    summary; the judge gets an invalid reply so it falls back to the offline judge."""
    user = messages[-1]["content"]
    if purpose == "follow_up":
        missing = re.search(r"^- ([a-z0-9][a-z0-9_-]*) — ", user, re.MULTILINE)
        return {
            "reasoning": "eviction is missing",
            "action": "follow_up",
            "key_point_id": missing.group(1) if missing else "",
            "question": "What is evicted when full?",
        }
    if purpose == "persona":
        return PERSONA
    if purpose == "summary":
        return SUMMARY
    return {}


@pytest.fixture
def llm_services(warm_services: Services, tui_home: Path) -> Services:
    return services_for(warm_services, tui_home, llm=FakeLLM(default=scripted, name="fake/model"), model="fake/model")


async def test_streamed_follow_up_and_summary(llm_services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens: list[str] = []
    original = InterviewScreen._stream_token

    async def counting(self: InterviewScreen, text: str) -> None:
        tokens.append(text)
        await original(self, text)

    monkeypatch.setattr(InterviewScreen, "_stream_token", counting)
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], model="fake/model"))
    app = make_app(llm_services.settings, llm_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked), "the question")
        lru = llm_services.bank.questions["tui-lru"]
        screen.query_one(TextArea).insert(partial_answer(lru))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: listening(screen, FollowUpAsked), "the follow-up")
        assert "".join(tokens).strip() == PERSONA
        turns = list(screen.query(InterviewerTurn))
        assert len(turns) == 2  # the question and the streamed follow-up, finalised in place
        assert not turns[-1].has_class("streaming")
        text = flat(screen_text(app))
        assert "Follow-up 1" in text and "When the cache is full, which entry do you evict" in text
        await pilot.press("ctrl+g", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback", timeout=60)
        await wait_for(pilot, lambda: "Strengths" in screen_text(app), "the streamed summary")
        assert "".join(tokens).strip().endswith("tui-lru-note.")
        assert any("graded offline" in n for n in notifications(app))  # the judge fell back, quietly
        session = llm_services.store.load(screen.session_id)
        assert session.model == "fake/model"
        assert session.summary == SUMMARY
        follow_ups = [t.text for t in session.turns if t.kind == "follow_up"]
        assert follow_ups == [PERSONA]
