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
from interviewer.llm.jsonparse import extract_json
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

    async def _call(self, messages: list[Message], purpose: str, on_token: TokenCallback | None, **extra: Any) -> str:
        lib = _lib()
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(
                    self._once(lib, messages, purpose, on_token, **extra), timeout=self.timeout_s + 1
                )
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
        async for chunk in stream:
            delta = chunk.choices[0].delta.content if chunk.choices else None
            if delta:
                parts.append(delta)
                on_token(delta)
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
        return await self._call(messages, purpose, on_token, **extra)

    def _response_format(self, mode: StructuredMode, schema: type[BaseModel]) -> dict[str, Any] | None:
        json_schema = schema.model_json_schema()
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": json_schema}}
        if mode == "json_object":
            # Servers that turn the schema into a grammar (llama.cpp) bound nothing by themselves: a small
            # model can loop inside one string until max_tokens and never close the object. Bound the
            # free strings and arrays of the schema sent (validation still uses the pydantic model).
            return {"type": "json_object", "schema": _bounded(json_schema)}
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
        """A reply validated against ``schema``; one repair retry on a bad reply."""
        instructions = "Reply with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(
            schema.model_json_schema(), ensure_ascii=False
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
                return schema.model_validate(extract_json(text))
            except (ValueError, ValidationError) as exc:
                repair = [
                    *msgs,
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": f"That reply was invalid: {str(exc)[:400]}\n{instructions}"},
                ]
                text = await self._call(repair, purpose + ":repair", None, **extra)
                try:
                    return schema.model_validate(extract_json(text))
                except (ValueError, ValidationError) as exc2:
                    raise LLMError("invalid_output", str(exc2)[:300]) from None
        raise LLMError("unsupported", str(last_error))


MAX_STRING_CHARS = 400
MAX_ARRAY_ITEMS = 8


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
