"""The scripted fake model hands its reply callables the call's purpose (issue 18), so tests pick a
reply by what the call is for rather than by prompt wording; one-argument callables still work."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from interviewer.llm.fake import FakeLLM

MSGS = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


class Verdict(BaseModel):
    kind: str


async def test_a_reply_callable_gets_the_purpose_of_each_call() -> None:
    seen: list[tuple[str, str]] = []

    def reply(messages: list[dict[str, str]], purpose: str) -> Any:
        seen.append((messages[-1]["content"], purpose))
        return {"kind": purpose} if purpose in ("judge", "follow_up") else f"text for {purpose}"

    llm = FakeLLM(default=reply)
    assert await llm.complete(MSGS, purpose="persona") == "text for persona"
    assert await llm.complete(MSGS) == "text for chat"  # the default purpose
    assert (await llm.structured(MSGS, Verdict, purpose="judge")).kind == "judge"
    assert (await llm.structured(MSGS, Verdict, purpose="follow_up")).kind == "follow_up"
    assert seen == [("u", "persona"), ("u", "chat"), ("u", "judge"), ("u", "follow_up")]
    assert [c["purpose"] for c in llm.calls] == ["persona", "chat", "judge", "follow_up"]


async def test_callable_objects_and_varargs_get_the_purpose_too() -> None:
    class Script:
        def __call__(self, messages: list[dict[str, str]], purpose: str) -> str:
            return purpose

    def anything(*args: Any) -> str:
        return "/".join(str(a) for a in args[1:])

    assert await FakeLLM(default=Script()).complete(MSGS, purpose="summary") == "summary"
    assert await FakeLLM(default=anything).complete(MSGS, purpose="summary") == "summary"


async def test_a_callable_taking_only_the_messages_still_works() -> None:
    llm = FakeLLM([lambda messages: f"{len(messages)} messages", "queued"], default=lambda _m: "default")
    assert await llm.complete(MSGS, purpose="persona") == "2 messages"
    assert await llm.complete(MSGS) == "queued"
    assert await llm.complete(MSGS) == "default"
