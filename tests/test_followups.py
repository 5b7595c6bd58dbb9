"""Follow-ups that listen: seeds only when the answer gives them their premise, human-written probes,
push-back on wrong claims, a harder question for a strong answer, nothing about what was handled.

Unit tests build coverages by hand over real bank questions; the scripted interviews run the real
offline judge over the real bank."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.agent.events import FollowUpAsked, QuestionClosed
from interviewer.agent.followup import (
    LLMDecision,
    check_llm_decision,
    deepening_text,
    offline_decision,
    probe_text,
    seed_fits,
    sure,
)
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.domain import FollowUpSeed, LocalizedText, Question, Terms
from interviewer.judge.coverage import Coverage, FoundError, KeyPointCoverage
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services

TEMPLATE_PROBES = ("You haven't touched on", "你还没有谈到")


def coverage_of(question: Question, values: dict[str, float] | None = None, default: float = 0.0) -> Coverage:
    values = values or {}
    return Coverage(
        points=[
            KeyPointCoverage(c, k, values.get(k.id, default), 0.0, [], None) for c, k in question.rubric.key_points()
        ]
    )


def point(question: Question, kp_id: str) -> tuple[Any, Any]:
    return next((c, k) for c, k in question.rubric.key_points() if k.id == kp_id)


def with_seeds(question: Question, seeds: list[FollowUpSeed]) -> Question:
    return question.model_copy(update={"follow_ups": seeds})


@pytest.fixture(scope="module")
def bank() -> Any:
    from interviewer.bank.loader import load_bank

    return load_bank()


# -- premises ------------------------------------------------------------------------------------
def test_a_seed_about_a_design_never_proposed_is_not_asked(bank: Any) -> None:
    """Issue 15: a vague RAG answer never mentioned BM25, yet was asked how to merge BM25 and cosine scores."""
    question = bank.questions["sd-rag-pipeline"]
    answer = "I'd build a RAG system: embed the documents, put them in a vector DB and pass the top-k to the LLM."
    asked: list[str] = []
    probed: set[str] = set()
    for remaining in (3, 2, 1):
        decision = offline_decision(question, coverage_of(question), asked, probed, remaining, "en", answer)
        assert decision.action == "follow_up"
        assert decision.source == "probe"  # no seed's premise is in the answer
        assert "BM25 scores" not in decision.text
        asked.append(decision.text)
        probed.add(decision.key_point)
    # the first question is about the basics, not a detail
    assert probed == {"chunk-size-overlap", "structure-aware", "hybrid-bm25-dense"}


def test_a_seed_is_asked_once_the_answer_touched_its_point(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    answer = "BM25 and dense retrieval run side by side, then I merge them somehow."
    coverage = coverage_of(question, {"rrf": 0.3}, default=0.6)
    decision = offline_decision(question, coverage, [], set(), 2, "en", answer)
    assert decision.source == "seed" and decision.key_point == "rrf"
    assert decision.text.startswith("BM25 scores and cosine similarities")


def test_requires_declares_what_a_seed_builds_on(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    merge = FollowUpSeed(
        criterion="hybrid-rerank",
        key_point="rrf",
        text=LocalizedText(zh="两路结果怎么合并？", en="How do you merge the BM25 and dense result lists?"),
        requires=Terms(en=["bm25", "hybrid"], zh=["混合检索"]),
    )
    anywhere = FollowUpSeed(
        criterion="vector-store",
        key_point="store-selection",
        text=LocalizedText(zh="语料涨到一亿块怎么办？", en="The corpus grows to 100M chunks. What changes?"),
        requires=Terms(),
    )
    q = with_seeds(question, [merge, anywhere])
    coverage = coverage_of(q)  # nothing touched: only the declared terms count
    assert seed_fits(merge, coverage, "We'd add BM25 next to the embeddings.")
    assert seed_fits(merge, coverage, "我们会做混合检索。")
    assert not seed_fits(merge, coverage, "I'd use a vector DB.")
    assert seed_fits(anywhere, coverage, "anything at all")  # empty requires: presupposes nothing
    touched = coverage_of(q, {"rrf": 0.4})
    assert not seed_fits(merge, touched, "I'd use a vector DB.")  # declared terms win over the derived rule
    decision = offline_decision(q, coverage, [], set(), 2, "en", "I'd use a vector DB.")
    assert decision.text != merge.text.en


def test_no_template_probe_reads_as_machine_made(bank: Any) -> None:
    for question in bank.questions.values():
        for c, k in question.rubric.key_points():
            for lang in ("en", "zh"):
                text = probe_text(KeyPointCoverage(c, k, 0.0, 0.0, [], None), lang)
                assert text and not text.startswith(TEMPLATE_PROBES)
                if k.probe is not None:
                    assert text == k.probe.get(lang)


def test_no_seed_or_probe_is_aimed_at_a_covered_point(bank: Any) -> None:
    """Issue 15: the answer said it returns "I don't know" on empty retrieval and was asked what it outputs then."""
    question = bank.questions["code-rag-framework"]
    coverage = coverage_of(question, {"empty-retrieval": 0.7, "grounded-prompt": 1.0}, default=0.3)
    asked: list[str] = []
    probed: set[str] = set()
    for remaining in (4, 3, 2, 1):
        decision = offline_decision(question, coverage, asked, probed, remaining, "en", "…")
        assert decision.key_point not in {"empty-retrieval", "grounded-prompt"}
        assert "does not cover" not in decision.text
        asked.append(decision.text)
        probed.add(decision.key_point)


# -- push-back -----------------------------------------------------------------------------------
def _rope_error(question: Question, detail: str) -> FoundError:
    c, k = point(question, "rope-relative")
    m = next(m for m in k.misconceptions)
    return FoundError(
        c, k, "RoPE only encodes absolute position, like learned embeddings do.", "misconception", m, detail
    )


def test_a_wrong_claim_is_challenged_first_without_giving_the_answer(bank: Any) -> None:
    question = bank.questions["llm-rope-vs-alibi"]
    error = _rope_error(question, "only encodes absolute position")
    coverage = coverage_of(question, {"rope-rotation": 0.6})
    coverage.errors = [error]
    first = offline_decision(question, coverage, [], set(), 2, "en", error.quote)
    assert first.source == "challenge" and first.key_point == "rope-relative"
    assert first.text.startswith('You said "RoPE only encodes absolute position')
    assert "walk me through why" in first.text
    assert error.misconception is not None
    assert error.misconception.correction.en not in first.text
    # then it moves on to other points: one push-back per question
    second = offline_decision(question, coverage, [first.text], {first.key_point}, 1, "en", error.quote, {"challenge"})
    assert second.source != "challenge" and second.key_point != "rope-relative"
    zh = offline_decision(question, coverage, [], set(), 2, "zh", error.quote)
    assert zh.text.startswith("你刚才说“RoPE only encodes absolute position")


def test_only_clear_errors_are_said_back(bank: Any) -> None:
    """A claim matched by meaning alone lowers the grade, but a correct sentence must never be challenged."""
    question = bank.questions["llm-rope-vs-alibi"]
    by_meaning = _rope_error(question, "")
    assert not sure(by_meaning)
    assert sure(_rope_error(question, "only encodes absolute position"))
    c, k = point(question, "rope-relative")
    assert sure(FoundError(c, k, "we had no relative position at all", "negation", None, "relative position"))
    far = FoundError(
        c, k, "so I don't have to reconcile the relative position scales", "negation", None, "relative position"
    )
    assert not sure(far)
    coverage = coverage_of(question)
    coverage.errors = [by_meaning, far]
    assert offline_decision(question, coverage, [], set(), 2, "en", "…").source != "challenge"


# -- strong answers --------------------------------------------------------------------------------
def test_a_strong_answer_is_pushed_harder_once(bank: Any) -> None:
    question = bank.questions["llm-rope-vs-alibi"]
    coverage = coverage_of(question, {"rope-ecosystem": 0.55}, default=0.95)
    first = offline_decision(question, coverage, [], set(), 2, "en", "…")
    assert first.action == "follow_up" and first.source == "deepen"
    second = offline_decision(question, coverage, [first.text], {first.key_point}, 1, "en", "…", {"deepen"})
    assert second.action == "move_on" and second.reason == "covered"


@pytest.mark.parametrize("qid", ["llm-rope-vs-alibi", "sd-rag-pipeline", "beh-hardest-prod-incident", "coding"])
def test_deepening_questions_read_naturally(bank: Any, qid: str) -> None:
    questions = [q for q in bank.questions.values() if q.id == qid or q.track == qid]
    question = questions[0]
    for criterion in question.rubric.criteria:
        for lang in ("en", "zh"):
            text = deepening_text(question, criterion, lang)
            assert text.endswith(("?", "？", "Take me there.")) and "{" not in text
            assert ("  " not in text) and ("..." not in text)


# -- the model's choice ----------------------------------------------------------------------------
def test_the_model_may_push_a_strong_answer_on_a_covered_point(bank: Any) -> None:
    question = bank.questions["llm-rope-vs-alibi"]
    reply = LLMDecision(reasoning="r", action="follow_up", key_point_id="rope-rotation", question="Derive it?")
    weak = coverage_of(question, {"rope-rotation": 0.9})
    assert check_llm_decision(question, reply, weak, []) is None
    strong = coverage_of(question, default=0.9)
    decision = check_llm_decision(question, reply, strong, [])
    assert decision is not None and decision.key_point == "rope-rotation"
    assert check_llm_decision(question, reply, strong, [], {"rope-rotation"}) is None


async def test_the_model_sees_wrong_claims_and_covered_points(services: Any) -> None:
    seen: list[str] = []

    def model(messages: list[dict[str, str]], purpose: str) -> Any:
        user = messages[-1]["content"]
        seen.append(user)
        if purpose == "follow_up":
            return {
                "reasoning": "wrong claim",
                "action": "follow_up",
                "key_point_id": "rope-relative",
                "question": "Why?",
            }
        if purpose == "judge":
            return {"criteria": [], "summary": "s"}
        return "You said RoPE only encodes absolute position. What happens when both tokens shift by 1000?"

    wired = Services(services.settings, llm=FakeLLM(default=model))
    answer = "RoPE only encodes absolute position. ALiBi adds a linear bias to the attention scores."
    source = ScriptedAnswers([ScriptedAnswer("llm-rope-vs-alibi", answer, ["Not sure."])])
    plan = InterviewPlan(count=1, lang="en", forced=["llm-rope-vs-alibi"])
    events = [e async for e in wired.interviewer(plan).events(source) if e.type != "token"]
    decision = next(u for u in seen if "Key points still missing" in u)
    assert "Wrong claims found in the answers" in decision and "RoPE only encodes absolute position" in decision
    covered = decision.split("Key points already covered")[1].split("Wrong claims")[0]
    assert "- alibi-bias: " in covered and '(they said: "ALiBi adds a linear bias' in covered  # with its evidence
    notes = decision.split("Reference notes")[1].split("Follow-ups already asked")[0]
    assert "[positional-encoding-rope-alibi::" in notes  # the retrieved notes, to judge by
    persona = next(u for u in seen if "The candidate said something wrong" in u)
    assert "never say it" in persona
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert follow_ups and follow_ups[0].source == "llm" and follow_ups[0].key_point == "rope-relative"


# -- scripted offline interviews over the real judge ----------------------------------------------
async def _interview(services: Any, qid: str, answers: list[str], lang: str = "en") -> list[Any]:
    source = ScriptedAnswers([ScriptedAnswer(qid, answers[0], answers[1:])])
    plan = InterviewPlan(count=1, lang=lang, forced=[qid])  # type: ignore[arg-type]
    return [e async for e in services.interviewer(plan).events(source)]


async def test_scripted_interview_asks_no_seed_whose_premise_is_absent(services: Any) -> None:
    cases = {
        "sd-rag-pipeline": "I'd use a vector DB and retrieve the top chunks for the LLM.",
        "train-qlora-internals": "I'd use a vector DB.",
    }
    for qid, answer in cases.items():
        question = services.bank.questions[qid]
        events = await _interview(services, qid, [answer, "Not sure.", "No idea."])
        follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
        assert follow_ups, qid
        coverage = services.offline_judge.coverage(question, answer, fine=False)
        for f in follow_ups:
            assert not f.text.startswith(TEMPLATE_PROBES)
            for seed in question.follow_ups:
                if f.text == seed.text.en:
                    assert seed_fits(seed, coverage, answer), f"{qid}: {f.text}"
        texts = " ".join(f.text for f in follow_ups)
        assert "BM25 scores and cosine similarities" not in texts
        assert "before and after double quantization" not in texts


async def test_scripted_interview_pushes_a_strong_answer_harder(services: Any) -> None:
    question = services.bank.questions["sd-rag-pipeline"]
    strong = " ".join(k.text.en.rstrip(".") + "." for _, k in question.rubric.key_points())  # every key point
    coverage = services.offline_judge.coverage(question, strong, fine=False)
    assert coverage.ratio() >= 0.8 and not coverage.errors
    events = await _interview(services, question.id, [strong, "I'd rewrite queries and cap rerank depth.", "No."])
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert len(follow_ups) == 1 and follow_ups[0].source == "deepen"
    closed = [e for e in events if isinstance(e, QuestionClosed)]
    assert closed and closed[0].reason == "covered"


async def test_scripted_interview_challenges_a_wrong_claim(services: Any) -> None:
    answer = "RoPE only encodes absolute position. ALiBi adds a bias to the attention scores."
    events = await _interview(services, "llm-rope-vs-alibi", [answer, "Hm, not sure.", "No idea."], lang="zh")
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert follow_ups[0].source == "challenge" and follow_ups[0].text.startswith("你刚才说“RoPE only encodes")
    assert all(f.source != "challenge" for f in follow_ups[1:])
