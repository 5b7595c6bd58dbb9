"""Follow-ups aimed at the due points of a practice session (issue 19): the offline decision, the
LLM guard and prompt, the loop, `practice --answers`, and a resumed practice session.

Unit tests build coverages by hand over real bank questions; the interviews run the real offline
judge over the real bank."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from interviewer.agent.events import FollowUpAsked, QuestionAsked, SessionStarted, parse_event
from interviewer.agent.followup import LLMDecision, check_llm_decision, offline_decision, open_targets
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.bank import load_bank
from interviewer.domain import Question, Session
from interviewer.judge.coverage import Coverage, FoundError, KeyPointCoverage
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services

RAG = "sd-rag-pipeline"
VAGUE = "I'd build a RAG system: embed the documents, put them in a vector DB and pass the top-k to the LLM."


@pytest.fixture(scope="module")
def bank() -> Any:
    return load_bank()


def coverage_of(question: Question, values: dict[str, float] | None = None, default: float = 0.0) -> Coverage:
    values = values or {}
    return Coverage(
        points=[
            KeyPointCoverage(c, k, values.get(k.id, default), 0.0, [], None) for c, k in question.rubric.key_points()
        ]
    )


# -- the offline decision --------------------------------------------------------------------------
def test_a_missed_target_is_asked_before_heavier_gaps(bank: Any) -> None:
    question = bank.questions[RAG]
    coverage = coverage_of(question)
    plain = offline_decision(question, coverage, [], set(), 2, "en", VAGUE)
    assert plain.key_point == "chunk-size-overlap"  # without targets: the heaviest gap first
    aimed = offline_decision(question, coverage, [], set(), 2, "en", VAGUE, targets=["context-ordering", "rrf"])
    assert aimed.action == "follow_up" and aimed.key_point == "context-ordering"  # the plan's order
    # the next one goes to the second target, then back to the ordinary gaps
    second = offline_decision(
        question, coverage, [aimed.text], {aimed.key_point}, 1, "en", VAGUE, targets=["context-ordering", "rrf"]
    )
    assert second.key_point == "rrf"
    third = offline_decision(
        question,
        coverage,
        [aimed.text, second.text],
        {"context-ordering", "rrf"},
        1,
        "en",
        VAGUE,
        targets=["context-ordering", "rrf"],
    )
    assert third.key_point == "chunk-size-overlap"


def test_a_strong_answer_that_missed_its_target_is_asked_about_it_not_moved_on(bank: Any) -> None:
    question = bank.questions[RAG]
    coverage = coverage_of(question, {"judge-calibration-online": 0.0}, default=0.95)
    assert coverage.ratio() >= 0.8
    plain = offline_decision(question, coverage, [], set(), 2, "en", "...", done={"deepen"})
    assert plain.action == "move_on"
    aimed = offline_decision(question, coverage, [], set(), 2, "en", "...", targets=["judge-calibration-online"])
    assert aimed.action == "follow_up" and aimed.key_point == "judge-calibration-online"
    assert aimed.source in ("seed", "probe")
    # a covered target is not asked: the strong answer gets its deepening question instead
    covered = offline_decision(question, coverage, [], set(), 2, "en", "...", targets=["rrf"])
    assert covered.source == "deepen"


def test_a_target_stated_wrongly_is_pushed_back_on_first(bank: Any) -> None:
    question = bank.questions[RAG]
    points = {k.id: (c, k) for c, k in question.rubric.key_points()}
    c1, k1 = points["chunk-size-overlap"]
    c2, k2 = points["rrf"]
    errors = [
        FoundError(c1, k1, "chunks are always 100 tokens with no overlap", "misconception", k1.misconceptions[0], "x"),
        FoundError(c2, k2, "RRF just adds the raw scores of both lists", "misconception", k2.misconceptions[0], "y"),
    ]
    coverage = coverage_of(question, default=0.5)
    coverage.errors = errors
    plain = offline_decision(question, coverage, [], set(), 2, "en", "...")
    assert plain.source == "challenge" and plain.key_point == "chunk-size-overlap"  # the judge's order
    aimed = offline_decision(question, coverage, [], set(), 2, "en", "...", targets=["rrf"])
    assert aimed.source == "challenge" and aimed.key_point == "rrf"
    # a target the answer covered but stated wrongly is still open after the push-back is used up
    coverage = coverage_of(question, default=0.95)
    coverage.errors = errors[1:]
    assert [p.key_point.id for p in open_targets(coverage, ["rrf", "ann-index"], set())] == ["rrf"]
    again = offline_decision(question, coverage, [], set(), 2, "en", "...", done={"challenge"}, targets=["rrf"])
    assert again.key_point == "rrf" and again.source in ("seed", "probe")


def test_targets_never_outrun_the_limits(bank: Any) -> None:
    question = bank.questions[RAG]
    coverage = coverage_of(question)
    targets = ["rrf", "context-ordering", "ann-index"]
    assert offline_decision(question, coverage, [], set(), 0, "en", VAGUE, targets=targets).action == "move_on"
    asked: list[str] = []
    probed: set[str] = set()
    for _ in range(20):  # every probe asked once: the decision runs out, never loops
        d = offline_decision(question, coverage, asked, probed, 5, "en", VAGUE, targets=targets)
        if d.action == "move_on":
            break
        assert d.key_point not in probed
        asked.append(d.text)
        probed.add(d.key_point)
    else:
        pytest.fail("the decision never moved on")
    assert {"rrf", "context-ordering", "ann-index"} <= probed
    # unknown ids (a question whose rubric changed since the plan) are ignored
    assert open_targets(coverage, ["gone", "rrf"], set())[0].key_point.id == "rrf"


def test_the_model_must_aim_at_an_open_target(bank: Any) -> None:
    question = bank.questions[RAG]
    coverage = coverage_of(question)
    elsewhere = LLMDecision(reasoning="r", action="follow_up", key_point_id="ann-index", question="Which ANN index?")
    on_target = LLMDecision(reasoning="r", action="follow_up", key_point_id="rrf", question="How do you merge lists?")
    leave = LLMDecision(reasoning="r", action="move_on")
    assert check_llm_decision(question, elsewhere, coverage, []) is not None
    assert check_llm_decision(question, elsewhere, coverage, [], set(), ["rrf"]) is None
    assert check_llm_decision(question, leave, coverage, [], set(), ["rrf"]) is None
    decision = check_llm_decision(question, on_target, coverage, [], set(), ["rrf"])
    assert decision is not None and decision.key_point == "rrf"
    # once the target is probed (or covered) the model is free again
    assert check_llm_decision(question, elsewhere, coverage, [], {"rrf"}, ["rrf"]) is not None
    assert check_llm_decision(question, elsewhere, coverage_of(question, {"rrf": 0.9}), [], set(), ["rrf"])


# -- the loop --------------------------------------------------------------------------------------
async def _follow_ups(services: Any, plan: InterviewPlan, answers: list[str]) -> list[FollowUpAsked]:
    source = ScriptedAnswers([ScriptedAnswer(RAG, answers[0], answers[1:])])
    return [e async for e in services.interviewer(plan).events(source) if isinstance(e, FollowUpAsked)]


async def test_the_interview_aims_its_follow_ups_at_the_targets(services: Any) -> None:
    answers = [VAGUE, "Not sure.", "No idea."]
    plain = await _follow_ups(services, InterviewPlan(count=1, lang="en", forced=[RAG]), answers)
    assert plain and plain[0].key_point != "context-ordering"
    plan = InterviewPlan(count=1, lang="zh", forced=[RAG], targets={RAG: ["context-ordering", "retrieval-metrics"]})
    aimed = await _follow_ups(services, plan, answers)
    assert [f.key_point for f in aimed] == ["context-ordering", "retrieval-metrics"]
    assert all(f.text for f in aimed)


async def test_the_model_sees_the_targets_and_is_overruled_when_it_ignores_them(services: Any) -> None:
    seen: list[str] = []

    def model(messages: list[dict[str, str]], purpose: str) -> Any:
        user = messages[-1]["content"]
        if purpose == "follow_up":
            seen.append(user)
            return {"reasoning": "r", "action": "follow_up", "key_point_id": "ann-index", "question": "Which index?"}
        if purpose == "judge":
            return {"criteria": [], "summary": "s"}
        return "How would you order the chunks in the prompt?"

    wired = Services(services.settings, llm=FakeLLM(default=model))
    plan = InterviewPlan(count=1, lang="en", forced=[RAG], targets={RAG: ["context-ordering"]})
    source = ScriptedAnswers([ScriptedAnswer(RAG, VAGUE, ["Not sure."])])
    events = [e async for e in wired.interviewer(plan).events(source) if e.type != "token"]
    assert seen and "Practice targets" in seen[0] and "context-ordering" in seen[0]
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert follow_ups[0].key_point == "context-ordering" and follow_ups[0].source != "llm"
    assert any(e.type == "fallback" and "due practice point" in e.reason for e in events)


class _Gone:
    """A candidate who never answers: the process dies while the question is on screen."""

    async def reply(self, prompt: Any) -> Any:
        await asyncio.Event().wait()


async def test_a_resumed_practice_session_keeps_its_targets(services: Any) -> None:
    targets = {RAG: ["context-ordering"]}
    plan = InterviewPlan(count=1, lang="en", forced=[RAG], targets=targets)
    events = services.interviewer(plan).events(_Gone())
    async for event in events:
        if isinstance(event, QuestionAsked):
            break
    await events.aclose()
    assert services.store.wait_saved(10)
    sid = services.store.sessions(limit=1)[0].id
    stored = services.store.events(sid)[0]
    assert isinstance(stored, SessionStarted) and stored.session.targets == targets
    session = services.store.load(sid)
    assert session.status == "active" and session.targets == targets

    # resumed the way the TUI resumes: a plan rebuilt from the session's row, without targets
    again = InterviewPlan(count=session.count, tracks=list(session.tracks), lang=session.lang)
    interviewer = services.interviewer(again, session=session)
    assert interviewer.plan.targets == targets
    source = ScriptedAnswers([ScriptedAnswer(RAG, VAGUE, ["Not sure."])])
    resumed = [e async for e in interviewer.events(source)]
    follow_ups = [e for e in resumed if isinstance(e, FollowUpAsked)]
    assert follow_ups and follow_ups[0].key_point == "context-ordering"
    assert services.store.load(sid).targets == targets


def test_a_session_stored_before_targets_existed_loads_without_them() -> None:
    old = Session(id="abcdef012345").model_dump(mode="json")
    del old["targets"]
    event = parse_event({"type": "session_started", "session_id": "abcdef012345", "session": old})
    assert isinstance(event, SessionStarted) and event.session.targets == {}


# -- `practice --answers` ----------------------------------------------------------------------------
def test_practice_answers_aim_the_follow_ups_at_the_due_points(
    indexed_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.cli import practice_cmd
    from interviewer.cli.main import main
    from interviewer.study.practice import PracticePlan

    plan = PracticePlan([RAG], {RAG: ["context-ordering", "retrieval-metrics"]})
    monkeypatch.setattr(practice_cmd, "practice_plan", lambda services, args: plan)
    answers = tmp_path / "a.yaml"
    answers.write_text(f'- answer: "{VAGUE}"\n  follow_ups: ["Not sure.", "No idea."]\n', encoding="utf-8")
    assert main(["practice", "--answers", str(answers), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["practice"]["questions"] == [{"question_id": RAG, "targets": ["context-ordering", "retrieval-metrics"]}]
    sid = out["session_id"]
    from interviewer.config import load_settings

    store = Services(load_settings()).store
    asked = [e for e in store.events(sid) if isinstance(e, FollowUpAsked)]
    assert [e.key_point for e in asked] == ["context-ordering", "retrieval-metrics"]
    assert store.load(sid).targets == plan.targets
