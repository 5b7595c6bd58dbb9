"""Deciding between a follow-up and moving on.

Offline: aim at the highest-weight key point still missing (per the offline judge), using the
follow-up seed written for it, its criterion's seed, or a probe built from the key point.
With an LLM: the model decides from the question, the missing key points, retrieved notes and
this question's answers only; its choice is checked (must target a missing point, must not
repeat an earlier follow-up) and replaced by the offline choice when it fails the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.domain import FollowUpSeed, Lang, Question
from interviewer.judge.offline import Coverage, KeyPointCoverage
from interviewer.textproc import tokenize

MOVE_ON_COVERAGE = 0.8
"""Weighted rubric coverage at which the interviewer moves on without a follow-up."""


@dataclass
class Decision:
    action: Literal["follow_up", "move_on"]
    reason: Literal["covered", "budget", "repeat", "model", "follow_up"] = "follow_up"
    text: str = ""
    criterion: str = ""
    key_point: str = ""
    source: Literal["llm", "seed", "probe"] = "seed"


class LLMDecision(BaseModel):
    """Structured reply of the follow-up decision prompt (reasoning comes first)."""

    reasoning: str = Field(description="one or two sentences on what the answers still miss")
    action: Literal["follow_up", "move_on"]
    key_point_id: str = Field(
        default="",
        description="id of the missing key point the follow-up targets",
        json_schema_extra={"maxLength": 64},  # ids are short slugs; bounds grammar-constrained decoding
    )
    question: str = Field(default="", description="the follow-up question to ask, empty when moving on")


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Whether two follow-ups say the same thing (token overlap; works for zh via jieba)."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    if not ta or not tb:
        return a.strip() == b.strip()
    return len(ta & tb) / min(len(ta), len(tb)) >= threshold


def missing_by_weight(coverage: Coverage, probed: set[str]) -> list[KeyPointCoverage]:
    """Missing key points not yet probed, highest criterion weight first, least covered first."""
    points = [p for p in coverage.missing() if p.key_point.id not in probed]
    return sorted(points, key=lambda p: (-p.criterion.weight / len(p.criterion.key_points), p.coverage))


def probe_text(point: KeyPointCoverage, lang: Lang) -> str:
    """A follow-up built from a key point when no seed targets it: name its topic, not its answer."""
    terms = point.key_point.aliases.zh if lang == "zh" else point.key_point.aliases.en
    name = point.criterion.name.get(lang)
    if lang == "zh":
        topic = terms[0] if terms else name
        return f"你还没有谈到「{topic}」。在这个问题里它起什么作用？你会怎么处理？"
    topic = terms[0] if terms else name.lower()
    return f"You haven't touched on {topic} yet. Where does it come in here, and how would you handle it?"


def _seeds_for(question: Question, point: KeyPointCoverage) -> list[FollowUpSeed]:
    exact = [f for f in question.follow_ups if f.key_point == point.key_point.id]
    general = [f for f in question.follow_ups if f.criterion == point.criterion.id and f.key_point is None]
    return exact + general


def offline_decision(
    question: Question,
    coverage: Coverage,
    asked: list[str],
    probed: set[str],
    remaining: int,
    lang: Lang,
) -> Decision:
    """Seeds first (written by people), aimed at the weightiest missing point they fit; a probe built
    from the key point only when no seed is left for any missing point."""
    if remaining <= 0:
        return Decision("move_on", "budget")
    if coverage.ratio() >= MOVE_ON_COVERAGE:
        return Decision("move_on", "covered")
    missing = missing_by_weight(coverage, probed)
    for point in missing:
        for seed in _seeds_for(question, point):
            text = seed.text.get(lang)
            if not any(similar(text, earlier) for earlier in asked):
                return Decision(
                    "follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="seed"
                )
    if missing:  # probes share a template, so they are kept apart by their key point, never repeated
        point = missing[0]
        return Decision(
            "follow_up",
            text=probe_text(point, lang),
            criterion=point.criterion.id,
            key_point=point.key_point.id,
            source="probe",
        )
    return Decision("move_on", "covered" if not coverage.missing() else "repeat")


def check_llm_decision(
    question: Question,
    reply: LLMDecision,
    coverage: Coverage,
    asked: list[str],
    probed: set[str] | None = None,
) -> Decision | None:
    """The model's decision if it passes the guards, else None (the caller uses the offline one).

    Rejected: a follow-up without text, one targeting a covered or unknown key point, one targeting
    a key point an earlier follow-up already probed, and one that repeats an earlier follow-up."""
    if reply.action == "move_on":
        return Decision("move_on", "model")
    text = re.sub(r"\s+", " ", reply.question).strip()
    if not text:
        return None
    missing = {p.key_point.id: p for p in coverage.missing()}
    point = missing.get(reply.key_point_id.strip())
    if point is None:  # targets a covered or unknown point
        return None
    if probed and point.key_point.id in probed:  # the same point again, however it is worded
        return None
    if any(similar(text, earlier) for earlier in asked):
        return None
    return Decision("follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="llm")
