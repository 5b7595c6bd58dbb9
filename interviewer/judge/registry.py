"""Judges by name: the built-in ``offline`` and ``llm`` judges and those of plugin packages
(entry-point group ``interviewer.judges``, see :mod:`interviewer.plugins`).

A judge is made by a factory that takes a :class:`JudgeContext` and returns a :class:`Grader`::

    [project.entry-points."interviewer.judges"]
    strict = "my_package.judge:make"      # def make(ctx: JudgeContext) -> Grader

``judge/service.py:Judge`` builds the configured one (setting ``judge``) for each grade and falls
back to the offline judge when it fails, so the candidate's answer is never lost to a plugin.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from interviewer import plugins
from interviewer.domain import Grade, Lang, Question
from interviewer.judge.checks import Exchange
from interviewer.judge.llm_judge import LLMJudge

if TYPE_CHECKING:
    from interviewer.judge.offline import OfflineJudge
    from interviewer.judge.references import ReferenceFinder
    from interviewer.llm.base import ChatModel

AUTO = "auto"
"""The default setting: the ``llm`` judge when a grading model is set, ``offline`` otherwise."""


class Grader(Protocol):
    """What a judge is: the shape of ``judge/llm_judge.py:LLMJudge.grade``."""

    async def grade(
        self, question: Question, answer: str, lang: Lang, exchanges: Sequence[Exchange | tuple[str, str]] | None = None
    ) -> Grade: ...


@dataclass(frozen=True)
class JudgeContext:
    """What a judge factory is given."""

    offline: OfflineJudge
    """The offline judge: its embedder, calibration and guards (and the fallback on any failure)."""
    references: ReferenceFinder | None
    """Reference passages of the notes for a question (None: grade without them)."""
    llm: ChatModel | None
    """The grading model (setting ``judge_model``, else ``model``); None when offline."""
    samples: int = 1
    """Samples per answer for a judge that draws several (setting ``judge_samples``)."""


def resolve(name: str, llm: ChatModel | None) -> str:
    """The judge a setting names: ``auto`` picks ``llm`` with a model and ``offline`` without."""
    if name == AUTO:
        return "llm" if llm is not None else "offline"
    return name


def grader(name: str, ctx: JudgeContext) -> Grader:
    """The judge registered as ``name`` (built-in or plugin), made for ``ctx``; PluginError if unknown."""
    factory = plugins.load(plugins.JUDGES, name)
    if not callable(factory):
        raise plugins.PluginError(f"judge plugin {name!r} is not a factory: {factory!r}")
    made: Grader = factory(ctx)
    return made


class _Offline:
    def __init__(self, judge: OfflineJudge) -> None:
        self.judge = judge

    async def grade(
        self, question: Question, answer: str, lang: Lang, exchanges: Sequence[Exchange | tuple[str, str]] | None = None
    ) -> Grade:
        return await asyncio.to_thread(self.judge.grade, question, answer, lang, exchanges)


def offline(ctx: JudgeContext) -> Grader:
    """The built-in offline judge (embeddings, aliases and the calibration of its embedder)."""
    return _Offline(ctx.offline)


def llm(ctx: JudgeContext) -> Grader:
    """The built-in LLM judge; it needs a model (``model`` or ``judge_model``)."""
    if ctx.llm is None:
        raise ValueError("the llm judge needs a model (setting model or judge_model, or --model)")
    return LLMJudge(
        ctx.llm, ctx.references, samples=ctx.samples, suspects=ctx.offline.suspects, appeals=ctx.offline.read_appeals
    )
