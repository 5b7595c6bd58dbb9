"""The chat-model interface the agent and the judge depend on (real client or scripted fake)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)


class ChatModel(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def usage(self):  # type: ignore[no-untyped-def]  # interviewer.llm.client.Usage
        ...

    async def complete(
        self,
        messages: list[dict[str, str]],
        *,
        purpose: str = "chat",
        temperature: float = 0.3,
        max_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> str: ...

    async def structured(
        self,
        messages: list[dict[str, str]],
        schema: type[T],
        *,
        purpose: str = "structured",
        temperature: float = 0.0,
        max_tokens: int | None = 1200,
    ) -> T: ...
