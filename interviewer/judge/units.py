"""An answer cut into the units the offline judge reads: the sentences of its prose (and the clauses of long
ones), the comments and identifier words of its code, and what its lines of code do (``code_facts``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.domain import Question
from interviewer.judge.code_facts import code_facts
from interviewer.textproc import code_units, sentences, split_clauses, split_code, tokenize

MAX_UNITS = 400
"""Units considered per answer: a pasted 200 KB answer is cut to its first ~400 sentences and clauses."""


@dataclass(frozen=True)
class Unit:
    """A piece of the answer the judge reads: ``text`` is matched, ``quote`` is what evidence cites
    (a verbatim substring of the answer), ``sentence`` the sentence around it."""

    text: str
    quote: str
    sentence: str
    code: bool = False
    derived: bool = False
    """Written by the judge, not the candidate (what a line of code does, ``code_facts``): read for its
    meaning, never searched for the rubric's terms."""

    @property
    def context(self) -> str | None:
        """The sentence around a clause (None for a whole sentence)."""
        return self.sentence if self.sentence != self.text else None


_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _says_something(unit: str) -> bool:
    """A unit with words in it: three letters or two Chinese characters. A markdown table's "|---|---|",
    an arrow, "1-5" or "OK" say nothing, yet read close to every key point (a short string's embedding
    sits near everything): measured on the eval sets' partial answers, a table of "| Item | Met |" rows
    appended to them raised 98 of 220 grades by more than 2.5 points, by up to 44, through its separator row."""
    return len(_LETTER.findall(unit)) >= 3 or len(_CJK.findall(unit)) >= 2


def answer_units(text: str, fine: bool = True) -> list[Unit]:
    """The units of ``text`` the judge reads: sentences (and, when ``fine``, the clauses of long
    sentences) of its prose, and the comments and identifier words of its code."""
    prose, blocks = split_code(text)
    units: list[Unit] = []
    for s in sentences(prose):
        if not _says_something(s):
            continue
        units.append(Unit(s, s, s))
        if fine and len(s) > 80:
            for part in split_clauses(s, "，,、：:;；"):
                if len(part) >= 20 and part != s:
                    units.append(Unit(part, part, s))
    for block in blocks:
        lines = [ln.strip() for ln in block.splitlines() if ln.strip() and not ln.strip().startswith(("```", "~~~"))]
        if not lines:
            continue
        for u in code_units(block):
            words = set(re.findall(r"[a-z]+", u.lower()))
            quote = max(lines, key=lambda ln: len(words & set(re.findall(r"[a-z]+", ln.lower()))))
            units.append(Unit(u, quote, quote, code=True))
        units.extend(Unit(f.text, f.line, f.line, code=True, derived=True) for f in code_facts(block))
    return units[:MAX_UNITS]


def rubric_words(question: Question) -> frozenset[str]:
    """The words of the question, its key points, their aliases and misconceptions: what a very long answer
    is read through (``most_relevant``)."""
    texts: list[str] = [question.text.zh, question.text.en]
    for _, kp in question.rubric.key_points():
        texts += [kp.text.zh, kp.text.en, *kp.aliases.all()]
        texts += [t for m in kp.misconceptions for t in (m.text.zh, m.text.en, *m.aliases.all())]
    return frozenset(tokenize(" ".join(texts)))


def most_relevant(units: list[Unit], words: frozenset[str], limit: int) -> list[Unit]:
    """The ``limit`` units that share the most of ``words`` (code units first, they are few and
    dense), in the answer's order."""
    if len(units) <= limit:
        return units

    def weight(u: Unit) -> float:
        toks = tokenize(u.text)
        return (2.0 if u.code else 0.0) + (len(set(toks) & words) / (1 + len(toks)) ** 0.5 if toks else 0.0)

    keep = set(sorted(range(len(units)), key=lambda k: -weight(units[k]))[:limit])
    return [u for k, u in enumerate(units) if k in keep]


def in_answer(quote: str, answer: str) -> bool:
    """Evidence rule: a quote is a verbatim substring of the answer (whitespace-insensitive)."""

    def squash(t: str) -> str:
        return re.sub(r"\s+", " ", t).strip()

    return bool(quote.strip()) and squash(quote) in squash(answer)
