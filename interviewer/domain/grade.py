"""Grades: per-criterion scores with evidence, produced by the offline or an LLM judge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Flag = Literal["empty", "too_short", "off_topic", "keyword_stuffing", "prompt_injection", "padding"]
FLAGS: tuple[str, ...] = ("empty", "too_short", "off_topic", "keyword_stuffing", "prompt_injection", "padding")


class CriterionGrade(BaseModel):
    id: str
    score: int = Field(ge=0, le=4)
    reason: str = ""
    evidence: list[str] = Field(default_factory=list)
    """Quotes from the answer (always real substrings of it)."""
    missing: list[str] = Field(default_factory=list)
    """Key points of this criterion the answer did not cover (their text)."""
    missing_ids: list[str] = Field(default_factory=list)
    covered_ids: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    """Chunk ids of the reference passages that back the criterion."""
    spread: float | None = None


class ClaimError(BaseModel):
    """A wrong claim in the answer: what it said, what is true, and where to read."""

    criterion: str
    key_point: str
    quote: str
    """The answer's words (a verbatim substring of it)."""
    correction: str
    reference: str = ""
    """Note id (or chunk id) to read."""
    misconception: str | None = None
    """Id of the bank misconception it matches, if any."""
    kind: str = "misconception"
    """misconception | negation | wrong_subject | wrong_figure | agreed (with a claim check) | conflict (LLM judge)."""


class ClaimDoubt(BaseModel):
    """A sentence the offline judge could not verify: it reads close to a known misconception, too
    unsure to call an error. Nothing is deducted for it; feedback asks the candidate to check it."""

    criterion: str
    key_point: str
    quote: str
    """The answer's words (a verbatim substring of it)."""
    claim: str
    """The misconception it reads close to."""
    correction: str
    """What is true, should the sentence mean the misconception."""
    reference: str = ""
    """Note id to read."""
    misconception: str = ""


class Grade(BaseModel):
    question_id: str
    overall: float = Field(ge=0, le=100)
    criteria: list[CriterionGrade]
    flags: list[Flag] = Field(default_factory=list)
    judge: str = "offline"
    """'offline' or 'llm:MODEL'."""
    spread: float | None = None
    """Spread (max - min) of the overall score when sampled several times."""
    rubric_version: int = 1
    summary: str = ""
    errors: list[ClaimError] = Field(default_factory=list)
    """Wrong claims, most important first; each caps its criterion at 1."""
    unverified: list[ClaimDoubt] = Field(default_factory=list)
    """Sentences that read close to a known misconception, most likely first: not errors, nothing
    deducted (the offline judge cannot tell; an interview puts one to the candidate as a doubt check)."""
    tests: dict[str, Any] | None = None
    """A coding answer's hidden-test run the ``correctness`` criterion was scored from (the coding
    module's ``TestRun.public()``; status ``skipped`` when the task's requirements are missing)."""
    graded_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def public(self) -> dict[str, object]:
        """The stable JSON contract: {question_id, overall, criteria, flags, judge, spread, errors,
        unverified}, and
        ``tests`` (the hidden-test run) for a coding answer."""
        out: dict[str, object] = {
            "question_id": self.question_id,
            "overall": round(self.overall, 1),
            "criteria": [
                {
                    "id": c.id,
                    "score": c.score,
                    "reason": c.reason,
                    "evidence": c.evidence,
                    "missing": c.missing,
                    "references": c.references,
                }
                for c in self.criteria
            ],
            "flags": list(self.flags),
            "judge": self.judge,
            "spread": self.spread,
            "errors": [
                {
                    "criterion": e.criterion,
                    "key_point": e.key_point,
                    "quote": e.quote,
                    "correction": e.correction,
                    "reference": e.reference,
                }
                for e in self.errors
            ],
            "unverified": [
                {
                    "criterion": d.criterion,
                    "key_point": d.key_point,
                    "quote": d.quote,
                    "claim": d.claim,
                    "correction": d.correction,
                    "reference": d.reference,
                }
                for d in self.unverified
            ],
        }
        if self.tests is not None:
            out["tests"] = self.tests
        return out

    def missing_key_points(self) -> list[str]:
        return [m for c in self.criteria for m in c.missing_ids]
