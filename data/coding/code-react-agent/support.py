"""Provided by the task (import it, do not copy it): the tool type, the LLM interface and a scripted
fake LLM to try your agent with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

STOPPED = "Stopped: step limit reached without a final answer"
"""What ``run_agent`` returns when ``max_steps`` model calls ended without a Final Answer."""

Message = dict[str, str]
"""``{"role": "system" | "user" | "assistant", "content": "..."}``"""

LLM = Callable[[list[Message], list[str]], str]
"""``llm(messages, stop)`` returns the model's text, cut before the first stop sequence."""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    func: Callable[[str], str]


@dataclass
class ScriptedLLM:
    """A fake model: returns ``outputs`` in order (cut at the first stop sequence, as a real API does)
    and records every call's messages and stop list."""

    outputs: list[str]
    calls: list[tuple[list[Message], list[str]]] = field(default_factory=list)

    def __call__(self, messages: list[Message], stop: list[str]) -> str:
        self.calls.append(([dict(m) for m in messages], list(stop or [])))
        if len(self.calls) > len(self.outputs):
            raise AssertionError(
                f"the agent called the LLM {len(self.calls)} times; only {len(self.outputs)} replies were scripted"
            )
        text = self.outputs[len(self.calls) - 1]
        for s in stop or []:
            if s and s in text:
                text = text[: text.index(s)]
        return text
