"""The interview agent, offline: questions, follow-ups aimed at gaps, guards, headless runs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml

from interviewer.agent.events import AnswerGraded, FollowUpAsked, QuestionAsked, QuestionClosed, SessionEnded
from interviewer.agent.headless import AnswersFileError, ScriptedAnswer, ScriptedAnswers, load_answers
from interviewer.agent.loop import InterviewPlan, Reply
from interviewer.agent.selection import Selector
from interviewer.cli.main import main

STRONG = (
    "RoPE rotates each pair of query and key dimensions by an angle proportional to position, so q at m dotted "
    "with k at n depends only on m minus n: a relative encoding. ALiBi adds a linear distance penalty with a "
    "per-head slope to the attention scores and extrapolates well. Llama prefers RoPE because it keeps attention "
    "expressive and can be stretched with position interpolation, NTK or YaRN, and a larger base like 500000."
)


class Recorder:
    def __init__(self, answers: list[str | None]) -> None:
        self.answers = list(answers)
        self.prompts: list[QuestionAsked | FollowUpAsked] = []

    async def reply(self, prompt: QuestionAsked | FollowUpAsked) -> Reply:
        self.prompts.append(prompt)
        if not self.answers:
            return Reply("end")
        text = self.answers.pop(0)
        return Reply("skip") if text is None else Reply("answer", text)


async def run(services, plan: InterviewPlan, source) -> list:
    events = []
    async for e in services.interviewer(plan).events(source):
        events.append(e)
    return events


async def test_vague_answer_gets_follow_ups_aimed_at_missing_points(services) -> None:
    src = Recorder(["Both encode positions; RoPE is newer.", "Not sure.", "No idea."])
    events = await run(services, InterviewPlan(count=1, forced=["llm-rope-vs-alibi"]), src)
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert 1 <= len(follow_ups) <= services.settings.max_follow_ups
    assert len({f.key_point for f in follow_ups}) == len(follow_ups)  # never the same point twice
    assert len({f.text for f in follow_ups}) == len(follow_ups)
    assert any(isinstance(e, AnswerGraded) for e in events)
    assert isinstance(events[-1], SessionEnded)


async def test_strong_answer_is_not_asked_about_what_it_covered(services) -> None:
    src = Recorder([STRONG, "Nothing to add.", "Nothing."])
    events = await run(services, InterviewPlan(count=1, forced=["llm-rope-vs-alibi"]), src)
    coverage = services.offline_judge.coverage(services.bank.questions["llm-rope-vs-alibi"], STRONG)
    covered = {p.key_point.id for p in coverage.covered()}
    for f in (e for e in events if isinstance(e, FollowUpAsked)):
        assert f.key_point not in covered


class GradeWaiter:
    """Takes its time over each question until the previous question's grade has arrived in the
    background (so the test does not depend on how fast this machine grades), passes on follow-ups."""

    def __init__(self, answer: str, interviewer, timeout_s: float = 60.0) -> None:
        self.answer, self.interviewer, self.timeout_s = answer, interviewer, timeout_s
        self.questions_seen = 0

    async def reply(self, prompt: QuestionAsked | FollowUpAsked) -> Reply:
        if isinstance(prompt, FollowUpAsked):
            return Reply("pass")
        self.questions_seen += 1
        waited = 0.0
        while len(self.interviewer.session.grades) < self.questions_seen - 1 and waited < self.timeout_s:
            await asyncio.sleep(0.05)
            waited += 0.05
        return Reply("answer", self.answer)


async def test_difficulty_adapts_to_grades_that_arrive_in_the_background(services) -> None:
    interviewer = services.interviewer(InterviewPlan(count=3))
    assert interviewer.selector.target_difficulty is None
    async for _ in interviewer.events(GradeWaiter("No idea, sorry.", interviewer)):
        pass
    # Q1's weak grade arrived while Q2 was being read: it steered the choice of Q3 (once), even
    # though Q2's own grade was still being computed when Q3 was chosen.
    assert interviewer.selector.target_difficulty == 2
    assert all(g.overall < 40 for g in interviewer.session.grades.values())


async def test_skip_and_end(services) -> None:
    src = Recorder([None])  # skip the first, then end
    events = await run(services, InterviewPlan(count=3, tracks=["coding"]), src)
    closed = [e for e in events if isinstance(e, QuestionClosed)]
    assert closed[0].reason == "skipped"
    assert isinstance(events[-1], SessionEnded)
    stored = services.store.load(events[0].session_id)
    assert [t.kind for t in stored.turns][:2] == ["question", "skip"]
    assert closed[-1].reason == "ended" and stored.status == "completed"


async def test_turn_limit_ends_the_session(services) -> None:
    services.settings.max_turns = 2
    src = Recorder(["vague"] * 20)
    events = await run(services, InterviewPlan(count=10), src)
    asked = [e for e in events if isinstance(e, QuestionAsked | FollowUpAsked)]
    assert len(asked) <= 2 and isinstance(events[-1], SessionEnded)


async def test_headless_answers_bind_to_question_ids(services) -> None:
    answers = [
        ScriptedAnswer("code-react-agent", "A loop of thought, action, observation.", ["I'd cap steps."]),
        ScriptedAnswer("ml-adamw-weight-decay", "AdamW decouples weight decay from the adaptive update."),
    ]
    src = ScriptedAnswers(answers)
    events = await run(services, InterviewPlan(count=2, forced=src.forced), src)
    asked = [e.question_id for e in events if isinstance(e, QuestionAsked)]
    assert asked == ["code-react-agent", "ml-adamw-weight-decay"]
    session = services.store.load(events[0].session_id)
    texts = [t.text for t in session.turns if t.kind == "answer"]
    assert "A loop of thought, action, observation." in texts and "I'd cap steps." in texts


def test_selector_tracks_difficulty_history_and_adaptation(services) -> None:
    qs = list(services.bank.questions.values())
    sel = Selector(qs, tracks=["coding"], difficulty=3, seed="x")
    first = sel.next([])
    assert first is not None and first.track == "coding"
    sel.adapt(90)
    assert sel.target_difficulty == 4
    sel.adapt(10)
    assert sel.target_difficulty == 3
    avoid = {q.id for q in qs if q.track == "coding"} - {"code-rag-framework"}
    assert Selector(qs, tracks=["coding"], avoid=avoid, seed="y").next([]).id == "code-rag-framework"  # type: ignore[union-attr]
    # Deterministic for a seed.
    assert Selector(qs, seed="s").next([]).id == Selector(qs, seed="s").next([]).id  # type: ignore[union-attr]


def test_answers_file_errors_name_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("- answer: ok\n- question: x\n  answer: [not, a, string]\n", encoding="utf-8")
    with pytest.raises(AnswersFileError, match=rf"{f}:3"):
        load_answers(f)


def test_run_cli_json_contract(services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "answers.yaml"
    f.write_text(
        yaml.safe_dump(
            [
                {"question": "llm-rope-vs-alibi", "answer": STRONG, "follow_ups": ["More on YaRN."]},
                {"answer": "I would batch requests and cache the KV.", "follow_ups": []},
            ]
        ),
        encoding="utf-8",
    )
    assert main(["run", "--answers", str(f), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"session_id", "overall", "questions"}
    assert len(data["questions"]) == 2
    q0 = data["questions"][0]
    assert set(q0) == {"question_id", "question", "answer", "follow_ups", "grade"}
    assert q0["question_id"] == "llm-rope-vs-alibi" and q0["answer"] == STRONG
    assert q0["grade"]["question_id"] == "llm-rope-vs-alibi"
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == data["session_id"]


def test_run_cli_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--answers", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


async def test_resume_grades_questions_whose_grading_was_cut_off(services) -> None:
    from interviewer.agent.events import AnswerReceived, SessionStarted
    from interviewer.domain import Session

    store = services.store
    session = Session(id="cutoff123456", lang="en", count=2, plan=[])
    store.record(SessionStarted(session_id=session.id, session=session))
    store.record(QuestionAsked(session_id=session.id, question_id="llm-rope-vs-alibi", index=1, total=2, text="q1"))
    store.record(AnswerReceived(session_id=session.id, question_id="llm-rope-vs-alibi", text=STRONG))
    store.record(QuestionClosed(session_id=session.id, question_id="llm-rope-vs-alibi", reason="covered"))
    store.record(QuestionAsked(session_id=session.id, question_id="code-react-agent", index=2, total=2, text="q2"))
    resumed = store.load(session.id)
    assert resumed.grades == {}
    interviewer = services.interviewer(InterviewPlan(count=2), session=resumed)
    graded = [
        e.question_id
        async for e in interviewer.events(Recorder(["A thought-action-observation loop."]))
        if isinstance(e, AnswerGraded)
    ]
    assert sorted(graded) == ["code-react-agent", "llm-rope-vs-alibi"]
    assert set(store.load(session.id).grades) == {"code-react-agent", "llm-rope-vs-alibi"}
