"""The judge the rest of the app calls: the LLM judge when a model is given, the offline judge
otherwise and whenever the LLM fails. The candidate's answer is never lost to a judge failure."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from interviewer.domain import Grade, Lang, Question
from interviewer.judge.llm_judge import LLMJudge
from interviewer.judge.offline import OfflineJudge
from interviewer.llm.base import ChatModel
from interviewer.llm.errors import LLMError


class Judge:
    def __init__(self, offline: OfflineJudge, samples: int = 1) -> None:
        self.offline = offline
        self.samples = samples

    async def grade(
        self,
        question: Question,
        answer: str,
        lang: Lang,
        llm: ChatModel | None = None,
        on_error: Callable[[LLMError], None] | None = None,
    ) -> tuple[Grade, str | None]:
        """(grade, fallback reason or None). ``on_error`` sees the LLM failure, if any."""
        if llm is not None:
            judge = LLMJudge(llm, self.offline.references, samples=self.samples)
            try:
                return await judge.grade(question, answer, lang), None
            except Exception as exc:  # any judge failure (not only LLMError) must not lose the grade
                error = exc if isinstance(exc, LLMError) else LLMError(type(exc).__name__, str(exc)[:300])
                if on_error is not None:
                    on_error(error)
                grade = await asyncio.to_thread(self.offline.grade, question, answer, lang)
                return grade, f"LLM judge failed ({error}); graded offline"
        return await asyncio.to_thread(self.offline.grade, question, answer, lang), None
