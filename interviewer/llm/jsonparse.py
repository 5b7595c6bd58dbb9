"""Find and parse the JSON object in a model reply, in linear time.

A reply is model output, so it may be hostile or broken: 16k unmatched ``{`` or a megabyte of
nested brackets must not cost seconds. The parse therefore refuses replies over a size cap, reads
fences with plain string search (no backtracking regex) and tries at most ``MAX_CANDIDATES``
places where an object could start, each with the C JSON decoder — so the work is bounded by
``MAX_CANDIDATES`` passes over the text, whatever the text is.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_REPLY_CHARS = 200_000
"""Replies longer than this are refused unread (a structured reply is a few KB)."""
MAX_CANDIDATES = 64
"""Places where an object could start that are tried, per block of text."""

_DECODER = json.JSONDecoder(strict=False)
"""Lenient about raw control characters inside strings: grammar-constrained servers (llama.cpp)
let a model put a literal newline in a string, which strict JSON refuses."""
_OBJECT_START = re.compile(r"\{\s*[\"}]")
"""Where a JSON object can start: a brace followed by a key or by its closing brace."""
_FENCE = "```"


class ReplyTooLarge(ValueError):
    pass


def extract_json(text: str, *, max_chars: int = MAX_REPLY_CHARS) -> Any:
    """The first JSON object in ``text`` (tolerates code fences and prose around it).

    Raises ValueError when there is none, or when ``text`` is longer than ``max_chars``."""
    if len(text) > max_chars:
        raise ReplyTooLarge(f"the reply is {len(text)} characters long, over the {max_chars} this parser reads")
    text = text.strip()
    for body in _fenced(text):
        try:
            return _first_object(body)
        except ValueError:
            continue  # e.g. a fenced code sample before the JSON: look further
    return _first_object(text)


def _fenced(text: str) -> list[str]:
    """The bodies of the first complete ``` fences, in order (an optional 'json' language tag removed)."""
    bodies: list[str] = []
    start = text.find(_FENCE)
    while start != -1 and len(bodies) < MAX_CANDIDATES:
        end = text.find(_FENCE, start + len(_FENCE))
        if end == -1:
            break
        body = text[start + len(_FENCE) : end]
        if body.startswith("json"):
            body = body[4:]
        bodies.append(body.strip())
        start = text.find(_FENCE, end + len(_FENCE))
    return bodies


def _first_object(text: str) -> Any:
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        pass
    for tried, match in enumerate(_OBJECT_START.finditer(text)):
        if tried >= MAX_CANDIDATES:
            break
        try:
            value, _ = _DECODER.raw_decode(text, match.start())
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("no JSON object in the reply")
