"""A scripted fake chat model for tests: queued replies, recorded calls, no network.

A reply may be a string, a dict (returned as JSON / validated for `structured`), an exception
to raise, or a callable returning one of those. The callable is given the messages and the call's
``purpose`` (``reply(messages, purpose)``: "follow_up", "persona", "summary", "judge", ...), so a
test decides the reply by what the call is for, not by matching prompt prose that may be reworded;
a callable taking only the messages is still accepted.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.llm.usage import Usage

T = TypeVar("T", bound=BaseModel)


class FakeLLM:
    def __init__(
        self, replies: Iterable[Any] = (), *, default: Any = None, name: str = "fake", delay_s: float = 0.0
    ) -> None:
        self.replies = list(replies)
        self.default = default
        self._name = name
        self.delay_s = delay_s
        self.calls: list[dict[str, Any]] = []
        self.usage = Usage()

    @property
    def name(self) -> str:
        return self._name

    def _next(self, messages: list[dict[str, str]], purpose: str) -> Any:
        reply = self.replies.pop(0) if self.replies else self.default
        if callable(reply) and not isinstance(reply, type):
            reply = reply(messages, purpose) if _takes_purpose(reply) else reply(messages)
        if isinstance(reply, BaseException):
            raise reply
        if reply is None:
            raise AssertionError("FakeLLM has no reply queued")
        return reply

    async def _record(self, messages: list[dict[str, str]], purpose: str, **extra: Any) -> Any:
        self.calls.append({"messages": messages, "purpose": purpose, **extra})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        reply = self._next(messages, purpose)
        text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)
        prompt_tokens = sum(len(m["content"]) for m in messages) // 4
        self.usage.add(prompt_tokens, len(text) // 4, 0.0, purpose)
        return reply

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        purpose: str = "chat",
        temperature: float = 0.3,
        max_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> str:
        reply = await self._record(messages, purpose, temperature=temperature)
        text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)
        if on_token:
            for word in text.split(" "):
                on_token(word + " ")
        return text

    async def structured(
        self,
        messages: list[dict[str, str]],
        schema: type[T],
        *,
        purpose: str = "structured",
        temperature: float = 0.0,
        max_tokens: int | None = 1200,
    ) -> T:
        from interviewer.llm.errors import LLMError
        from interviewer.llm.jsonparse import extract_json

        reply = await self._record(messages, purpose, temperature=temperature, schema=schema.__name__)
        data = reply if isinstance(reply, dict) else None
        try:
            if data is None:
                data = extract_json(str(reply))
            return schema.model_validate(data)
        except (ValueError, ValidationError) as exc:
            raise LLMError("invalid_output", str(exc)[:200]) from None


def _takes_purpose(fn: Callable[..., Any]) -> bool:
    """Whether a reply callable accepts a second argument (the purpose) besides the messages."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2
