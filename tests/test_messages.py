"""The message catalog (interviewer/messages.py): every message in both languages with the same
placeholders, unknown keys fail loudly, and no module outside the catalog picks between an English
and a Chinese string literal on ``lang == "zh"``."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from interviewer import messages
from interviewer.messages import CATALOG, Text, has, msg, table

PACKAGE = Path(messages.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def literal(text: str) -> str:
    """The text without its placeholders."""
    return "".join(lit for lit, _, _, _ in string.Formatter().parse(text))


def test_every_message_has_english_and_chinese() -> None:
    assert len(CATALOG) > 250
    for key, entry in CATALOG.items():
        assert isinstance(entry, Text), key
        assert entry.en.strip() and entry.zh.strip(), key
        if re.search(r"[A-Za-z]", literal(entry.en)):  # words, not only punctuation or symbols
            assert CJK.search(entry.zh), f"{key}: the Chinese is not Chinese: {entry.zh!r}"


def test_english_and_chinese_have_the_same_placeholders() -> None:
    """Only English's plural ``{s}`` may be missing in Chinese, which has no plural."""
    for key, entry in CATALOG.items():
        en, zh = fields(entry.en), fields(entry.zh)
        assert zh <= en and en - zh <= {"s"}, f"{key}: {sorted(en)} vs {sorted(zh)}"


def test_msg_fills_values_in_the_language() -> None:
    assert msg("question", "zh", n=2, total=5) == "第 2/5 题"
    assert msg("question", "en", n=2, total=5) == "Question 2 of 5"
    assert msg("question", "fr", n=2, total=5) == "Question 2 of 5"  # any other language: English
    assert msg("sep.colon", "zh") == "：" and msg("sep.colon", "en") == ": "
    assert table("report", "zh")["score"] == "得分" and "score" in table("report", "en")
    assert has("cap.padding") and not has("cap.no such cap")


def test_two_areas_cannot_define_one_key() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        messages._merge({"a.b": Text("x", "甲")}, {"a.b": Text("y", "乙")})


def test_a_missing_key_raises() -> None:
    with pytest.raises(KeyError, match="no such message"):
        msg("no such message", "en")
    with pytest.raises(KeyError):
        msg("no such message", "zh")


DATA_TABLES = {"TRACKS"}
"""Tables of bilingual data, not messages: the tracks' names belong with the tracks (issue 18 moves
them into the bank, where a user bank adds its own)."""


def _is_text(node: ast.AST | None) -> bool:
    """A string literal, an f-string, or a sum with one (``f"覆盖 {n}" + tail``)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left) or _is_text(node.right)
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _is_lang_compare(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Name | ast.Attribute)
        and any(isinstance(c, ast.Constant) and c.value in ("zh", "en") for c in node.comparators)
    )


def _compares_to_zh(test: ast.expr, aliases: set[str]) -> bool:
    """``lang == "zh"`` (or ``self.lang != "zh"``, ``lang == "en"``, or a name assigned from one, like
    ``zh = lang == "zh"``), alone or inside ``and`` / ``or`` / ``not``."""
    return any(_is_lang_compare(n) or (isinstance(n, ast.Name) and n.id in aliases) for n in ast.walk(test))


def _says_text(body: list[ast.stmt]) -> bool:
    """A branch that says a literal: returns, assigns or appends a string literal (or f-string)."""
    for stmt in body:
        value = getattr(stmt, "value", None)
        if isinstance(stmt, ast.Return | ast.Assign | ast.AnnAssign | ast.AugAssign) and _is_text(value):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(value, ast.Call) and any(_is_text(a) for a in value.args):
            return True
    return False


def _language_codes(node: ast.IfExp) -> bool:
    """``"zh" if … else "en"``: choosing a language code, not a text."""
    return all(isinstance(n, ast.Constant) and n.value in ("zh", "en") for n in (node.body, node.orelse))


def text_branches(source: str) -> list[int]:
    """Lines where code picks a text by language: an ``x if lang == "zh" else y`` whose branches are
    both string literals, an ``if lang == "zh":`` statement whose body (or else) says a string
    literal, or a ``{"en": "...", "zh": "..."}`` table of texts."""
    tree = ast.parse(source)
    aliases, data = set(), set()
    for node in ast.walk(tree):
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(target, ast.Name) and node.value:
            if _is_lang_compare(node.value):
                aliases.add(target.id)
            if target.id in DATA_TABLES:
                data |= {id(n) for n in ast.walk(node.value)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and _compares_to_zh(node.test, aliases):
            if _is_text(node.body) and _is_text(node.orelse) and not _language_codes(node):
                found.append(node.lineno)
        elif isinstance(node, ast.If) and _compares_to_zh(node.test, aliases):
            if _says_text(node.body) or _says_text(node.orelse):
                found.append(node.lineno)
        elif isinstance(node, ast.Dict) and id(node) not in data:
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if keys == {"en", "zh"} and all(_is_text(v) or isinstance(v, ast.Dict) for v in node.values):
                found.append(node.lineno)
    return found


def test_the_scan_finds_each_kind_of_text_branch() -> None:
    """The scan itself: each way of choosing a text by language is found, choosing data is not."""
    flagged = [
        'x = "：" if lang == "zh" else ": "',
        'x = f"{n} 题" if self.lang == "zh" else f"{n} questions"',
        'x = "empty answer" if lang == "en" else "回答为空"',
        'def f(lang):\n    if lang == "zh":\n        return f"第 {n} 题"\n    return "x"',
        'def f(lang):\n    if lang != "zh":\n        lines.append("Strengths")',
        'NAME = {"en": "Correctness", "zh": "正确性"}',
        'W = {"en": {"a": "b"}, "zh": {"a": "乙"}}',
        'def f(lang):\n    zh = lang == "zh"\n    lines.append("### 优势" if zh else "### Strengths")',
        'def f(lang):\n    if lang == "zh":\n        head = f"覆盖 {n}" + tail',
    ]
    kept = [
        'x = self.zh if lang == "zh" else self.en',
        'lang = "zh" if value == "zh" else "en"',
        'x = chunk.summary if lang == "zh" and chunk.summary else chunk.text',
        'def f(lang):\n    if lang == "zh":\n        rest = desc[1:]',
        'QUOTE_CHARS = {"en": 110, "zh": 48}',
        'TRACKS: dict[str, dict[str, str]] = {"coding": {"zh": "编程", "en": "Coding"}}',
    ]
    for source in flagged:
        assert text_branches(source), source
    for source in kept:
        assert not text_branches(source), source


def test_no_module_outside_the_catalog_picks_a_text_by_language() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == Path(messages.__file__):
            continue
        for line in text_branches(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert not found, "texts chosen by language outside interviewer/messages.py: " + ", ".join(found)


def test_every_literal_key_in_the_code_is_in_the_catalog() -> None:
    """``msg("some.key", …)`` with a key the catalog lacks would raise only when that line runs."""
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg" and node.args:
                key = node.args[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value not in CATALOG:
                    missing.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {key.value}")
    assert not missing, missing


def test_translated_gives_the_catalog_label_or_the_text_as_it_is() -> None:
    from interviewer.messages import translated

    assert translated("key", "Quit", "zh") == "退出"
    assert translated("key", "Quit", "en") == "Quit"
    assert translated("key", "Not a catalogued key", "zh") == "Not a catalogued key"


def test_a_fallback_notice_is_titled_in_the_session_language() -> None:
    """Issue 15: a zh session's fallback notices were titled 'judge: fell back'."""
    from interviewer.tui.i18n import fallback_notice, fallback_title

    assert fallback_title("judge", "zh") == "评分：已回退"
    assert fallback_title("follow_up", "en") == "follow-up: fell back"
    for stage in ("follow_up", "judge", "llm", "budget", "persona", "retrieval", "summary"):  # Fallback.stage
        assert stage not in fallback_title(stage, "zh"), stage
        notice = fallback_notice(stage, "timeout after 30 s", "zh")
        assert re.search(r"[\u4e00-\u9fff]", notice) and notice.endswith("（timeout after 30 s）"), notice
    assert fallback_notice("judge", "graded offline", "en") == "graded offline"
