"""Text processing shared by BM25 and the offline judge: tokens (jieba for Chinese), clauses, matching."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9][A-Za-z0-9_.+\-/]*[A-Za-z0-9+]|[A-Za-z0-9]")
_jieba_lock = threading.Lock()

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "at",
        "from",
        "into",
        "than",
        "then",
        "so",
        "if",
        "but",
        "not",
        "no",
        "do",
        "does",
        "did",
        "can",
        "could",
        "would",
        "should",
        "will",
        "we",
        "you",
        "i",
        "they",
        "he",
        "she",
        "them",
        "our",
        "your",
        "my",
        "me",
        "what",
        "which",
        "who",
        "how",
        "why",
        "when",
        "where",
        "there",
        "here",
        "about",
        "over",
        "under",
        "more",
        "most",
        "very",
        "also",
        "just",
        "such",
        "via",
        "的",
        "了",
        "和",
        "是",
        "在",
        "就",
        "都",
        "而",
        "及",
        "与",
        "着",
        "或",
        "一个",
        "没有",
        "我们",
        "你",
        "我",
        "他",
        "她",
        "它",
        "这",
        "那",
        "这个",
        "那个",
        "也",
        "还",
        "把",
        "被",
        "让",
        "对",
        "从",
        "到",
        "给",
        "很",
        "会",
        "能",
        "要",
        "吗",
        "呢",
        "吧",
        "啊",
        "嗯",
        "然后",
        "就是",
        "这样",
        "因为",
        "所以",
        "但是",
        "如果",
        "可以",
        "一些",
        "什么",
        "怎么",
        "为什么",
        "以及",
        "其",
        "之",
        "等",
    ]
)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def _cut_cjk(segment: str) -> list[str]:
    with _jieba_lock:
        return [w for w in _jieba().cut_for_search(segment) if w.strip()]


def tokenize(text: str, *, drop_stopwords: bool = True) -> list[str]:
    """Lower-cased word tokens; Chinese runs are segmented by jieba (search mode)."""
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        tok = match.group(0)
        if _CJK.match(tok):
            out.extend(_cut_cjk(tok))
        else:
            out.append(tok.strip(".-/"))
    if drop_stopwords:
        out = [t for t in out if t and t not in STOPWORDS]
    return out


def sentences(text: str, min_chars: int = 6) -> list[str]:
    """Sentences of ``text`` (both languages), dropping fragments shorter than ``min_chars``."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?;。！？；])\s+|(?<=[。！？；])|\n+", text)]
    return [p for p in parts if len(p) >= min_chars]


def clauses(text: str, min_chars: int = 6) -> list[str]:
    """Sentences, plus comma-separated clauses of long sentences: finer units for matching."""
    out: list[str] = []
    for s in sentences(text, min_chars):
        out.append(s)
        if len(s) > 80:
            out.extend(p.strip() for p in re.split(r"[，,、：:]", s) if len(p.strip()) >= 20)
    return out


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("−", "-").replace("–", "-")).strip()


def contains_term(text_norm: str, term: str) -> bool:
    """Whole-word match for Latin terms, substring match for Chinese ones; ``text_norm`` is normalize()d."""
    term = normalize(term)
    if not term:
        return False
    if has_cjk(term):  # Chinese writers space Latin words inconsistently: "U 形" = "U形", "KV 缓存" = "KV缓存"
        return term.replace(" ", "") in text_norm.replace(" ", "")
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", text_norm) is not None
