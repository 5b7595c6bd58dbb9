"""Mutations that once passed the whole suite now fail a test here (issue 18):

(a) the LLM judge's caps removed (``caps.apply_caps`` not applied in ``judge/llm_judge.py``);
(b) the offline judge's padding cap removed (``padding`` not capping in ``judge/offline.py``);
(c) the reference passages dropped from the follow-up decision prompt (``agent/loop.py`` /
    ``prompts/*/follow_up.j2``).

Each test is made so the guarded rule is *binding*: the uncapped score is shown to be higher than
the cap (a cap that no input reaches guards nothing), and the passages are shown to exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.agent.events import QuestionAsked
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.bank import Bank
from interviewer.domain import Question
from interviewer.judge import guards
from interviewer.judge.llm_judge import LLMJudge
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services

QID = "llm-rope-vs-alibi"


@pytest.fixture(scope="module")
def bank() -> Bank:
    from interviewer.bank.loader import load_bank

    return load_bank()


@pytest.fixture
def question(bank: Bank) -> Question:
    return bank.questions[QID]


def said_once(q: Question) -> str:
    """The first three sentences of the bank's model answer: right, and specific."""
    assert q.model_answer is not None
    sentences = [s.strip() for s in q.model_answer.en.replace("\n", " ").split(". ") if s.strip()]
    return ". ".join(sentences[:3]).rstrip(".") + "."


def restated(q: Question) -> str:
    """The same three right sentences said three times over: padding."""
    return " ".join([said_once(q)] * 3)


def verdicts(q: Question, score: int, evidence: list[str]) -> dict[str, Any]:
    return {
        "criteria": [
            {
                "id": c.id,
                "reasoning": "r",
                "evidence": evidence,
                "covered_key_points": [k.id for k in c.key_points],
                "score": score,
            }
            for c in q.rubric.criteria
        ],
        "summary": "s",
    }


# -- (a) the LLM judge applies the cap policy --------------------------------------------------------------
async def test_llm_judge_caps_a_padded_answer_a_fooled_model_scores_4(question: Question) -> None:
    text = restated(question)
    assert "padding" in guards.check(text).flags
    quote = said_once(question).split(",")[0]
    g = await LLMJudge(FakeLLM(default=verdicts(question, 4, [quote]))).grade(question, text, "en")
    assert "padding" in g.flags
    assert [c.score for c in g.criteria] == [1] * len(question.rubric.criteria)
    assert g.overall == 25.0


async def test_llm_judge_caps_a_score_no_real_quote_supports(question: Question) -> None:
    text = said_once(question)
    assert not guards.check(text).flags
    invented = ["ALiBi was introduced by the Llama 3 paper in 2025"]  # not in the answer
    g = await LLMJudge(FakeLLM(default=verdicts(question, 4, invented))).grade(question, text, "en")
    assert [c.score for c in g.criteria] == [1] * len(question.rubric.criteria)
    real = said_once(question).split(",")[0]
    g = await LLMJudge(FakeLLM(default=verdicts(question, 4, [real]))).grade(question, text, "en")
    assert [c.score for c in g.criteria] == [4] * len(question.rubric.criteria)  # the cap is what made the 1s


# -- (b) the offline judge caps padding ------------------------------------------------------------------
def test_offline_judge_caps_a_right_answer_restated_three_times(offline: Any, question: Question) -> None:
    once = offline.grade(question, said_once(question), "en")
    assert "padding" not in once.flags
    assert max(c.score for c in once.criteria) >= 2  # the content alone earns more than the cap
    padded = offline.grade(question, restated(question), "en")
    assert "padding" in padded.flags
    assert max(c.score for c in padded.criteria) <= 1
    assert padded.overall < once.overall


# -- (c) the follow-up decision sees the reference passages ----------------------------------------------
async def test_the_follow_up_prompt_carries_the_reference_passages(services: Any) -> None:
    prompts: list[str] = []

    def model(messages: list[dict[str, str]], purpose: str) -> Any:
        if purpose == "follow_up":
            prompts.append(messages[-1]["content"])
            return {"reasoning": "enough", "action": "move_on"}
        if purpose == "judge":
            return {"criteria": [], "summary": "s"}
        return "fine"

    wired = Services(services.settings, llm=FakeLLM(default=model))
    vague = "It depends on the model; both are ways to tell the model where tokens are."
    source = ScriptedAnswers([ScriptedAnswer(QID, vague, [])])
    plan = InterviewPlan(count=1, lang="en", forced=[QID])
    events = [e async for e in wired.interviewer(plan).events(source) if e.type != "token"]
    asked = next(e for e in events if isinstance(e, QuestionAsked))
    assert asked.references, "the retriever found no passage for the question"
    assert prompts, "no follow-up decision was asked of the model"
    by_id = wired.retriever.by_id
    for chunk_id in asked.references[:3]:
        assert f"[{chunk_id}]" in prompts[0]
        passage = " ".join(by_id[chunk_id].text.split())[:80]
        assert passage in " ".join(prompts[0].split())
