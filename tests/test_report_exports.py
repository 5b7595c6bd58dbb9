"""Exports (issues 14 and 15): evidence quotes are cut at a word with an ellipsis, never mid-word;
the model answer is in the Markdown and HTML exports, in the session's language."""

from __future__ import annotations

import re
from typing import Any

import pytest

from interviewer.domain import CriterionGrade, Grade, Session, Turn
from interviewer.report import clip, transcript_html, transcript_markdown

LONG = (
    "Press et al. showed that ALiBi extrapolates because the linear bias keeps penalising distant tokens, "
    "and in our own evaluation the perplexity stayed flat up to four times the training length while the "
    "rotary baseline degraded sharply once positions went past what it had seen during pre-training runs"
)


@pytest.fixture(scope="module")
def bank() -> Any:
    from interviewer.bank.loader import load_bank

    return load_bank()


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    for limit in (40, 80, 160, 200):
        out = clip(LONG, limit)
        assert len(out) <= limit and out.endswith("…")
        word = out[:-1].split()[-1]
        assert f" {word} " in f" {LONG} ", out  # the last word shown is a whole word of the quote
    assert clip("short quote", 200) == "short quote"
    zh = "旋转位置编码通过旋转查询和键向量来编码相对位置" * 10
    assert clip(zh, 50).endswith("…") and len(clip(zh, 50)) <= 50


def session_with(bank: Any, lang: str) -> Session:
    question = bank.questions["llm-rope-vs-alibi"]
    session = Session(id="s1", lang=lang, tracks=[question.track], count=1)
    session.turns += [
        Turn(question_id=question.id, role="interviewer", kind="question", text=question.prompt(lang)),
        Turn(question_id=question.id, role="candidate", kind="answer", text=LONG),
    ]
    criteria = [
        CriterionGrade(id=c.id, score=2, reason="ok", evidence=[LONG], missing=[]) for c in question.rubric.criteria
    ]
    session.grades[question.id] = Grade(question_id=question.id, overall=50.0, criteria=criteria, judge="offline")
    return session


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exports_carry_the_model_answer_and_whole_word_quotes(bank: Any, lang: str) -> None:
    question = bank.questions["llm-rope-vs-alibi"]
    model = question.model_answer.get(lang)
    markdown = transcript_markdown(session_with(bank, lang), bank)
    heading = "What a strong answer covers" if lang == "en" else "优秀的回答会讲到什么"
    assert f"**{heading}:**" in markdown
    assert " ".join(model.split()[:8]) in " ".join(markdown.split())
    cells = re.findall(r"“([^”]*)”", markdown)
    assert cells and all(c == LONG or c.endswith("…") for c in cells)
    for cell in cells:
        last = cell.rstrip("…").split()[-1]
        assert f" {last} " in f" {LONG} ", cell  # never a word cut in half
    html = transcript_html(session_with(bank, lang), bank)
    assert f"<summary>{heading}</summary>" in html and model.split()[0] in html
