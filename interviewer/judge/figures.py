"""Figures a sentence states, and whether it states a misconception's wrong figure.

A figure is a number with what it counts: a size in bytes ("~16 GiB", "140GB"), a share ("78%"), a
factor ("2.1x", "6 倍"), a duration ("800 ms"), or a count of something named ("1,000 traces",
"37B active", "300 题"). Bare numbers (years, "top-2", "base 10000") and numbers inside names
("Llama-3-8B", "8x7B", "4-bit") are not figures: they identify, they do not claim.

Embeddings barely see numbers ("10M 768-d float32 vectors are ~3 GB" reads like "~31 GB"), so a
misconception whose correction answers its figure with another value ("~3 GB" → "~31 GB") is also
read by that figure, in whatever words and language the candidate says it. A sentence that states a
figure the rubric or the model answer gives as true is never called wrong for it. Comparing every figure
with the key point's own was tried and dropped: correct answers cite true figures the rubric does not
give (a 14x larger model, 1.56x from SmoothQuant, their own request volumes), and it called as many
correct sentences wrong as wrong ones (``evals/figure_reads.py`` measures the rule that stayed).
Pure functions over text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from interviewer.domain import KeyPoint, Misconception, Question

TOLERANCE = 0.25
"""Two figures of one kind agree when they differ by at most this share of the larger ("~31 GB" and
"30 GB", "46.7B" and "47B", "16 GiB" and "17 GB"); a wrong figure is usually off by a factor."""

_NUM = r"(?<![\w.\-/×^])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_RANGE = r"(?:(?:[kmbt%])?\s*(?:-|–|—|~|to|到|至)\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))?"
_BYTES = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15}
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12, "万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6}
_TIME = {"ms": 1e-3, "s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "hour": 3600.0, "h": 3600.0}
_TIME_ZH = {"毫秒": 1e-3, "秒": 1.0, "分钟": 60.0, "小时": 3600.0}
_STOP_NOUNS = frozenset(
    re.findall(
        r"\S+",
        """and or of to the a an in on at for with per by as is are was were be than vs times model models dense
        moe base llm llms instruct chat version versions variant variants series family checkpoint checkpoints
        has have had does did uses used needs needed gets got runs ran trained fits takes took makes made can will
        would should could may might""",
    )
)
"""Words after a number that do not name what it counts ("8 and 16", "2 of them", "a 70B model")."""

_FIGURE = re.compile(
    rf"{_NUM}{_RANGE}\s*(?:"
    r"(?P<bytes>[kmgtp])i?b(?![a-z])|"
    r"(?P<pct>%|percent\b|个百分点|百分点)|"
    r"(?P<times>x|×|倍)(?![a-z0-9])|"
    r"(?P<time>ms|sec|seconds?|minutes?|min|hours?|h|s)(?![a-z0-9])|"
    r"(?P<time_zh>毫秒|秒|分钟|小时)|"
    r"(?P<scale>[kmbt](?![a-z0-9])|百万|万|亿|千)\s*(?P<snoun>[a-z][a-z-]{2,}|激活参数|总参数|参数|激活|词元|条|个|张|篇)?|"
    r"\s(?P<noun>[a-z][a-z-]{2,})|"
    r"\s?(?P<measure>[条张层步篇题次台轮])"
    r")(?:\s*(?:/|per\s)\s*(?P<per>[a-z]{3,}))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    value: float
    kind: str
    """What it counts: 'bytes', '%', 'x', 'seconds', or 'n:<noun>' for a count of something named."""
    text: str
    """As written."""


def _value(raw: str) -> float:
    return float(raw.replace(",", ""))


def _noun(word: str) -> str:
    """'traces' -> 'trace', 'queries' -> 'query': one spelling for a count's noun."""
    word = word.lower().strip("-")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _kind_and_scale(m: re.Match[str]) -> tuple[str, float] | None:
    g = m.groupdict()
    if g["bytes"]:
        return "bytes", _BYTES[g["bytes"].lower()]
    if g["pct"]:
        return "%", 1.0
    if g["times"]:
        return "x", 1.0  # a factor's noun follows in too many ways ("6x cheaper", "2 倍的显存") to tell them apart
    if g["time"]:
        unit = g["time"].lower()
        return "seconds", _TIME.get(unit) or _TIME[unit.removesuffix("s")]  # "ms", "s" as written; "hours" -> "hour"
    if g["time_zh"]:
        return "seconds", _TIME_ZH[g["time_zh"]]
    if g["scale"]:
        noun = g["snoun"]
        if not noun or noun.lower() in _STOP_NOUNS:
            return None  # "a 70B model" names a model size in passing; only "37B active", "15T tokens" count
        return "n:" + (_noun(noun) if noun.isascii() else noun[:2]), _SCALE[g["scale"].lower()]
    if g["noun"]:
        if g["noun"].lower() in _STOP_NOUNS:
            return None
        return "n:" + _noun(g["noun"]), 1.0
    if g["measure"]:
        return "n:" + g["measure"], 1.0
    return None


@lru_cache(maxsize=8192)
def figures(text: str) -> tuple[Figure, ...]:
    """The figures ``text`` states (a range gives both its ends), in order."""
    found: list[Figure] = []
    for m in _FIGURE.finditer(text):
        end = m.end()
        if end < len(text) and (text[end] == "-" or (m.group("scale") and text[end : end + 1].isdigit())):
            continue  # "4-bit", "7B-param", "8x7B": part of a name
        if 1900 <= _value(m.group(1)) <= 2100 and not m.group("scale") and "." not in m.group(1):
            continue  # a year ("Hoffmann et al. 2022 trained …")
        ks = _kind_and_scale(m)
        if ks is None:
            continue
        kind, scale = ks
        if m.group("per") and kind.startswith("n:"):
            kind += "/" + _noun(m.group("per"))[:5]  # "20 tokens per parameter", "128 KiB/token" stay bytes
        for raw in (m.group(1), m.group(2)):
            if raw:
                found.append(Figure(_value(raw) * scale, kind, m.group(0).strip()))
    return tuple(found)


def truths(kp: KeyPoint) -> tuple[Figure, ...]:
    """The figures a key point gives as true: its own text's and its misconceptions' corrections'."""
    texts = [kp.text.en, kp.text.zh, *(t for m in kp.misconceptions for t in (m.correction.en, m.correction.zh))]
    return tuple(f for t in texts for f in figures(t))


def wrong(m: Misconception, kp: KeyPoint) -> tuple[Figure, ...]:
    """The wrong figures a misconception states: those of its text that its correction gives another
    value for ("Mixtral fits in ~26 GB" → "~93 GB": 26 GB is wrong). A figure the correction does not
    answer with one of its kind is not what the misconception gets wrong ("a small model beats a 14x
    larger one on the hardest problems" is wrong about the hardest problems, not about 14x), and one
    that agrees with a figure of the point or the correction is true."""
    fixes = [f for t in (m.correction.en, m.correction.zh) for f in figures(t)]
    right = [*fixes, *(f for t in (kp.text.en, kp.text.zh) for f in figures(t))]
    return tuple(
        f
        for t in (m.text.en, m.text.zh)
        for f in figures(t)
        if any(r.kind == f.kind for r in fixes) and not any(r.kind == f.kind and agree(r.value, f.value) for r in right)
    )


def known(question: Question) -> tuple[Figure, ...]:
    """Every figure the question's key points, corrections and model answer give as true."""
    found = [f for _, kp in question.rubric.key_points() for f in truths(kp)]
    texts = [question.text.en, question.text.zh]
    if question.model_answer is not None:
        texts.extend([question.model_answer.en, question.model_answer.zh])
    found.extend(f for t in texts for f in figures(t))
    return tuple(found)


def agree(a: float, b: float) -> bool:
    big = max(abs(a), abs(b))
    return big == 0 or abs(a - b) <= TOLERANCE * big


def stated_wrong(
    sentence: str, wrongs: Iterable[Figure], right: Sequence[Figure], known: Sequence[Figure]
) -> Figure | None:
    """A figure of ``sentence`` that agrees with one of a misconception's ``wrongs`` and with none of
    the ``known`` true figures, in a sentence that states none of its key point's ``right`` figures of
    that kind: the misconception, said by its number ("Mixtral fits in about 26 GB"), in any words and
    either language."""
    by_kind: dict[str, list[float]] = {}
    for w in wrongs:
        by_kind.setdefault(w.kind, []).append(w.value)
    if not by_kind:
        return None
    stated = figures(sentence)
    right_kinds = {f.kind for f in stated for r in right if r.kind == f.kind and agree(r.value, f.value)}
    for f in stated:
        if f.kind in right_kinds or not any(agree(f.value, w) for w in by_kind.get(f.kind, ())):
            continue
        if not any(k.kind == f.kind and agree(f.value, k.value) for k in known):
            return f
    return None
