"""Settings: environment (prefix INTERVIEWER_) over a TOML file in the config dir, over defaults.

API keys are never settings: litellm reads them from the environment (OPENAI_API_KEY, ...),
and they are never written to disk or logs. `masked()` shows what is set, not its value.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from interviewer import paths
from interviewer.lang_setting import default_lang as _default_lang

#: Environment variables that hold provider secrets; shown masked, never stored.
SECRET_ENV = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "AZURE_API_KEY",
    "GEMINI_API_KEY",
    "MISTRAL_API_KEY",
    "GROQ_API_KEY",
    "DEEPSEEK_API_KEY",
    "OPENROUTER_API_KEY",
    "TOGETHERAI_API_KEY",
)


class Settings(BaseSettings):
    """Effective settings of the app."""

    model_config = SettingsConfigDict(
        env_prefix="INTERVIEWER_", extra="ignore", validate_default=True, use_attribute_docstrings=True
    )

    home: Path = Field(default_factory=paths.home)
    """Where every file the app writes lives (SQLite, Chroma index, exports). INTERVIEWER_HOME moves it."""

    model: str = ""
    """A litellm model string (e.g. `openai/gpt-4o-mini`, `ollama/qwen2.5`); empty means the offline engine."""

    judge_model: str = ""
    """Model for grading; empty means the same as `model`."""

    judge: str = "auto"
    """Which judge grades: `auto` (the LLM judge with a model, the offline judge without), `offline`, `llm`
    or an installed plugin's name (entry-point group `interviewer.judges`); any failure grades offline."""

    api_base: str = ""
    """Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp); empty for the provider's default."""

    timeout_s: float = Field(default=60.0, gt=0)
    """Per-call LLM timeout in seconds (also the Chroma server connect timeout)."""

    max_follow_ups: int = Field(default=2, ge=0, le=5)
    """Most follow-up questions per interview question."""

    max_turns: int = Field(default=60, ge=2)
    """Most interviewer turns per session: a hard loop guard."""

    token_budget: int = Field(default=200_000, ge=1000)
    """Most LLM tokens (prompt + completion) per session; past it the offline engine takes over."""

    judge_samples: int = Field(default=1, ge=1, le=9)
    """LLM judge samples per answer (self-consistency); the median is kept and the spread reported."""

    embedder: str = "e5-small"
    """`e5-small` (bundled multilingual, default) or `sentence-transformers:NAME_OR_PATH`."""

    chroma_url: str = ""
    """Empty: embedded Chroma under `home`. A URL (http://host:port): a Chroma server."""

    lang: Literal["zh", "en"] = Field(default_factory=_default_lang)
    """Interview language; defaults from the system locale, else English."""

    bank: str = ""
    """Extra bank directory merged with the built-in questions (also INTERVIEWER_BANK)."""

    question_timer_s: int = Field(default=0, ge=0)
    """Optional per-question timer in the TUI, seconds; 0 turns it off."""

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        from interviewer import plugins

        name, _, arg = value.partition(":")
        known = plugins.names(plugins.EMBEDDERS)
        if name not in known or (name == "sentence-transformers" and not arg):
            raise ValueError(
                "embedder must be 'e5-small', 'sentence-transformers:NAME_OR_PATH' or an installed plugin's"
                f" name (known: {', '.join(known)})"
            )
        return value

    @field_validator("judge")
    @classmethod
    def _known_judge(cls, value: str) -> str:
        from interviewer import plugins

        known = ["auto", *plugins.names(plugins.JUDGES)]
        if value not in known:
            raise ValueError(f"judge must be one of {', '.join(known)} (an installed plugin's name included)")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=paths.config_file())
        return (init_settings, env_settings, toml)

    @property
    def effective_judge_model(self) -> str:
        return self.judge_model or self.model

    @property
    def offline(self) -> bool:
        return not self.model

    def masked(self) -> dict[str, Any]:
        """Effective settings for display, with every secret masked."""
        data = self.model_dump(mode="json")
        data["config_file"] = str(paths.config_file())
        data["api_keys"] = {name: _mask(os.environ[name]) for name in SECRET_ENV if os.environ.get(name)}
        data["api_base"] = mask_url(data["api_base"])
        return data


#: Query parameters of a URL whose values are secrets (``?api_key=…``, ``&token=…``, ``sig=…``).
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|auth|sig|cred|session|code", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` with its user info and the values of secret-looking query parameters masked."""
    if "://" in url:
        scheme, rest = url.split("://", 1)
        authority, sep, tail = rest.partition("/")
        if "@" in authority:
            authority = "***@" + authority.rsplit("@", 1)[1]
        url = f"{scheme}://{authority}{sep}{tail}"
    base, qmark, query = url.partition("?")
    if not qmark:
        return url
    query, hash_, fragment = query.partition("#")
    parts = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        parts.append(f"{name}=***" if eq and value and _SECRET_PARAM.search(name) else part)
    return f"{base}?{'&'.join(parts)}{hash_}{fragment}"


def _mask(value: str) -> str:
    return "****" if len(value) < 12 else f"{value[:3]}…{value[-2:]} (set)"


class SettingsError(ValueError):
    """The settings cannot be read: a broken config file, an invalid value, a home that is no directory."""


def load_settings(**overrides: Any) -> Settings:
    """Settings from env and the TOML file, with explicit overrides (e.g. CLI flags) on top.

    Raises SettingsError with a one-line message naming the file or variable at fault."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    config = paths.config_file()
    try:
        settings = Settings(**clean)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "settings"
        raise SettingsError(
            f"invalid setting {name!r}: {err['msg']} (from INTERVIEWER_{name.upper()} or {config})"
        ) from None
    except (ValueError, OSError) as exc:  # tomllib.TOMLDecodeError, UnicodeDecodeError, IsADirectoryError, ...
        what = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else (getattr(exc, "strerror", None) or exc)
        raise SettingsError(f"{config}: cannot read the config file: {what}") from None
    if settings.home.exists() and not settings.home.is_dir():
        raise SettingsError(
            f"{settings.home}: the app's home (INTERVIEWER_HOME or `home` in {config}) is not a directory"
        )
    return settings
