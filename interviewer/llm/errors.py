"""Errors of the LLM layer."""

from __future__ import annotations


class LLMError(Exception):
    """An LLM call failed for good (after retries): the caller falls back to the offline engine."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
