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
    return _short_has_cjk(text) if len(text) <= 80 else bool(_CJK.search(text))


@lru_cache(maxsize=16384)
def _short_has_cjk(text: str) -> bool:
    """Cached for short texts (terms, aliases): the judge asks about the same ones ~1M times per long answer."""
    return bool(_CJK.search(text))


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    """jieba with its dictionary in SQLite under the app's cache dir: no 0.9 s load per process."""
    from interviewer import paths
    from interviewer.jieba_dict import tokenizer

    return tokenizer(paths.cache_dir())


def load_segmenter() -> None:
    """Open (on a new home: build) jieba's dictionary now rather than at the first Chinese word."""
    with _jieba_lock:
        _jieba()


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


_ABBREV = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|etc|vs|cf|approx|fig|eq|no|dr|mr|mrs|prof|resp|incl|esp|ca|viz)\.|(?-i:\bv\.)|(?:\b[A-Za-z]\.){2,})$",
    re.IGNORECASE,
)
"""What a period ends without ending the sentence: a listed abbreviation ("e.g.", "et al.", "Mata v.
Avianca") or a run of dotted letters ("U.S.", "S.D.N.Y."). A single letter is not one: in an answer it
is a variable far more often than an initial ("…then multiply by V. For generation…", "O is divided by
l."), and "ms." is milliseconds ("p99 under 50 ms. Then…"): a sentence run into the next one earns and
loses key points as one."""
_BOUNDARY = re.compile(r"[.!?;]+(?=\s)|[。！？；]+|\n+")

QUOTE_PAIRS = r"\"[^\"]{0,200}\"|“[^”]{0,200}”|「[^」]{0,200}」|『[^』]{0,200}』|‘[^’]{0,200}’"
"""A stretch in quotation marks (ASCII double, curly, corner brackets): words a text mentions rather
than says in its own voice. ASCII single quotes are left out: they are apostrophes far more often."""


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in both languages. A period ends a sentence only before whitespace and
    not after an abbreviation ("e.g.", "et al.", "vs.", an initial), so decimals (3.5), versions
    (v2.4.1) and abbreviations stay inside their sentence."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0)[0] == "." and _ABBREV.search(text[start:end]):
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def sentences(text: str, min_chars: int = 6) -> list[str]:
    """Sentences of ``text`` (both languages), dropping fragments shorter than ``min_chars``."""
    return [p for p in split_sentences(text) if len(p) >= min_chars]


_PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】", "《": "》", "“": "”", "「": "」"}


def _enclosed(sentence: str) -> list[bool]:
    """For each character: it lies inside a pair of brackets or quotation marks that closes within the
    sentence ("(policy, reference, reward, value)", "“不是 A，而是 B”"). An opening mark never closed
    ("1) first, 2) second", a stray "(") encloses nothing."""
    inside = [False] * len(sentence)
    stack: list[tuple[str, int]] = []
    quote: int | None = None
    for i, ch in enumerate(sentence):
        if ch == '"':
            if quote is None:
                quote = i
            else:
                inside[quote : i + 1] = [True] * (i + 1 - quote)
                quote = None
        elif ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
        elif stack and ch == stack[-1][0]:
            _, start = stack.pop()
            inside[start : i + 1] = [True] * (i + 1 - start)
    return inside


def split_clauses(sentence: str, separators: str = "，,、：:") -> list[str]:
    """The parts of ``sentence`` between its clause separators (commas, "、", colons): not at a
    separator inside brackets or quotes (a parenthesised list is one part: "(chosen, rejected) pairs"
    is not cut into "…(chosen" and "rejected) pairs…"), not at a comma between digits ("1,000") and
    not at an ASCII colon without a space after it ("http://", "12:30")."""
    inside = _enclosed(sentence)
    parts: list[str] = []
    start = 0
    for i, ch in enumerate(sentence):
        if ch not in separators or inside[i]:
            continue
        if ch == "," and 0 < i < len(sentence) - 1 and sentence[i - 1].isdigit() and sentence[i + 1].isdigit():
            continue
        if ch == ":" and not sentence[i + 1 : i + 2].isspace():
            continue
        parts.append(sentence[start:i])
        start = i + 1
    parts.append(sentence[start:])
    return [p.strip() for p in parts if p.strip()]


def clauses(text: str, min_chars: int = 6) -> list[str]:
    """Sentences, plus comma-separated clauses of long sentences: finer units for matching."""
    out: list[str] = []
    for s in sentences(text, min_chars):
        out.append(s)
        if len(s) > 80:
            out.extend(p for p in split_clauses(s) if len(p) >= 20)
    return out


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("−", "-").replace("–", "-")).strip()


def contains_term(text_norm: str, term: str, inflected: bool = False) -> bool:
    """Whole-word match for Latin terms, substring match for Chinese ones; ``text_norm`` is normalize()d.
    ``inflected``: a Latin term's last word may also take an English ending ("a/b test" in "we A/B tested",
    "rollback" in "rollbacks", "cache" in "caching"): terms are written in their dictionary form."""
    matcher = _term_matcher(term, inflected)
    if matcher is None:
        return False
    if isinstance(matcher, str):  # Chinese: writers space Latin words inconsistently ("KV 缓存" = "KV缓存")
        return matcher in text_norm.replace(" ", "")
    return matcher.search(text_norm) is not None


_ENDING = r"(?:s|es|ed|d|ing)?"


@lru_cache(maxsize=16384)
def _term_matcher(term: str, inflected: bool = False) -> re.Pattern[str] | str | None:
    """How :func:`contains_term` looks for ``term``: a Chinese term squeezed of spaces, a Latin one's
    whole-word pattern, None for an empty one. Cached: the judge asks ~200k times for one long
    answer's decision, over a few thousand terms, and normalising the term and going through
    ``re``'s own cache (512 patterns, shared with every other module) each time was half its CPU."""
    term = normalize(term)
    if not term:
        return None
    if has_cjk(term):
        return term.replace(" ", "")
    return re.compile(rf"(?<![a-z0-9]){term_pattern(term, inflected)}(?![a-z0-9])")


def term_pattern(term: str, inflected: bool) -> str:
    """The regex for a lower-case Latin ``term`` (no word boundaries): escaped, and when ``inflected``
    with the English endings its last word may take ("test" -> "tested", "cache" -> "caching")."""
    body = re.escape(term)
    if inflected and re.search(r"[a-z]{3}$", term):
        return re.escape(term[:-1]) + "(?:e" + _ENDING + "|ing|ed)" if term.endswith("e") else body + _ENDING
    return body


_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_CODE_LINE = re.compile(
    r"^\s*(def |class |import |from \S+ import |return\b|for .+:\s*$|while .+:\s*$|if .+:\s*$|elif |else:|try:|except|"
    r"with .+:\s*$|@\w|[\w.\[\]]+\s*(=|\+=|-=|\*=)\s*\S|\w+\(.*\)\s*$|#|//|[{}]\s*$)"
)


def split_code(text: str) -> tuple[str, list[str]]:
    """(prose, code blocks): fenced blocks (``` or ~~~) and indented runs that read as code are taken
    out of the prose, so guards written for prose (term lists, padding) never read code."""
    blocks: list[str] = []

    def take(m: re.Match[str]) -> str:
        blocks.append(m.group(0))
        return "\n"

    prose = _FENCE.sub(take, text)
    lines = prose.split("\n")
    kept: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        indented = line.startswith(("    ", "\t")) and line.strip()
        if indented and (run or _CODE_LINE.match(line)):
            run.append(line)
            continue
        if run:
            if len(run) >= 2 or _CODE_LINE.match(run[0]):
                blocks.append("\n".join(run))
            else:
                kept.extend(run)
            run = []
        if (indented and not _CODE_LINE.match(line)) or not indented:
            kept.append(line)
    return "\n".join(kept[:-1] if kept and kept[-1] == "" else kept), blocks


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"(?:#|//)\s?(.*)$|\"\"\"(.*?)\"\"\"|'''(.*?)'''", re.MULTILINE | re.DOTALL)
_KEYWORDS = frozenset(
    [
        "def",
        "class",
        "return",
        "import",
        "from",
        "as",
        "if",
        "elif",
        "else",
        "for",
        "while",
        "in",
        "not",
        "and",
        "or",
        "is",
        "none",
        "true",
        "false",
        "try",
        "except",
        "finally",
        "with",
        "lambda",
        "yield",
        "pass",
        "break",
        "continue",
        "raise",
        "assert",
        "self",
        "cls",
        "print",
        "len",
        "range",
        "int",
        "float",
        "str",
        "list",
        "dict",
        "set",
        "tuple",
        "np",
        "torch",
        "nn",
        "f",
    ]
)


def code_units(block: str) -> list[str]:
    """What a code block says, as text units for matching: its comments and docstrings, and one unit of
    the words of its identifiers (``max_steps`` → "max steps", ``kvCache`` → "kv cache")."""
    units = [" ".join(g for g in m.groups() if g).strip() for m in _COMMENT.finditer(block)]
    units = [u for u in units if len(u) >= 6]
    words: list[str] = []
    for ident in _IDENT.findall(_COMMENT.sub(" ", block)):
        parts = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", ident).replace("_", " ").lower().split()
        words.extend(p for p in parts if p not in _KEYWORDS and len(p) > 1)
    if words:
        units.append(" ".join(dict.fromkeys(words)))
    return units
