"""Questions, rubrics and reference-note metadata.

A rubric is data: weighted criteria, each with concrete key points (bilingual, with
alias terms) and level descriptors 0-4. The judge, the agent and the TUI all read it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
TRACK_ID = r"^[a-z0-9][a-z0-9_-]*$"
"""What a track id may look like (tracks themselves are data: ``domain/track.py``)."""

_STRICT = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(BaseModel):
    """The same text in Chinese and English; both are required and non-empty."""

    model_config = _STRICT

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("translation is blank")
        return value.strip()

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Terms(BaseModel):
    """Alias terms of a key point in both languages (e.g. RoPE / rotary / 旋转位置编码)."""

    model_config = _STRICT

    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.en, *self.zh]


class Misconception(BaseModel):
    """A wrong claim candidates really make about a key point: a swapped subject, a reversed
    direction, a wrong figure or mechanism. A clause that states it earns the key point nothing and
    is reported as an error with the correction and the note to read."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: LocalizedText
    """The wrong claim, phrased the way a candidate would say it (a minimal edit of the truth)."""
    aliases: Terms = Field(default_factory=Terms)
    """Short phrases that on their own signal the wrong claim (e.g. "dpo needs a reward model")."""
    correction: LocalizedText
    """One line: what is true instead."""
    note: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    """The reference note to read (its id under data/notes)."""


class KeyPoint(BaseModel):
    """One concrete, checkable statement a good answer makes."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    text: LocalizedText
    aliases: Terms = Field(default_factory=Terms)
    subject: Terms | None = None
    """Names of the thing this key point is about (e.g. GQA / 分组查询注意力) when the question
    compares rivals: a clause that states this point of a rival subject is a contradiction."""
    misconceptions: list[Misconception] = Field(default_factory=list)
    probe: LocalizedText | None = None
    """A natural follow-up question aimed at this point, asked when no seed fits and the answer missed it."""
    examples: Terms = Field(default_factory=Terms)
    """Sentences in which candidates state this point, each from a different story ("I ran the incident
    bridge and made the call to switch the intent off"): a point written as what an answer should do
    ("States their own role") reads far from any one story, and the judge matches answers against these
    as well as against the point itself."""

    @model_validator(mode="after")
    def _has_aliases(self) -> KeyPoint:
        if not self.aliases.en or not self.aliases.zh:
            raise ValueError("a key point needs alias terms in both languages (aliases.en and aliases.zh)")
        return self


class Criterion(BaseModel):
    """A weighted rubric criterion with its key points and level descriptors 0-4."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: LocalizedText
    weight: float = Field(gt=0, le=1)
    key_points: list[KeyPoint] = Field(min_length=2, max_length=5)
    levels: list[LocalizedText] = Field(min_length=5, max_length=5)
    """What a missing (0), vague (1), partial (2), correct (3) and excellent (4) answer looks like."""


class Rubric(BaseModel):
    model_config = _STRICT

    version: int = 1
    criteria: list[Criterion] = Field(min_length=3, max_length=6)

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 0.011:
            raise ValueError(f"criterion weights sum to {total:.3f}; they must sum to 1.0")
        ids = [c.id for c in self.criteria]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate criterion ids: {sorted(dup)}")
        kp_ids = [k.id for c in self.criteria for k in c.key_points]
        dup = {i for i in kp_ids if kp_ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate key point ids: {sorted(dup)}")
        m_ids = [m.id for c in self.criteria for k in c.key_points for m in k.misconceptions]
        dup = {i for i in m_ids if m_ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate misconception ids: {sorted(dup)}")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def key_points(self) -> list[tuple[Criterion, KeyPoint]]:
        return [(c, k) for c in self.criteria for k in c.key_points]


class FollowUpSeed(BaseModel):
    """A ready follow-up question aimed at one criterion (optionally one key point)."""

    model_config = _STRICT

    criterion: str
    key_point: str | None = None
    text: LocalizedText
    requires: Terms | None = None
    """What the seed builds on: terms at least one of which the answer must contain for the seed to be
    asked (e.g. a seed about merging BM25 and dense results requires [bm25, hybrid, keyword search]).
    Empty lists: the seed presupposes nothing. Absent: the answer must at least touch the seed's key
    point (or, without one, its criterion); otherwise the interviewer asks the point's probe instead."""


class Question(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    track: str = Field(pattern=TRACK_ID)
    """A track the bank declares in its tracks.yaml (the loader checks it: ``bank/loader.py``)."""
    difficulty: int = Field(ge=1, le=5)
    text: LocalizedText
    tags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(min_length=1)
    rubric: Rubric
    follow_ups: list[FollowUpSeed] = Field(min_length=2, max_length=4)
    model_answer: LocalizedText | None = None
    """What a strong senior answer says, in the candidate's voice (shown after grading)."""
    experience: bool = False
    """The question asks for the candidate's own experience ("Tell me about…", "Describe a time…"): what
    they did and what came of it ("I was incident commander", "cost fell from $160k to $52k a month") is
    the answer, never read as talk about the answer (``judge/appeals.py``)."""
    as_of: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    """For time-sensitive questions: the month (YYYY-MM) the rubric's facts were checked."""

    @model_validator(mode="after")
    def _follow_ups_target_criteria(self) -> Question:
        ids = {c.id for c in self.rubric.criteria}
        kps = {k.id for _, k in self.rubric.key_points()}
        for f in self.follow_ups:
            if f.criterion not in ids:
                raise ValueError(f"follow-up targets unknown criterion {f.criterion!r}")
            if f.key_point is not None and f.key_point not in kps:
                raise ValueError(f"follow-up targets unknown key point {f.key_point!r}")
        return self

    def prompt(self, lang: Lang) -> str:
        return self.text.get(lang)


class NoteMeta(BaseModel):
    """Front matter of a reference note under data/notes."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    tags: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    lang: Lang = "en"
    path: str = ""
