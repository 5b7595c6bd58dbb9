"""configured_lang (Home's first frame) reads the language the settings would, without loading them."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import load_settings
from interviewer.lang_setting import configured_lang


@pytest.fixture
def no_lang(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("INTERVIEWER_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return isolated_home


@pytest.mark.parametrize(
    ("env", "toml", "locale", "expected"),
    [
        ({}, None, "C.UTF-8", "en"),
        ({}, None, "zh_CN.UTF-8", "zh"),
        ({}, 'lang = "zh"\n', "C.UTF-8", "zh"),
        ({}, 'lang = "en"\n', "zh_CN.UTF-8", "en"),
        ({"INTERVIEWER_LANG": "zh"}, 'lang = "en"\n', "C.UTF-8", "zh"),
        ({"interviewer_lang": "en"}, 'lang = "zh"\n', "zh_CN.UTF-8", "en"),  # the settings ignore the case
        ({}, 'model = "ollama/x"\n', "zh_CN.UTF-8", "zh"),
    ],
)
def test_it_agrees_with_the_settings(
    no_lang: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    toml: str | None,
    locale: str,
    expected: str,
) -> None:
    monkeypatch.setenv("LANG", locale)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if toml is not None:
        (no_lang / "config.toml").write_text(toml, encoding="utf-8")
    assert configured_lang() == load_settings().lang == expected


def test_a_value_the_settings_reject_reads_as_the_locale_language(
    no_lang: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    (no_lang / "config.toml").write_text('lang = "fr"\n', encoding="utf-8")
    assert configured_lang() == "zh"
    (no_lang / "config.toml").write_text("lang = [broken", encoding="utf-8")
    assert configured_lang() == "zh"
