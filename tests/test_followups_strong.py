"""Issue 15, done-when: in a scripted offline interview a strong answer — strong, not perfect — gets
a harder follow-up (a deepening seed or its weakest criterion's level-4 descriptor) instead of
"moving on", and no follow-up asked rests on a premise the answer never gave.

The answers are the bank's own model answers, cut to what a strong candidate says in the time (a
grade around 75-85 with the real offline judge), so the test follows the bank, not canned text."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.agent.events import AnswerGraded, FollowUpAsked
from interviewer.agent.followup import MOVE_ON_COVERAGE, STRONG_COVERAGE, deepening_text, seed_fits
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.textproc import split_sentences

CASES = [
    ("agent-infinite-loops", "en"),
    ("llm-scaling-laws", "zh"),
    ("sd-llm-serving-10k-qps", "en"),
    ("llm-rope-vs-alibi", "en"),
    ("sd-rag-pipeline", "zh"),
]


def strong_not_perfect(services: Any, qid: str, lang: str) -> str:
    """The model answer with sentences left out (its tail, else one sentence) until its coverage is
    strong but incomplete."""
    question = services.bank.questions[qid]
    sentences = split_sentences(question.model_answer.get(lang))
    joiner = "" if lang == "zh" else " "
    cuts = [sentences[:n] for n in range(len(sentences) - 1, 0, -1)]
    cuts += [sentences[:i] + sentences[i + 1 :] for i in range(len(sentences))]
    for kept in cuts:
        text = joiner.join(kept)
        ratio = services.offline_judge.coverage(question, text, fine=False).ratio()
        if STRONG_COVERAGE <= ratio < MOVE_ON_COVERAGE:
            return text
    pytest.fail(f"{qid}/{lang}: no cut of the model answer is strong but incomplete")


@pytest.mark.parametrize(("qid", "lang"), CASES)
async def test_a_strong_but_incomplete_answer_is_pushed_harder_first(services: Any, qid: str, lang: str) -> None:
    question = services.bank.questions[qid]
    answer = strong_not_perfect(services, qid, lang)
    coverage = services.offline_judge.coverage(question, answer, fine=False)
    assert coverage.missing(), "the answer leaves something out"
    source = ScriptedAnswers([ScriptedAnswer(qid, answer, ["I'd have to think about that.", "Not sure."])])
    plan = InterviewPlan(count=1, lang=lang, forced=[qid])  # type: ignore[arg-type]
    events = [e async for e in services.interviewer(plan).events(source)]
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert follow_ups, f"{qid}: a strong answer got no follow-up"
    first = follow_ups[0]
    assert first.source == "deepen", f"{qid}: {first.source}: {first.text}"
    seeds = {s.text.get(lang): s for s in question.follow_ups}
    level4 = {deepening_text(question, c, lang) for c in question.rubric.criteria}  # type: ignore[arg-type]
    assert first.text in seeds or first.text in level4, first.text
    if first.text in seeds:
        assert seed_fits(seeds[first.text], coverage, answer), first.text
    for f in follow_ups:  # nothing asked on a premise the answers did not give
        if f.text in seeds:
            so_far = "\n".join([answer, *["I'd have to think about that."] * (f.follow_up_index - 1)])
            cov = services.offline_judge.coverage(question, so_far, fine=False)
            assert seed_fits(seeds[f.text], cov, so_far), f.text
    grades = [e.grade.overall for e in events if isinstance(e, AnswerGraded)]
    assert grades and grades[0] >= 60, f"{qid}: graded {grades}: not a strong answer"
