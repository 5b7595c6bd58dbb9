"""Provided by the task (import it, do not copy it): a tiny deterministic embedder, a fake LLM and
the result types. LangChain / LlamaIndex are not needed (and not available in the test sandbox)."""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field

NOT_IN_CONTEXT = "I don't know: the documents do not cover this."
DIM = 256


class HashEmbedder:
    """Bag of lower-cased words hashed into DIM buckets, L2-normalised: the dot product of two
    embeddings is their cosine similarity (0 when they share no word)."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vec = [0.0] * DIM
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                vec[zlib.crc32(word.encode()) % DIM] += 1.0
            norm = math.sqrt(sum(x * x for x in vec)) or 1.0
            out.append([x / norm for x in vec])
        return out


@dataclass
class FakeLLM:
    """Returns ``reply`` and records every prompt it was given."""

    reply: str = "An answer [source]."
    prompts: list[str] = field(default_factory=list)

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.reply


@dataclass(frozen=True)
class Hit:
    source: str
    text: str
    score: float


@dataclass(frozen=True)
class Answer:
    text: str
    sources: list[str]
