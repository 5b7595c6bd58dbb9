"""The LLM layer without a network: JSON extraction, the client (litellm `mock_response`, scripted
`_once`), structured output with repair, retries with backoff, key redaction, prompt templates,
and the lazy litellm import."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from interviewer import paths
from interviewer.agent.followup import LLMDecision
from interviewer.judge.llm_judge import JudgeReply
from interviewer.llm import client as client_mod
from interviewer.llm import prompts
from interviewer.llm.client import LLMClient, _bounded, _is_retryable
from interviewer.llm.errors import LLMError
from interviewer.llm.jsonparse import extract_json

ROOT = Path(__file__).resolve().parent.parent
MSGS = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Decide."}]
VALID_DECISION = {
    "reasoning": "misses the causal mask",
    "action": "follow_up",
    "key_point_id": "causal-mask",
    "question": "How does the decoder stop a token from attending to the future?",
}


# -- extract_json ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1, "b": [1, 2]}\n```', {"a": 1, "b": [1, 2]}),
        ('Sure! Here it is:\n```\n{"a": {"b": "c"}}\n```\nHope that helps.', {"a": {"b": "c"}}),
        ('Here you go: {"a": "x } y { z", "b": 2} -- anything else?', {"a": "x } y { z", "b": 2}),
        ('Escaped: {"a": "say \\"}\\" now"} done', {"a": 'say "}" now'}),
        ('First {not json at all} then the real one {"a": 1}', {"a": 1}),
        ('Example:\n```python\nprint({1: 2})\n```\nAnswer:\n```json\n{"a": 1}\n```', {"a": 1}),
        ('Code first:\n```python\nx = 1\n```\nThen {"a": 1}', {"a": 1}),
        ('truncated fence ```json\n{"a": [1, {"b": 2}]}', {"a": [1, {"b": 2}]}),
    ],
)
def test_extract_json_tolerates_fences_and_prose(reply: str, expected: Any) -> None:
    assert extract_json(reply) == expected


@pytest.mark.parametrize("reply", ["", "no json here", "{broken", "```json\n{oops}\n```"])
def test_extract_json_without_an_object_raises(reply: str) -> None:
    with pytest.raises(ValueError):
        extract_json(reply)


# -- a client whose transport is scripted (no litellm import) ------------------------------------
def exc(name: str, status: int | None, message: str = "boom") -> Exception:
    """An exception shaped like litellm's: class name and status_code."""
    cls = type(name, (Exception,), {})
    e = cls(message)
    e.status_code = status
    return e


class ScriptedClient(LLMClient):
    """LLMClient with `_once` replaced by a script of replies / exceptions; records every attempt."""

    def __init__(self, script: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("backoff_s", 0.01)
        super().__init__("openai/test", **kwargs)
        self.script = list(script)
        self.attempts: list[dict[str, Any]] = []

    async def _once(self, lib: Any, messages: Any, purpose: str, on_token: Any, **extra: Any) -> str:
        self.attempts.append({"messages": messages, "purpose": purpose, **extra})
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        text = item if isinstance(item, str) else json.dumps(item)
        self.usage.add(10, 5, 0.0, purpose)
        return text


@pytest.fixture
def no_litellm(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Stand-in for the litellm module: reports no json_schema support unless told otherwise."""
    stub = SimpleNamespace(supports_response_schema=lambda model: False)
    monkeypatch.setattr(client_mod, "_lib", lambda: stub)
    return stub


async def test_structured_validates_and_detects_mode(no_litellm: SimpleNamespace) -> None:
    llm = ScriptedClient([f"Here: ```json\n{json.dumps(VALID_DECISION)}\n```"])
    reply = await llm.structured(MSGS, LLMDecision, purpose="follow_up")
    assert isinstance(reply, LLMDecision) and reply.key_point_id == "causal-mask"
    (attempt,) = llm.attempts
    fmt = attempt["response_format"]
    assert fmt["type"] == "json_object"
    assert fmt["schema"]["properties"]["action"]["enum"] == ["follow_up", "move_on"]
    # the schema is also spelled out in the last message, which keeps its role
    assert attempt["messages"][0] == MSGS[0]
    assert attempt["messages"][-1]["role"] == "user" and '"key_point_id"' in attempt["messages"][-1]["content"]
    assert llm._structured_mode == "json_object"


async def test_structured_prefers_json_schema_when_the_model_supports_it(no_litellm: SimpleNamespace) -> None:
    no_litellm.supports_response_schema = lambda model: True
    llm = ScriptedClient([VALID_DECISION])
    await llm.structured(MSGS, LLMDecision)
    fmt = llm.attempts[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "LLMDecision"


async def test_structured_repairs_once_then_succeeds(no_litellm: SimpleNamespace) -> None:
    llm = ScriptedClient(['{"reasoning": "forgot the action"}', VALID_DECISION])
    reply = await llm.structured(MSGS, LLMDecision, purpose="follow_up")
    assert reply.action == "follow_up"
    assert [a["purpose"] for a in llm.attempts] == ["follow_up", "follow_up:repair"]
    repair = llm.attempts[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"reasoning": "forgot the action"}'}
    assert "invalid" in repair[-1]["content"] and "action" in repair[-1]["content"]
    assert llm.attempts[1]["response_format"] == llm.attempts[0]["response_format"]
    assert llm.usage.calls == 2 and set(llm.usage.by_purpose) == {"follow_up", "follow_up:repair"}


async def test_structured_gives_up_after_one_repair(no_litellm: SimpleNamespace) -> None:
    llm = ScriptedClient(["not json", '{"action": "dance"}', VALID_DECISION])
    with pytest.raises(LLMError) as info:
        await llm.structured(MSGS, LLMDecision)
    assert info.value.kind == "invalid_output"
    assert len(llm.attempts) == 2  # the reply, one repair; never a third call


async def test_structured_falls_back_when_the_provider_rejects_the_format(no_litellm: SimpleNamespace) -> None:
    no_litellm.supports_response_schema = lambda model: True
    llm = ScriptedClient(
        [
            exc("BadRequestError", 400, "response_format json_schema unsupported"),
            exc("InternalServerError", 500, "grammar failed"),
            VALID_DECISION,
            VALID_DECISION,
        ],
        retries=0,
    )
    await llm.structured(MSGS, LLMDecision)
    formats = [a.get("response_format", {}).get("type") for a in llm.attempts]
    assert formats == ["json_schema", "json_object", None]
    assert llm._structured_mode == "instructions"
    await llm.structured(MSGS, LLMDecision)  # the working mode is remembered
    assert "response_format" not in llm.attempts[-1] and len(llm.attempts) == 4


async def test_structured_does_not_hide_a_timeout_behind_mode_fallback(no_litellm: SimpleNamespace) -> None:
    llm = ScriptedClient([exc("Timeout", 408, "timed out")], retries=0)
    with pytest.raises(LLMError) as info:
        await llm.structured(MSGS, LLMDecision)
    assert info.value.kind == "timeout" and info.value.transport
    assert len(llm.attempts) == 1


# -- retries -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("RateLimitError", 429),
        ("InternalServerError", 500),
        ("ServiceUnavailableError", 503),
        ("Timeout", 408),
        ("APIConnectionError", None),
    ],
)
async def test_retries_with_exponential_backoff(no_litellm: SimpleNamespace, name: str, status: int | None) -> None:
    llm = ScriptedClient([exc(name, status), exc(name, status), "ok"], retries=2, backoff_s=0.05)
    start = time.perf_counter()
    assert await llm.complete(MSGS) == "ok"
    assert len(llm.attempts) == 3
    assert time.perf_counter() - start >= 0.05 + 0.10 - 0.01  # 0.05 then 0.10


async def test_retries_are_bounded(no_litellm: SimpleNamespace) -> None:
    llm = ScriptedClient([exc("InternalServerError", 502)] * 5, retries=1)
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert info.value.kind == "InternalServerError" and info.value.transport
    assert len(llm.attempts) == 2


@pytest.mark.parametrize(
    ("name", "status"), [("BadRequestError", 400), ("AuthenticationError", 401), ("NotFoundError", 404)]
)
async def test_client_errors_are_not_retried(no_litellm: SimpleNamespace, name: str, status: int) -> None:
    llm = ScriptedClient([exc(name, status), "ok"], retries=3)
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert info.value.kind == name and not info.value.transport
    assert len(llm.attempts) == 1


def test_retryable_classification() -> None:
    assert _is_retryable(TimeoutError())
    assert _is_retryable(exc("Timeout", 408))
    assert _is_retryable(exc("Whatever", 429))
    assert _is_retryable(exc("Whatever", 500))
    assert not _is_retryable(exc("ContextWindowExceededError", 400))
    assert not _is_retryable(ValueError("bad"))


async def test_the_per_call_timeout_cancels_a_hung_call(no_litellm: SimpleNamespace) -> None:
    class Hung(ScriptedClient):
        async def _once(self, *args: Any, **kwargs: Any) -> str:
            self.attempts.append({})
            await asyncio.sleep(30)
            return "never"

    llm = Hung([], timeout_s=0.05, retries=1)
    start = time.perf_counter()
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert info.value.kind == "timeout"
    assert len(llm.attempts) == 2 and time.perf_counter() - start < 5


async def test_cancellation_propagates(no_litellm: SimpleNamespace) -> None:
    class Hung(ScriptedClient):
        async def _once(self, *args: Any, **kwargs: Any) -> str:
            await asyncio.sleep(30)
            return "never"

    task = asyncio.create_task(Hung([], timeout_s=60).complete(MSGS))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


# -- redaction -----------------------------------------------------------------------------------
async def test_api_keys_are_redacted_from_errors(no_litellm: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "zz-plain-secret-value-42")
    message = (
        "Incorrect API key provided: sk-proj-AbCdEf0123456789XyZ. You can find your key at ... "
        "(env key zz-plain-secret-value-42)"
    )
    llm = ScriptedClient([exc("AuthenticationError", 401, message)])
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    text = str(info.value)
    assert "sk-proj-AbCdEf0123456789XyZ" not in text and "AbCdEf0123456789" not in text
    assert "zz-plain-secret-value-42" not in text
    assert "[redacted]" in text and "AuthenticationError" in text
    # the original exception (holding the key) is not chained into tracebacks
    assert info.value.__cause__ is None and info.value.__suppress_context__


# -- litellm mock_response: the real call path without a server ---------------------------------
class MockResponseClient(LLMClient):
    def __init__(self, model: str, mock: str, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.mock = mock

    def _kwargs(self) -> dict[str, Any]:
        return {**super()._kwargs(), "mock_response": self.mock}


async def test_complete_through_litellm_records_usage() -> None:
    llm = MockResponseClient("openai/gpt-4o-mini", "Tell me about the KV cache.")
    text = await llm.complete(MSGS, purpose="persona")
    assert text == "Tell me about the KV cache."
    # litellm's mock response reports 10 prompt + 20 completion tokens
    assert (llm.usage.prompt_tokens, llm.usage.completion_tokens, llm.usage.calls) == (10, 20, 1)
    assert llm.usage.by_purpose == {"persona": 30} and llm.usage.total_tokens == 30
    assert llm.usage.cost_usd > 0  # a priced model, from the local cost map
    await llm.complete(MSGS, purpose="persona")
    assert llm.usage.calls == 2 and llm.usage.by_purpose == {"persona": 60}


async def test_streaming_sends_tokens_to_the_callback() -> None:
    reply = "What happens to the KV cache when you switch to grouped-query attention?"
    llm = MockResponseClient("openai/gpt-4o-mini", reply)
    tokens: list[str] = []
    text = await llm.complete(MSGS, purpose="persona", on_token=tokens.append)
    assert text == reply
    assert len(tokens) > 3 and "".join(tokens) == reply
    assert llm.usage.calls == 1 and llm.usage.prompt_tokens > 0 and llm.usage.completion_tokens > 0


async def test_structured_through_litellm() -> None:
    llm = MockResponseClient("openai/some-local-model", "```json\n" + json.dumps(VALID_DECISION) + "\n```")
    reply = await llm.structured(MSGS, LLMDecision, purpose="follow_up")
    assert reply.question.startswith("How does the decoder")
    assert llm.usage.by_purpose["follow_up"] > 0


def test_kwargs_disable_sdk_retries_and_fill_a_local_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    kw = LLMClient("openai/smollm2", api_base="http://127.0.0.1:1/v1", timeout_s=3)._kwargs()
    assert kw["max_retries"] == 0  # our loop retries; the SDK must not multiply it
    assert kw["timeout"] == 3 and kw["api_base"] == "http://127.0.0.1:1/v1" and kw["api_key"] == "sk-local"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-key-from-env")
    assert "api_key" not in LLMClient("openai/smollm2", api_base="http://127.0.0.1:1/v1")._kwargs()
    assert "api_base" not in LLMClient("openai/gpt-4o-mini")._kwargs()


# -- schema bounding for grammar-constrained servers -----------------------------------------------
def test_bounded_schema_limits_strings_arrays_and_small_integer_ranges() -> None:
    original = JudgeReply.model_json_schema()
    bounded = _bounded(original)
    verdict = bounded["$defs"]["CriterionVerdict"]["properties"]
    assert verdict["score"]["enum"] == [0, 1, 2, 3, 4]
    assert verdict["id"]["maxLength"] == 64  # the model's own bound is kept
    from interviewer.judge.llm_judge import MAX_FIELD_CHARS

    assert verdict["reasoning"]["maxLength"] == MAX_FIELD_CHARS  # the judge's own bound is kept
    assert verdict["evidence"]["maxItems"] <= client_mod.MAX_ARRAY_ITEMS
    assert verdict["evidence"]["items"]["maxLength"] == MAX_FIELD_CHARS
    assert bounded["properties"]["criteria"]["maxItems"] >= 6  # the largest rubric has 6 criteria
    assert "enum" not in original["$defs"]["CriterionVerdict"]["properties"]["score"]  # not mutated
    decision = _bounded(LLMDecision.model_json_schema())["properties"]
    assert "maxLength" not in decision["action"]  # an enum needs no bound
    assert decision["key_point_id"]["maxLength"] == 64
    # validation stays lenient: a long reasoning still validates
    JudgeReply.model_validate({"criteria": [{"id": "a", "reasoning": "x" * 5000, "score": 2}]})


# -- prompts -------------------------------------------------------------------------------------
def _variables() -> dict[str, dict[str, Any]]:
    return {
        "follow_up": {
            "question": "Explain attention.",
            "track": "llm_fundamentals",
            "difficulty": 3,
            "missing": [{"id": "causal-mask", "text": "future positions are masked"}],
            "references": [{"chunk_id": "attention-basics#0", "text": "Attention is ..."}],
            "asked": ["What about scaling?"],
            "remaining": 1,
            "answers": ["softmax(QK^T)V"],
            "covered": [{"id": "qkv", "text": "Q, K, V projections", "evidence": "softmax(QK^T)V"}],
            "errors": [{"id": "scaled-softmax", "quote": "divide by d", "correction": "divide by sqrt(d_k)"}],
            "doubts": [{"id": "causal-mask", "quote": "mask the past", "claim": "the mask hides earlier tokens"}],
            "strong": False,
            "targets": [{"id": "causal-mask", "text": "future positions are masked"}],
        },
        "judge": {
            "question": "Explain attention.",
            "criteria": [
                {
                    "id": "sdpa",
                    "name": "SDPA",
                    "weight": 0.5,
                    "key_points": [
                        {
                            "id": "scaled-softmax",
                            "text": "divide by sqrt(d_k)",
                            "subject": "",
                            "misconceptions": [{"id": "divide-by-dk", "text": "divide by d_k", "correction": "sqrt"}],
                        }
                    ],
                    "levels": ["none", "some", "ok", "good", "great"],
                }
            ],
            "references": [{"id": "attention-basics#0", "text": "Attention is ..."}],
            "exchanges": [{"question": "", "answer": "softmax(QK^T/sqrt(d))V", "follow_up": 0}],
            "suspects": [{"misconception": "divide-by-dk", "key_point": "scaled-softmax", "quote": "divide by d"}],
            "open": "<<<ANSWER_abc>>>",
            "close": "<<<END_ANSWER_abc>>>",
        },
        "persona": {
            "question": "Explain attention.",
            "target": "the causal mask",
            "last_answer": "softmax",
            "said": "the mask is applied after the softmax",
            "correction": "the mask sets scores to -inf before the softmax",
        },
        "summary": {
            "questions": [
                {"id": "q1", "track": "coding", "overall": 55, "missing": ["x"]},
                {"id": "q2", "track": "coding", "overall": 90, "missing": []},
            ],
            "notes": ["attention-basics"],
        },
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["follow_up", "judge", "persona", "summary"])
def test_prompts_render_in_both_languages(name: str, lang: str) -> None:
    variables = _variables()[name]
    msgs = prompts.messages(name, lang, **variables)
    assert [m["role"] for m in msgs] == ["system", "user"]
    assert all(m["content"] and "{{" not in m["content"] and "{%" not in m["content"] for m in msgs)
    text = "\n".join(m["content"] for m in msgs)
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert has_cjk == (lang == "zh")
    if name in ("follow_up", "persona"):
        assert "<candidate_answer>" in text  # the answer is fenced as untrusted data
    if name == "judge":
        assert "<<<ANSWER_abc>>>\nsoftmax(QK^T/sqrt(d))V\n<<<END_ANSWER_abc>>>" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["follow_up", "judge", "persona", "summary"])
def test_a_missing_prompt_variable_raises(name: str, lang: str) -> None:
    variables = _variables()[name]
    for dropped in variables:
        partial = {k: v for k, v in variables.items() if k != dropped}
        with pytest.raises(jinja2.UndefinedError):
            prompts.render(name, lang, **partial)


def test_both_languages_take_the_same_variables() -> None:
    env = jinja2.Environment()
    root = paths.prompts_dir()
    names = sorted(p.stem for p in (root / "en").glob("*.j2"))
    assert names == sorted(p.stem for p in (root / "zh").glob("*.j2"))
    for name in names:
        found = [
            meta.find_undeclared_variables(env.parse((root / lang / f"{name}.j2").read_text("utf-8")))
            for lang in ("en", "zh")
        ]
        assert found[0] == found[1], name
        assert found[0] == set(_variables()[name]), name


# -- the lazy import -----------------------------------------------------------------------------
def test_importing_the_app_does_not_import_litellm() -> None:
    code = (
        "import sys\n"
        "import interviewer.llm.client, interviewer.llm.fake, interviewer.agent.loop, interviewer.services\n"
        "import interviewer.judge.service, interviewer.cli.main, interviewer.cli.run_cmd\n"
        "from interviewer.llm.client import LLMClient\n"
        "LLMClient('openai/x', api_base='http://127.0.0.1:1/v1')\n"
        "assert 'litellm' not in sys.modules, 'litellm imported eagerly'\n"
        "assert 'openai' not in sys.modules, 'openai imported eagerly'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
