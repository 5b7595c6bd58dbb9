"""The agent's hard guards with a scripted model: follow-ups per question, repeats, covered key
points, the token budget, the turn limit, transport failures, and background grading."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import defaultdict
from typing import Any

import pytest

from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Fallback,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
)
from interviewer.agent.followup import LLMDecision, check_llm_decision, similar
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan, Reply
from interviewer.judge.coverage import Coverage, KeyPointCoverage
from interviewer.llm.errors import LLMError
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services

MISSING = re.compile(r"^- (\S+) — ", re.M)
CRITERIA = re.compile(r"## Criterion `([^`]+)`")
PERSONA_TARGET = re.compile(r"The point at issue: (.*)")
VAGUE = "I think it depends on the setup; there are trade-offs and it is a common pattern in practice."
QUESTIONS = ["llm-rope-vs-alibi", "llm-attention-from-scratch", "ml-adamw-weight-decay"]


def judge_reply(user: str, score: int = 2) -> dict[str, Any]:
    return {
        "criteria": [
            {"id": c, "reasoning": "partial", "evidence": [], "covered_key_points": [], "score": score}
            for c in CRITERIA.findall(user)
        ],
        "summary": "partial",
    }


class Script:
    """A scripted model that always wants a follow-up, each time on a key point it has not
    targeted yet for this question. ``question`` / ``persona`` fix the wording when given."""

    def __init__(self, question: str | None = None, persona: str | None = None, target: str | None = None) -> None:
        self.question = question
        self.persona = persona
        self.target = target
        self.used: dict[str, set[str]] = defaultdict(set)
        self.decisions = 0
        self.phrased = 0

    def __call__(self, messages: list[dict[str, str]], purpose: str) -> Any:
        user = messages[-1]["content"]
        if purpose == "follow_up":
            self.decisions += 1
            key = user.split("\n", 1)[0]
            fresh = [i for i in MISSING.findall(user) if i not in self.used[key]]
            target = self.target or (fresh[0] if fresh else "nothing")
            self.used[key].add(target)
            text = self.question or f"Decision {self.decisions}: how exactly does {target.replace('-', ' ')} work?"
            return {"reasoning": "not covered yet", "action": "follow_up", "key_point_id": target, "question": text}
        if purpose == "judge":
            return judge_reply(user)
        if purpose == "persona":  # phrasing a follow-up
            self.phrased += 1
            target = PERSONA_TARGET.search(user)
            return self.persona or f"Persona {self.phrased}: {target.group(1)[:60] if target else 'that'}?"
        assert purpose == "summary", purpose
        return "Summary: study more."


def answers(qids: list[str], follow_ups: int = 5) -> ScriptedAnswers:
    return ScriptedAnswers(
        [
            ScriptedAnswer(q, f"{VAGUE} ({q})", [f"{VAGUE} follow-up {k + 1} of {q}" for k in range(follow_ups)])
            for q in qids
        ]
    )


async def interview(
    services: Any, llm: Any, qids: list[str], *, follow_ups: int = 5, sinks: list[Any] | None = None
) -> tuple[list[Any], Services]:
    wired = Services(services.settings, llm=llm)
    source = answers(qids, follow_ups)
    plan = InterviewPlan(count=len(qids), lang="en", forced=list(qids))
    events = [e async for e in wired.interviewer(plan, sinks=sinks).events(source) if e.type != "token"]
    return events, wired


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def assert_no_answer_lost(events: list[Any], wired: Services) -> None:
    """Every answer the candidate gave is in the stored session, in order, and every answered question is graded."""
    given = [(e.question_id, e.follow_up_index, e.text) for e in of(events, AnswerReceived)]
    stored = wired.store.load(events[0].session_id)
    assert [(t.question_id, t.follow_up_index, t.text) for t in stored.turns if t.kind == "answer"] == given
    assert set(stored.grades) == {q for q, _, _ in given}
    assert isinstance(events[-1], SessionEnded)


# -- follow-ups per question ---------------------------------------------------------------------
@pytest.mark.parametrize("limit", [1, 2, 3])
async def test_follow_ups_are_capped_per_question(services: Any, limit: int) -> None:
    services.settings.max_follow_ups = limit
    llm = FakeLLM(default=Script())
    events, wired = await interview(services, llm, QUESTIONS[:2])
    for qid in QUESTIONS[:2]:
        asked = [e for e in of(events, FollowUpAsked) if e.question_id == qid]
        assert len(asked) == limit
        assert [e.follow_up_index for e in asked] == list(range(1, limit + 1))
        assert all(e.source == "llm" for e in asked)
    assert [c.reason for c in of(events, QuestionClosed)] == ["budget", "budget"]
    # once the follow-ups are used up, the model is not even asked
    assert sum(1 for c in llm.calls if c["purpose"] == "follow_up") == 2 * limit
    assert not of(events, Fallback)
    assert_no_answer_lost(events, wired)


# -- repeats -------------------------------------------------------------------------------------
async def test_a_repeated_follow_up_is_detected(services: Any) -> None:
    same = "Can you say more about how that works in practice?"
    llm = FakeLLM(default=Script(question=same, persona=same))
    events, wired = await interview(services, llm, QUESTIONS[:1])
    texts = [e.text for e in of(events, FollowUpAsked)]
    assert texts.count(same) == 1
    assert len(texts) == services.settings.max_follow_ups
    assert not any(similar(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :])
    fallbacks = [f for f in of(events, Fallback) if f.stage == "follow_up"]
    assert fallbacks and "repeated" in fallbacks[0].reason
    assert of(events, FollowUpAsked)[1].source in ("seed", "probe", "check")  # the offline engine's follow-up
    assert_no_answer_lost(events, wired)


async def test_a_persona_repeating_itself_keeps_the_decisions_wording(services: Any) -> None:
    persona = "Tell me more about that part of your answer."
    script = Script(persona=persona)
    events, _ = await interview(services, FakeLLM(default=script), QUESTIONS[:1])
    texts = [e.text for e in of(events, FollowUpAsked)]
    assert texts[0] == persona
    assert texts[1].startswith("Decision 2:")  # the persona's repeat was dropped, not asked twice
    assert [f.stage for f in of(events, Fallback)] == ["persona"]


async def test_the_same_key_point_is_not_probed_twice(services: Any) -> None:
    llm = FakeLLM(default=Script(target="rope-relative"))
    events, _ = await interview(services, llm, ["llm-rope-vs-alibi"])
    points = [e.key_point for e in of(events, FollowUpAsked)]
    assert points[0] == "rope-relative" and len(points) == len(set(points))
    assert any(f.stage == "follow_up" for f in of(events, Fallback))


# -- covered key points --------------------------------------------------------------------------
async def test_a_follow_up_on_a_covered_key_point_is_rejected(services: Any) -> None:
    question = services.bank.questions["llm-rope-vs-alibi"]
    answer = (
        "RoPE rotates each pair of query and key dimensions by an angle proportional to the position, so the "
        "dot product of q at m and k at n depends only on the relative offset m minus n: relative position "
        "encoding applied in an absolute way."
    )
    covered = [p.key_point.id for p in services.offline_judge.coverage(question, answer).covered()]
    assert covered, "the answer should cover at least one key point"
    llm = FakeLLM(default=Script(target=covered[0]))
    wired = Services(services.settings, llm=llm)
    source = ScriptedAnswers([ScriptedAnswer(question.id, answer, ["No idea.", "No idea."])])
    plan = InterviewPlan(count=1, lang="en", forced=[question.id])
    events = [e async for e in wired.interviewer(plan).events(source) if e.type != "token"]
    assert all(e.key_point != covered[0] for e in of(events, FollowUpAsked))
    assert all(e.source != "llm" for e in of(events, FollowUpAsked))
    reasons = [f.reason for f in of(events, Fallback) if f.stage == "follow_up"]
    assert reasons and "covered point" in reasons[0]


def test_check_llm_decision_guards(services: Any) -> None:
    question = services.bank.questions["llm-rope-vs-alibi"]
    points = [(c, k) for c, k in question.rubric.key_points()]
    coverage = Coverage(
        points=[KeyPointCoverage(c, k, 0.9 if i == 0 else 0.0, 0.0, [], None) for i, (c, k) in enumerate(points)]
    )
    covered_id, missing_id, other_id = points[0][1].id, points[1][1].id, points[2][1].id

    def decide(
        kp: str, text: str = "How is that computed?", asked: tuple[str, ...] = (), probed: set[str] | None = None
    ) -> Any:
        reply = LLMDecision(reasoning="r", action="follow_up", key_point_id=kp, question=text)
        return check_llm_decision(question, reply, coverage, list(asked), probed)

    ok = decide(missing_id)
    assert ok is not None and ok.key_point == missing_id and ok.source == "llm" and ok.criterion == points[1][0].id
    assert decide(covered_id) is None  # already covered
    assert decide("no-such-point") is None  # unknown
    assert decide(missing_id, text="   ") is None  # empty
    assert decide(missing_id, asked=("how is that computed",)) is None  # repeat
    assert decide(missing_id, probed={missing_id}) is None  # same point again
    assert decide(other_id, probed={missing_id}) is not None
    move_on = check_llm_decision(question, LLMDecision(reasoning="r", action="move_on"), coverage, [])
    assert move_on is not None and move_on.action == "move_on"


# -- token budget --------------------------------------------------------------------------------
async def test_token_budget_switches_to_offline(services: Any) -> None:
    services.settings.token_budget = 1000  # one decision prompt is already more than that
    llm = FakeLLM(default=Script())
    calls_at: dict[int, int] = {}

    def sink(event: Any) -> None:
        if isinstance(event, Fallback) and event.stage == "budget":
            calls_at[id(event)] = len(llm.calls)

    events, wired = await interview(services, llm, QUESTIONS[:3], sinks=[sink])
    budget = [f for f in of(events, Fallback) if f.stage == "budget"]
    assert len(budget) == 1 and "1000" in budget[0].reason
    assert len(llm.calls) == calls_at[id(budget[0])] <= 2  # nothing reaches the model after it
    assert llm.usage.total_tokens >= 1000
    # the rest ran offline: follow-ups from the offline engine, offline grades, an offline summary
    later = events[events.index(budget[0]) :]
    assert all(e.source != "llm" for e in of(later, FollowUpAsked))
    assert {g.grade.judge for g in of(events, AnswerGraded)} <= {"offline", "llm:fake"}
    assert events[-1].summary
    assert_no_answer_lost(events, wired)


async def test_token_budget_counts_this_session_only(services: Any) -> None:
    llm = FakeLLM(default=Script())
    llm.usage.add(10**6, 10**6, 0.0, "earlier sessions")  # an injected client shared across sessions
    events, _ = await interview(services, llm, QUESTIONS[:1])
    assert not [f for f in of(events, Fallback) if f.stage == "budget"]
    assert all(e.source == "llm" for e in of(events, FollowUpAsked))


async def test_the_token_budget_holds_across_resume(services: Any) -> None:
    services.settings.token_budget = 3000
    first_llm = FakeLLM(default=Script())
    wired = Services(services.settings, llm=first_llm)
    first = wired.interviewer(InterviewPlan(count=3, lang="en", forced=QUESTIONS[:3]))
    async with contextlib.aclosing(first.events(Always())) as stream:
        async for event in stream:
            if isinstance(event, FollowUpAsked):
                break  # the candidate quits after the first follow-up
    session = wired.store.load(first.session.id)
    spent = first_llm.usage.total_tokens
    assert 0 < session.tokens_used == spent  # stored with the events, so a resume knows
    # A fresh process (a fresh client, nothing spent yet) resumes a session that used its budget.
    services.settings.token_budget = spent
    resumed_llm = FakeLLM(default=Script())
    rewired = Services(services.settings, llm=resumed_llm)
    plan = InterviewPlan(count=session.count, lang=session.lang)
    events = [e async for e in rewired.interviewer(plan, session=session).events(Always()) if e.type != "token"]
    budget = [f for f in of(events, Fallback) if f.stage == "budget"]
    assert len(budget) == 1 and resumed_llm.calls == []  # nothing more reaches the model
    assert all(e.source != "llm" for e in of(events, FollowUpAsked))
    assert rewired.store.load(session.id).tokens_used == spent


# -- turn limit ----------------------------------------------------------------------------------
async def test_max_turns_ends_the_session(services: Any) -> None:
    services.settings.max_turns = 4  # question 1 + 2 follow-ups + question 2
    llm = FakeLLM(default=Script())
    events, wired = await interview(services, llm, QUESTIONS[:3])
    turns = of(events, QuestionAsked) + of(events, FollowUpAsked)
    assert len(turns) == 4
    assert [e.question_id for e in of(events, QuestionAsked)] == QUESTIONS[:2]
    closed = of(events, QuestionClosed)
    assert closed[-1].reason == "turn_limit" and closed[-1].question_id == QUESTIONS[1]
    ended = events[-1]
    assert isinstance(ended, SessionEnded) and ended.status == "completed"
    assert_no_answer_lost(events, wired)


async def test_the_turn_limit_closes_no_question_it_did_not_ask(services: Any) -> None:
    services.settings.max_turns = 3  # question 1 + its 2 follow-ups, then the limit
    events, wired = await interview(services, FakeLLM(default=Script()), QUESTIONS[:3])
    asked = {e.question_id for e in of(events, QuestionAsked)}
    assert asked == {QUESTIONS[0]}
    assert {c.question_id for c in of(events, QuestionClosed)} == asked
    assert_no_answer_lost(events, wired)


class Always:
    """An AnswerSource that answers everything, vaguely."""

    def __init__(self) -> None:
        self.n = 0

    async def reply(self, prompt: Any) -> Reply:
        self.n += 1
        return Reply("answer", f"{VAGUE} #{self.n}")


async def test_the_turn_limit_holds_across_resume(services: Any) -> None:
    services.settings.max_turns = 4
    wired = Services(services.settings, llm=FakeLLM(default=Script()))
    first = wired.interviewer(InterviewPlan(count=3, lang="en", forced=QUESTIONS[:3]))
    async with contextlib.aclosing(first.events(Always())) as stream:
        async for event in stream:
            if isinstance(event, FollowUpAsked):
                break  # the candidate quits after the first follow-up (2 turns used)
    session = wired.store.load(first.session.id)
    assert session.status == "active" and sum(t.role == "interviewer" for t in session.turns) == 2
    plan = InterviewPlan(count=session.count, lang=session.lang)
    events = [e async for e in wired.interviewer(plan, session=session).events(Always()) if e.type != "token"]
    assert isinstance(events[-1], SessionEnded)
    final = wired.store.load(session.id)
    assert sum(t.role == "interviewer" for t in final.turns) == 4
    assert final.status == "completed" and QUESTIONS[0] in final.grades


# -- transport failures --------------------------------------------------------------------------
async def test_repeated_transport_failures_switch_the_session_offline(services: Any) -> None:
    llm = FakeLLM(default=LLMError("timeout", "no reply in 1s"))
    events, wired = await interview(services, llm, QUESTIONS[:2])
    stages = [f.stage for f in of(events, Fallback)]
    assert stages.count("llm") == 1
    assert len(llm.calls) == 2  # two failed decisions, then nothing reaches the model
    assert all(e.source != "llm" for e in of(events, FollowUpAsked))
    assert {g.grade.judge for g in of(events, AnswerGraded)} == {"offline"}
    assert_no_answer_lost(events, wired)


async def test_invalid_replies_do_not_switch_the_session_offline(services: Any) -> None:
    llm = FakeLLM(default="I'd rather chat than output JSON.")
    events, wired = await interview(services, llm, QUESTIONS[:1])
    stages = [f.stage for f in of(events, Fallback)]
    assert "llm" not in stages and "follow_up" in stages and "judge" in stages
    assert sum(1 for c in llm.calls if c["purpose"] == "follow_up") == services.settings.max_follow_ups
    assert_no_answer_lost(events, wired)


# -- background grading --------------------------------------------------------------------------
class SlowJudge(FakeLLM):
    """The judge takes a while; everything else answers at once."""

    def __init__(self, judge_delay_s: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.judge_delay_s = judge_delay_s

    async def structured(self, messages: Any, schema: Any, **kwargs: Any) -> Any:
        if schema.__name__ == "JudgeReply":
            await asyncio.sleep(self.judge_delay_s)
        return await super().structured(messages, schema, **kwargs)


async def test_grading_runs_in_the_background(services: Any) -> None:
    llm = SlowJudge(1.5, default=Script())
    events, wired = await interview(services, llm, QUESTIONS[:2], follow_ups=0)
    asked_q2 = next(i for i, e in enumerate(events) if isinstance(e, QuestionAsked) and e.question_id == QUESTIONS[1])
    graded_q1 = next(i for i, e in enumerate(events) if isinstance(e, AnswerGraded) and e.question_id == QUESTIONS[0])
    assert asked_q2 < graded_q1  # the next question did not wait for the judge
    graded = of(events, AnswerGraded)
    assert {g.question_id for g in graded} == set(QUESTIONS[:2])
    assert {g.grade.judge for g in graded} == {"llm:fake"}
    assert all(events.index(g) < len(events) - 1 for g in graded)  # all before SessionEnded
    assert_no_answer_lost(events, wired)
