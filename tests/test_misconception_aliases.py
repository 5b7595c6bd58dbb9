"""A misconception's tell-tale phrases must not fire on the bank's own correct texts.

The offline judge reports an *error* when a sentence states a misconception's alias
(``judge/claims.py:alias_hit``). A phrase that also turns up in a reference note, a model answer
or a key point's example, outside a refutation, would report errors on correct answers: this test
lists every such phrase with the sentence it fired on. Sections of the notes that list pitfalls (headings with
"mistake", "pitfall", "misconception", "误区", "常见错误"...) state the wrong claims on purpose
and are skipped.
"""

from __future__ import annotations

import re

from interviewer.bank import load_bank
from interviewer.judge import claims
from interviewer.textproc import has_cjk, normalize, sentences

_PITFALL_HEADING = re.compile(
    r"^#+ .*(mistake|pitfall|misconception|myth|wrong|gotcha|anti-pattern|误区|误解|常见错误|陷阱|坑)", re.I
)


def _correct_texts() -> list[tuple[str, str]]:
    """(where, sentence) for every sentence of the notes (outside pitfall sections) and model answers, and
    every key point's examples."""
    bank = load_bank()
    out: list[tuple[str, str]] = []
    for note in bank.notes.values():
        keep: list[str] = []
        skipping = False
        for line in note.body.splitlines():
            if line.startswith("#"):
                skipping = bool(_PITFALL_HEADING.match(line))
            if not skipping:
                keep.append(line)
        out.extend((f"note {note.id}", s) for s in sentences("\n".join(keep)))
    for q in bank.questions.values():
        if q.model_answer is not None:
            for lang in ("zh", "en"):
                out.extend((f"model answer {q.id} [{lang}]", s) for s in sentences(q.model_answer.get(lang)))
        for _, kp in q.rubric.key_points():
            out.extend((f"example of {q.id}/{kp.id}", s) for s in kp.examples.all())
    return out


def test_no_misconception_alias_fires_on_the_banks_correct_texts() -> None:
    texts = _correct_texts()
    lowered = normalize("\n".join(s for _, s in texts))
    squeezed = lowered.replace(" ", "")
    bank = load_bank()
    fired: list[str] = []
    for q in bank.questions.values():
        for _, kp in q.rubric.key_points():
            for m in kp.misconceptions:
                for alias in m.aliases.all():
                    pattern = claims.alias_pattern(alias)
                    if pattern is None or not pattern.search(squeezed if has_cjk(alias) else lowered):
                        continue  # the alias occurs nowhere in the correct texts
                    one = type(m.aliases)(en=[alias], zh=[])
                    for where, sentence in texts:
                        if claims.alias_hit(sentence, one):
                            fired.append(f"{q.id}/{kp.id}/{m.id}: {alias!r} fired on {where}: {sentence[:160]!r}")
    assert fired == [], "\n".join(fired)


def test_a_misconception_alias_is_not_a_bare_topic_term() -> None:
    """An alias equal to one of its key point's own aliases would call every mention of the topic an error."""
    bank = load_bank()
    bad: list[str] = []
    for q in bank.questions.values():
        for _, kp in q.rubric.key_points():
            own = {normalize(a) for a in kp.aliases.all()}
            for m in kp.misconceptions:
                bad.extend(f"{q.id}/{kp.id}/{m.id}: {a!r}" for a in m.aliases.all() if normalize(a) in own)
    assert bad == [], "\n".join(bad)
