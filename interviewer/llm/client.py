"""The one boundary to LLM providers: the only module that imports litellm (lazily).

One call interface for chat completion with streaming (token callback), structured output
(JSON-schema response format where the provider takes it, else JSON mode with the schema, else
instructions; always parsed and validated against a pydantic model, with one repair retry),
per-call timeouts, retries with backoff on 429 / 5xx / timeouts, cancellation (asyncio), and
token / cost accounting. API keys come from the environment and are never logged or stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.llm.errors import LLMError
from interviewer.llm.jsonparse import MAX_REPLY_CHARS, extract_json
from interviewer.llm.usage import Usage

T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
TokenCallback = Callable[[str], None]
StructuredMode = Literal["json_schema", "json_object", "instructions"]

_litellm: Any = None
_import_lock = threading.Lock()


def _lib() -> Any:
    """Import litellm on first use, with its network price-map fetch and telemetry off."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            os.environ.setdefault("LITELLM_TELEMETRY", "False")
            import litellm

            litellm.telemetry = False
            litellm.suppress_debug_info = True
            litellm.drop_params = True
            _litellm = litellm
    return _litellm


_RETRYABLE = (
    "RateLimitError",
    "Timeout",
    "APIConnectionError",
    "InternalServerError",
    "ServiceUnavailableError",
    "APIError",
    "BadGatewayError",
)


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, asyncio.TimeoutError | TimeoutError) or "Timeout" in type(exc).__name__:
        return True  # litellm.Timeout carries status_code 408
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status in (408, 429) or status >= 500
    return type(exc).__name__ in _RETRYABLE


class LLMClient:
    """Chat completion through litellm for any model string (``openai/x`` + api_base for local servers)."""

    def __init__(
        self,
        model: str,
        *,
        api_base: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 2,
        backoff_s: float = 0.5,
        usage: Usage | None = None,
    ) -> None:
        self.model = model
        self.api_base = api_base
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.usage = usage or Usage()
        self._structured_mode: StructuredMode | None = None

    @property
    def name(self) -> str:
        return self.model

    def _kwargs(self) -> dict[str, Any]:
        # max_retries=0: the provider SDK (e.g. openai) would otherwise retry on its own, multiplying
        # our retries and stretching every failure (3 HTTP requests per attempt on a 5xx).
        kwargs: dict[str, Any] = {"model": self.model, "timeout": self.timeout_s, "max_retries": 0}
        if self.api_base:
            kwargs["api_base"] = self.api_base
            if self.model.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
                kwargs["api_key"] = "sk-local"  # local OpenAI-compatible servers ignore it
        return kwargs

    def _account(self, response: Any, messages: list[Message], text: str, purpose: str) -> None:
        lib = _lib()
        usage = getattr(response, "usage", None) if response is not None else None
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        if not prompt:
            try:
                prompt = int(lib.token_counter(model=self.model, messages=messages))
                completion = int(lib.token_counter(model=self.model, text=text))
            except Exception:
                prompt = sum(len(m["content"]) for m in messages) // 4
                completion = len(text) // 4
        cost = 0.0
        if response is not None:
            try:
                cost = float(lib.completion_cost(completion_response=response) or 0.0)
            except Exception:
                cost = 0.0
        self.usage.add(prompt, completion, cost, purpose)

    async def _call(
        self,
        messages: list[Message],
        purpose: str,
        on_token: TokenCallback | None,
        *,
        max_chars: int | None = None,
        **extra: Any,
    ) -> str:
        """The reply text; with ``max_chars``, cut to that length (and so are the tokens streamed)."""
        lib = _lib()
        attempt = 0
        sink = _capped(on_token, max_chars) if on_token is not None and max_chars else on_token
        while True:
            try:
                text = await asyncio.wait_for(
                    self._once(lib, messages, purpose, sink, **extra), timeout=self.timeout_s + 1
                )
                return text[:max_chars] if max_chars else text
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if attempt < self.retries and _is_retryable(exc):
                    attempt += 1
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
                    continue
                kind = (
                    "timeout"
                    if isinstance(exc, asyncio.TimeoutError | TimeoutError) or "Timeout" in type(exc).__name__
                    else type(exc).__name__
                )
                raise LLMError(kind, _redact(str(exc))[:300]) from None

    async def _once(
        self, lib: Any, messages: list[Message], purpose: str, on_token: TokenCallback | None, **extra: Any
    ) -> str:
        kwargs = {**self._kwargs(), **extra}
        if on_token is None:
            response = await lib.acompletion(messages=messages, **kwargs)
            text = response.choices[0].message.content or ""
            self._account(response, messages, text, purpose)
            return str(text)
        stream = await lib.acompletion(messages=messages, stream=True, **kwargs)
        parts: list[str] = []
        size = 0
        async for chunk in stream:
            delta = chunk.choices[0].delta.content if chunk.choices else None
            if delta:
                parts.append(delta)
                on_token(delta)
                size += len(delta)
                if size > MAX_REPLY_CHARS:  # a server that never stops: no caller wants more than this
                    break
        text = "".join(parts)
        self._account(None, messages, text, purpose)
        return text

    async def complete(
        self,
        messages: list[Message],
        *,
        purpose: str = "chat",
        temperature: float = 0.3,
        max_tokens: int | None = None,
        on_token: TokenCallback | None = None,
    ) -> str:
        extra: dict[str, Any] = {"temperature": temperature}
        if max_tokens:
            extra["max_tokens"] = max_tokens
        # a server may ignore max_tokens: the text kept (and stored) is bounded all the same
        max_chars = max_tokens * CHARS_PER_TOKEN if max_tokens else MAX_COMPLETION_CHARS
        return await self._call(messages, purpose, on_token, max_chars=max_chars, **extra)

    def _response_format(self, mode: StructuredMode, schema: type[BaseModel]) -> dict[str, Any] | None:
        # Every schema sent is bounded: servers that turn it into a grammar (llama.cpp) bound nothing
        # by themselves (a small model can loop inside one string until max_tokens), and the same
        # caps are applied to the reply before validation (see _clip), whatever the model sends.
        json_schema = _bounded(schema.model_json_schema())
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": json_schema}}
        if mode == "json_object":
            return {"type": "json_object", "schema": json_schema}
        return None

    def _modes(self) -> list[StructuredMode]:
        if self._structured_mode:
            return [self._structured_mode]
        modes: list[StructuredMode] = ["json_object", "instructions"]
        try:
            if _lib().supports_response_schema(model=self.model):
                modes.insert(0, "json_schema")
        except Exception:
            pass
        return modes

    async def structured(
        self,
        messages: list[Message],
        schema: type[T],
        *,
        purpose: str = "structured",
        temperature: float = 0.0,
        max_tokens: int | None = 1200,
    ) -> T:
        """A reply validated against ``schema``; one repair retry on a bad reply.

        Every string and array of the reply is cut to the bounds of the schema sent (``_bounded``)
        before validation, and the reply is parsed off the event loop, within the call timeout."""
        bounded = _bounded(schema.model_json_schema())
        instructions = "Reply with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(
            bounded, ensure_ascii=False
        )
        msgs = [
            *messages[:-1],
            {"role": messages[-1]["role"], "content": messages[-1]["content"] + "\n\n" + instructions},
        ]
        last_error: Exception | None = None
        for mode in self._modes():
            extra: dict[str, Any] = {"temperature": temperature}
            if max_tokens:
                extra["max_tokens"] = max_tokens
            fmt = self._response_format(mode, schema)
            if fmt:
                extra["response_format"] = fmt
            try:
                text = await self._call(msgs, purpose, None, **extra)
            except LLMError as exc:
                last_error = exc
                if (
                    exc.kind in ("BadRequestError", "InternalServerError", "UnsupportedParamsError", "APIError")
                    and mode != "instructions"
                ):
                    continue  # the provider rejected this response_format: try the next mode
                raise
            self._structured_mode = mode
            try:
                return schema.model_validate(await self._parse(text, bounded))
            except (ValueError, ValidationError) as exc:
                repair = [
                    *msgs,
                    {"role": "assistant", "content": text[:REPAIR_ECHO_CHARS]},
                    {"role": "user", "content": f"That reply was invalid: {str(exc)[:400]}\n{instructions}"},
                ]
                text = await self._call(repair, purpose + ":repair", None, **extra)
                try:
                    return schema.model_validate(await self._parse(text, bounded))
                except (ValueError, ValidationError) as exc2:
                    raise LLMError("invalid_output", str(exc2)[:300]) from None
        raise LLMError("unsupported", str(last_error))

    async def _parse(self, text: str, bounded: dict[str, Any]) -> Any:
        """The reply's JSON object with the schema's bounds applied, parsed in a worker thread: a
        malformed reply must not stall the event loop (the TUI) — and never for longer than the
        call timeout. ValueError when there is no object (or it is too large / too slow to read)."""
        try:
            data = await asyncio.wait_for(asyncio.to_thread(extract_json, text), timeout=self.timeout_s)
        except TimeoutError:
            raise ValueError(f"the reply could not be parsed within {self.timeout_s:g} s") from None
        return _clip(data, bounded, bounded.get("$defs", {}))


MAX_STRING_CHARS = 400
"""Bound of every free string a model fills in a structured reply (reasons, quotes, questions)."""
MAX_ARRAY_ITEMS = 16
"""Bound of every array of a structured reply (the largest rubric has 6 criteria)."""
CHARS_PER_TOKEN = 8
"""Characters kept per requested token of a completion: generous (English is ~4, Chinese ~1.5)."""
MAX_COMPLETION_CHARS = 16_000
"""Characters kept of a completion asked without max_tokens."""
REPAIR_ECHO_CHARS = 4_000
"""Characters of an invalid reply quoted back to the model in the repair request."""


def _capped(on_token: TokenCallback, max_chars: int) -> TokenCallback:
    """A token callback that forwards at most ``max_chars`` characters in all."""
    left = max_chars

    def forward(text: str) -> None:
        nonlocal left
        if left > 0:
            piece = text[:left]
            left -= len(piece)
            on_token(piece)

    return forward


def _clip(value: Any, schema: Any, defs: dict[str, Any]) -> Any:
    """``value`` with its strings and arrays cut to the maxLength / maxItems of ``schema``."""
    if not isinstance(schema, dict):
        return value
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        schema = {**defs.get(ref.rsplit("/", 1)[-1], {}), **{k: v for k, v in schema.items() if k != "$ref"}}
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            fitting = next((o for o in options if _fits(value, o, defs)), None)
            return _clip(value, fitting, defs) if fitting is not None else value
    if isinstance(value, str):
        limit = schema.get("maxLength")
        return value[:limit] if isinstance(limit, int) and limit >= 0 else value
    if isinstance(value, list):
        limit = schema.get("maxItems")
        if isinstance(limit, int) and limit >= 0:
            value = value[:limit]
        return [_clip(v, schema.get("items"), defs) for v in value]
    if isinstance(value, dict):
        props = schema.get("properties")
        if not isinstance(props, dict):
            return value
        return {k: _clip(v, props.get(k), defs) for k, v in value.items()}
    return value


def _fits(value: Any, schema: Any, defs: dict[str, Any]) -> bool:
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        return isinstance(value, dict)
    kinds: dict[str, type] = {"string": str, "array": list, "object": dict, "null": type(None), "boolean": bool}
    kind = kinds.get(str(schema.get("type", "")))
    return kind is not None and isinstance(value, kind)


def _bounded(schema: Any) -> Any:
    """A copy of a JSON schema with maxLength on free strings, maxItems on arrays that lack them and
    small integer ranges spelled out as an enum."""
    if isinstance(schema, list):
        return [_bounded(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _bounded(v) for k, v in schema.items()}
    kind = out.get("type")
    if kind == "string" and not {"enum", "const", "pattern", "format", "maxLength"} & out.keys():
        out["maxLength"] = MAX_STRING_CHARS
    if kind == "array" and "maxItems" not in out:
        out["maxItems"] = MAX_ARRAY_ITEMS
    lo, hi = out.get("minimum"), out.get("maximum")
    if kind == "integer" and isinstance(lo, int) and isinstance(hi, int) and 0 <= hi - lo <= 20 and "enum" not in out:
        out["enum"] = list(range(lo, hi + 1))  # grammar converters often ignore minimum / maximum
    return out


def _redact(text: str) -> str:
    """Remove anything that looks like an API key from an error message."""
    text = re.sub(r"\b(sk|pk|rk)-[A-Za-z0-9_-]{12,}", "[redacted]", text)
    text = re.sub(
        r"(?i)\b(api[_-]?key|token|authorization)([\"']?\s*[:=]\s*[\"']?)(bearer\s+)?[A-Za-z0-9._-]{8,}",
        r"\1\2[redacted]",
        text,
    )
    for name, value in os.environ.items():
        if name.endswith(("_API_KEY", "_TOKEN")) and value and len(value) >= 8:
            text = text.replace(value, "[redacted]")
    return text
