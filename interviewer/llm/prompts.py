"""Prompt templates: Jinja files under prompts/<lang>/, rendering fails on a missing variable."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from interviewer import paths


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(paths.prompts_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, lang: str, **variables: Any) -> str:
    """Render prompts/<lang>/<name>.j2; a variable the template uses but was not given raises."""
    return _env().get_template(f"{lang}/{name}.j2").render(**variables).strip()


def messages(name: str, lang: str, **variables: Any) -> list[dict[str, str]]:
    """A template split into system and user messages at a line '---user---'."""
    text = render(name, lang, **variables)
    if "---user---" in text:
        system, user = text.split("---user---", 1)
        return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]
    return [{"role": "user", "content": text}]
