"""The judge the rest of the app calls: the one the setting ``judge`` names (by default the LLM
judge when a model is given, the offline judge otherwise; a plugin's judge by its name, see
:mod:`interviewer.judge.registry`), and the offline judge whenever that one fails. The candidate's
answer is never lost to a judge failure, and neither is a grade to an unreachable note index: the
answer is then graded without reference passages, the grade says so and the fallback reason names
the cause."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from interviewer.domain import Grade, Lang, Question
from interviewer.judge import correctness, registry
from interviewer.judge.checks import Exchange, as_pair
from interviewer.judge.coverage import Coverage
from interviewer.judge.offline import OfflineJudge
from interviewer.judge.references import tracking_misses
from interviewer.llm.base import ChatModel
from interviewer.llm.errors import LLMError
from interviewer.messages import msg

MAX_TEXT_CHARS = 2000
"""Longest reason or summary a grade keeps (model text; the LLM client already bounds it)."""
MAX_QUOTE_CHARS = 600
MAX_ITEMS = 16


class Judge:
    def __init__(self, offline: OfflineJudge, samples: int = 1, name: str = registry.AUTO) -> None:
        self.offline = offline
        self.samples = samples
        self.name = name
        """The judge that grades (setting ``judge``): ``auto``, ``offline``, ``llm`` or a plugin's name."""

    # How the agent reads an answer before it is graded (follow-up decisions, read-ahead while the
    # candidate types): the offline judge's embeddings, whichever judge grades.
    def prepare(self, question: Question) -> None:
        """Load what reading answers to ``question`` needs (its rubric's vectors)."""
        self.offline.prepare(question)

    def coverage(self, question: Question, answer: str, *, fine: bool = True) -> Coverage:
        """What ``answer`` covers of the rubric and the wrong claims it makes (no grade, no LLM)."""
        return self.offline.coverage(question, answer, fine=fine)

    def precompute(self, text: str) -> None:
        """Embed text ahead of a decision or grade on it."""
        self.offline.precompute(text)

    def units_read(self, question: Question, answer: str, fine: bool = True) -> list[str]:
        """The unit texts reading ``answer`` embeds (``fine``: a grade; ``fine=False``: a follow-up decision)."""
        return self.offline.units_read(question, answer, fine)

    def embed_units(self, units: list[str]) -> None:
        """Embed unit texts ahead of a decision or grade that reads them."""
        self.offline.embed_units(units)

    def embedded(self, unit: str) -> bool:
        """Whether reading a unit text runs no model (embedded before, or bundled)."""
        return self.offline.embedded(unit)

    def graded_text(self, question: Question, answer: str) -> str:
        """The part of ``answer`` a grade reads (all of it, or for a very long one a selection)."""
        return self.offline.graded_text(question, answer)

    async def grade(
        self,
        question: Question,
        answer: str,
        lang: Lang,
        llm: ChatModel | None = None,
        on_error: Callable[[LLMError], None] | None = None,
        exchanges: Sequence[Exchange | tuple[str, str]] | None = None,
        code: str | None = None,
        tests: dict[str, Any] | None = None,
        correctness_criterion: bool = True,
    ) -> tuple[Grade, str | None]:
        """(grade, fallback reason or None). ``on_error`` sees the LLM failure, if any.

        ``answer`` is everything the candidate said on the question, joined (what the offline judge
        grades); ``exchanges``, when given, are the same answers paired with the prompt each one
        replied to (the question, then each follow-up), so the LLM judge sees the conversation.

        A question with a coding task is also graded on ``correctness``: ``code`` (else the code
        fenced in the answer) runs the hidden tests while the judge reads the prose and the code,
        unless ``tests`` hands in a stored run to reuse (see :mod:`interviewer.judge.correctness`).
        ``correctness_criterion=False`` grades the rubric alone (the judge evals measure the reading of
        answers; the hidden tests are measured apart)."""
        task = await asyncio.to_thread(correctness.task_for, question.id) if correctness_criterion else None
        if task is not None:
            code = code if code and code.strip() else correctness.code_in(answer)
            answer = correctness.judged_text(answer, code)
            if exchanges:
                exchanges = _with_code(exchanges, code)
        run_tests = task is not None and tests is None and bool(code and code.strip())
        with tracking_misses() as misses:
            judged = self._grade(question, answer, lang, llm, on_error, exchanges)
            if run_tests:
                (grade, fallback), tests = await asyncio.gather(
                    judged, correctness.hidden_tests(question.id, code or "")
                )
            else:
                grade, fallback = await judged
                if task is not None and tests is None:
                    tests = await correctness.hidden_tests(question.id, "")  # a skip when requirements miss
        if task is not None:
            grade = correctness.apply_correctness(grade, question, tests, lang, code_given=tests is not None)
        grade = bounded(grade)
        if misses:
            note = msg("judge.no_references", lang)  # opens the summary of a grade made without references
            grade = grade.model_copy(update={"summary": f"{note} {grade.summary}".strip()})
            why = f"note index unavailable ({misses[0]}); graded without reference passages"
            fallback = f"{fallback}; {why}" if fallback else why
        return grade, fallback

    async def _grade(
        self,
        question: Question,
        answer: str,
        lang: Lang,
        llm: ChatModel | None,
        on_error: Callable[[LLMError], None] | None,
        exchanges: Sequence[Exchange | tuple[str, str]] | None = None,
    ) -> tuple[Grade, str | None]:
        name = registry.resolve(self.name, llm)
        if name == "offline":
            return await asyncio.to_thread(self.offline.grade, question, answer, lang, exchanges), None
        if name == "llm" and llm is None:
            grade = await asyncio.to_thread(self.offline.grade, question, answer, lang, exchanges)
            return grade, "the llm judge needs a model and none is set; graded offline"
        ctx = registry.JudgeContext(self.offline, self.offline.references, llm, self.samples)
        try:
            judge = registry.grader(name, ctx)
            return await judge.grade(question, answer, lang, exchanges=exchanges), None
        except Exception as exc:  # any judge failure (not only LLMError) must not lose the grade
            error = exc if isinstance(exc, LLMError) else LLMError(type(exc).__name__, str(exc)[:300])
            if on_error is not None and (name == "llm" or isinstance(exc, LLMError)):  # a model failed
                on_error(error)
            grade = await asyncio.to_thread(self.offline.grade, question, answer, lang, exchanges)
            label = "LLM judge" if name == "llm" else f"judge {name!r}"
            return grade, f"{label} failed ({error}); graded offline"


def _with_code(exchanges: Sequence[Exchange | tuple[str, str]], code: str) -> list[Exchange | tuple[str, str]]:
    """The exchanges with the code after the main answer (the one it was submitted with)."""
    out: list[Exchange | tuple[str, str]] = list(exchanges)
    asked, said = as_pair(out[0])
    out[0] = (asked, correctness.judged_text(said, code))
    return out


def bounded(grade: Grade) -> Grade:
    """``grade`` with every free text cut to a sane length: a model's reasons and summary are stored
    and shown, and a hostile or looping model must not fill the database (or the screen)."""

    def cut(text: str, limit: int = MAX_TEXT_CHARS) -> str:
        return text if len(text) <= limit else text[: limit - 1] + "…"

    criteria = [
        c.model_copy(
            # quotes are cut, never marked: each must stay a verbatim substring of the answer
            update={"reason": cut(c.reason), "evidence": [q[:MAX_QUOTE_CHARS] for q in c.evidence[:MAX_ITEMS]]}
        )
        for c in grade.criteria
    ]
    errors = [
        e.model_copy(update={"quote": e.quote[:MAX_QUOTE_CHARS], "correction": cut(e.correction)})
        for e in grade.errors[:MAX_ITEMS]
    ]
    unverified = [
        d.model_copy(update={"quote": d.quote[:MAX_QUOTE_CHARS], "correction": cut(d.correction)})
        for d in grade.unverified[:MAX_ITEMS]
    ]
    return grade.model_copy(
        update={"summary": cut(grade.summary), "criteria": criteria, "errors": errors, "unverified": unverified}
    )
