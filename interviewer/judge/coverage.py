"""What an answer covers of a question's rubric and what it gets wrong, as the offline judge reads it: the
coverage of each key point, the wrong claims (errors) and the sentences in doubt. The interviewer's
follow-ups (``agent/followup.py``), the doubt checks and the feedback read this; ``judge/offline.py`` makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.domain import ClaimDoubt, ClaimError, Criterion, KeyPoint, Lang, Misconception
from interviewer.judge import checks
from interviewer.messages import msg

COVERED = 0.5
"""Coverage at which a key point counts as covered."""
TOUCHED = 0.25
"""Coverage at which a key point counts as mentioned, if vaguely."""


@dataclass
class KeyPointCoverage:
    criterion: Criterion
    key_point: KeyPoint
    coverage: float
    similarity: float
    alias_hits: list[str]
    evidence: str | None
    nearest: str | None = None
    """For a point touched but not covered (TOUCHED <= coverage < COVERED): the quote that comes closest."""


@dataclass
class FoundError:
    """A wrong claim about a key point, with the answer's words."""

    criterion: Criterion
    key_point: KeyPoint
    quote: str
    kind: str
    misconception: Misconception | None = None
    detail: str = ""
    """The rival subject or negated term, for the feedback."""

    def claim_error(self, lang: Lang) -> ClaimError:
        if self.misconception is not None and self.kind == "agreed":  # the claim was put to the candidate
            fix = self.misconception.correction.get(lang)
            correction = msg("check.agreed", lang, claim=checks.claim_of(self.misconception, lang), fix=fix)
            ref = self.misconception.note
        elif self.misconception is not None:
            correction, ref = self.misconception.correction.get(lang), self.misconception.note
        else:
            correction = self.key_point.text.get(lang)
            ref = ""
        return ClaimError(
            criterion=self.criterion.id,
            key_point=self.key_point.id,
            quote=self.quote,
            correction=correction,
            reference=ref,
            misconception=self.misconception.id if self.misconception else None,
            kind=self.kind,
        )


@dataclass(frozen=True)
class Doubt:
    """A sentence that reads closer to one of a key point's misconceptions than to the key point: not
    enough to call it an error (see ``doubts.LEAN``), enough for the interviewer to ask (``judge/checks.py``)."""

    criterion: Criterion
    key_point: KeyPoint
    misconception: Misconception
    quote: str
    margin: float

    def claim_doubt(self, lang: Lang) -> ClaimDoubt:
        return ClaimDoubt(
            criterion=self.criterion.id,
            key_point=self.key_point.id,
            quote=self.quote,
            claim=checks.claim_of(self.misconception, lang),
            correction=self.misconception.correction.get(lang),
            reference=self.misconception.note,
            misconception=self.misconception.id,
        )


@dataclass
class Coverage:
    """What an answer covers of a question's rubric, and what it gets wrong."""

    points: list[KeyPointCoverage] = field(default_factory=list)
    relevance: float = 0.0
    """Best calibrated score (0..1) of any answer unit against the question or its key points."""
    errors: list[FoundError] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)
    """Misconceptions the answer may state, most likely first (one per misconception)."""
    self_assessed: list[str] = field(default_factory=list)
    """Sentences that speak of the answer's own assessment ("✓ KV cache", "the design above covers …"):
    they earn no key point (``assessment.assesses``)."""

    def missing(self) -> list[KeyPointCoverage]:
        return [p for p in self.points if p.coverage < COVERED]

    def open_doubts(self) -> list[Doubt]:
        """The doubts about key points not already found wrong (a wrong point needs no doubt), in order."""
        wrong = {e.key_point.id for e in self.errors}
        return [d for d in self.doubts if d.key_point.id not in wrong]

    def covered(self) -> list[KeyPointCoverage]:
        return [p for p in self.points if p.coverage >= COVERED]

    def ratio(self) -> float:
        total = sum(p.criterion.weight / len(p.criterion.key_points) for p in self.points)
        got = sum(p.criterion.weight / len(p.criterion.key_points) * p.coverage for p in self.points)
        return got / total if total else 0.0


def level_from_coverage(c: float) -> int:
    if c < 0.12:
        return 0
    if c < 0.35:
        return 1
    if c < 0.6:
        return 2
    if c < 0.82:
        return 3
    return 4
