"""Find and parse the JSON object in a model reply."""

from __future__ import annotations

import json
import re
from typing import Any


def extract_json(text: str) -> Any:
    """The first JSON object in ``text`` (tolerates code fences and prose around it)."""
    text = text.strip()
    for fence in re.finditer(r"```(?:json)?\s*(.*?)```", text, re.DOTALL):
        try:
            return _first_object(fence.group(1).strip())
        except ValueError:
            continue  # e.g. a fenced code sample before the JSON: look further
    return _first_object(text)


def _first_object(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    start = text.find("{")
    while start != -1:
        depth = 0
        in_str = False
        esc = False
        for i in range(start, len(text)):
            ch = text[i]
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    try:
                        return json.loads(text[start : i + 1])
                    except ValueError:
                        break
        start = text.find("{", start + 1)
    raise ValueError("no JSON object in the reply")
