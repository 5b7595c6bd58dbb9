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
