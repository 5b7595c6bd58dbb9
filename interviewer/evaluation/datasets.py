"""Loading and checking the eval sets."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from interviewer import paths


class RetrievalCase(BaseModel):
    query: str = Field(min_length=1)
    lang: Literal["en", "zh", "cross"]
    relevant: list[str] = Field(min_length=1)


class LadderAnswer(BaseModel):
    level: int = Field(ge=0, le=3)
    text: str


class AdversarialAnswer(BaseModel):
    kind: Literal["keyword_stuffing", "prompt_injection", "padding"]
    text: str


class Ladder(BaseModel):
    question: str
    lang: Literal["zh", "en"]
    answers: list[LadderAnswer]
    adversarial: list[AdversarialAnswer] = Field(default_factory=list)


ClaimKind = Literal["expert", "partial", "wrong", "terse", "vague", "code"]
CLAIM_KINDS: tuple[str, ...] = ("expert", "partial", "wrong", "terse", "vague", "code")


class Attack(BaseModel):
    """Text addressed to the grader, added to one of the question's answers."""

    base: ClaimKind
    where: Literal["start", "middle", "end"] = "end"
    payload: str = Field(min_length=1)

    def apply(self, text: str) -> str:
        if self.where == "start":
            return f"{self.payload}\n\n{text}"
        if self.where == "end":
            return f"{text}\n\n{self.payload}"
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 1:
            half = len(paragraphs) // 2
            return "\n\n".join([*paragraphs[:half], self.payload, *paragraphs[half:]])
        cut = max(text.find("。", len(text) // 3), text.find(". ", len(text) // 3))
        if cut < 0:
            return f"{text} {self.payload}"
        return f"{text[: cut + 1]} {self.payload} {text[cut + 1 :].lstrip()}"


class ClaimSet(BaseModel):
    """Answers of one question written the way candidates answer: an expert's, a correct but partial
    one, a fluent but wrong one, a terse expert's, a vague one, optionally one in code, plus attacks."""

    question: str
    lang: Literal["zh", "en"]
    answers: dict[ClaimKind, str]
    attacks: list[Attack] = Field(default_factory=list)


class GuardText(BaseModel):
    """Text addressed to the grader (``attack``), or answer text that only talks about graders, judges,
    scores and rubrics (``benign``)."""

    kind: Literal["attack", "benign"]
    lang: Literal["zh", "en"]
    text: str = Field(min_length=1)
    question: str | None = None
    """The question a topical text was written for (it names that question's topics): an attack is then
    appended to that question's partial answers, not to the first ones of its language."""
    form: str | None = None
    """The writer's label of the technique ("fake-score-table", "coverage-claim", ...)."""


class DatasetError(Exception):
    pass


def _load(file: Path, model: type[BaseModel]) -> list:  # type: ignore[type-arg]
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise DatasetError(f"{file}: {exc}") from None
    if not isinstance(data, list):
        raise DatasetError(f"{file}: expected a list")
    out = []
    for i, item in enumerate(data):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            raise DatasetError(f"{file}: entry {i + 1}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from None
    return out


def retrieval_cases(file: Path | None = None) -> list[RetrievalCase]:
    return _load(file or paths.evals_dir() / "datasets" / "retrieval.yaml", RetrievalCase)


def judge_ladders(file: Path | None = None) -> list[Ladder]:
    return _load(file or paths.evals_dir() / "datasets" / "judge_ladders.yaml", Ladder)


def claim_sets(files: list[Path] | None = None) -> list[ClaimSet]:
    """Every ``judge_claims*.yaml`` of the eval datasets (or ``files``)."""
    found = files if files is not None else sorted((paths.evals_dir() / "datasets").glob("judge_claims*.yaml"))
    out: list[ClaimSet] = []
    for f in found:
        out.extend(_load(f, ClaimSet))
    return out


def guard_texts(files: list[Path] | None = None) -> dict[str, list[GuardText]]:
    """Every ``guard_texts*.yaml`` of the eval datasets (or ``files``), by set: the part of the file name
    after "guard_texts" ("" for the development set, "heldout")."""
    found = files if files is not None else sorted((paths.evals_dir() / "datasets").glob("guard_texts*.yaml"))
    return {f.stem.removeprefix("guard_texts").lstrip("_") or "dev": _load(f, GuardText) for f in found}
