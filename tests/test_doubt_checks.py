"""Doubt checks: when a sentence leans towards a misconception the offline judge cannot call an error,
the interviewer puts the misconception to the candidate, and a reply that agrees with it is graded as
stating it (issue 12: the grade follows what an answer claims, not which topics it touches).

The replies are written the way candidates answer a "do you agree?" in an interview: a word first,
then a reason, in either language; hedged ones decide nothing."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.agent.events import AnswerGraded, FollowUpAsked
from interviewer.agent.followup import offline_decision
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.judge.checks import check_text, checked, first_sentence, verdict
from interviewer.judge.coverage import Coverage, Doubt, KeyPointCoverage


def misconception(question: Any, mid: str) -> tuple[Any, Any, Any]:
    return next((c, k, m) for c, k in question.rubric.key_points() for m in k.misconceptions if m.id == mid)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("同意，每个子智能体的上下文都很短，所以总的 token 更少。", "agree"),
        ("我同意这个说法。", "agree"),
        ("对，FSDP 确实切不开 70B，只能上 Megatron。", "agree"),
        ("同意，这样就不会有问题。", "agree"),  # a "问题" later in the sentence rejects nothing
        ("是的", "agree"),
        ("不同意。多智能体的总 token 消耗通常是单智能体的好几倍。", "disagree"),
        ("这个说法不对，json_object 只保证语法合法。", "disagree"),
        ("不太对，ReWOO 没有重新规划的环节。", "disagree"),
        ("我不这么认为：检索回来的文档同样可能带注入。", "disagree"),
        ("部分同意，但要看场景。", None),
        ("对也不对，要看任务能不能拆开。", None),
        ("同意一半。", None),
        ("Yes and no.", None),
        ("Mostly, for read-heavy traffic.", None),
        ("I'd agree only if the subagents never share context.", None),
        ("看情况吧，取决于任务能不能并行。", None),
        ("Yes — each subagent's context is short, so it is cheaper overall.", "agree"),
        ("I agree. The Solver can replan when a tool fails.", "agree"),
        ("Right, that's why we moved chat traffic there.", "agree"),
        ("No. Multi-agent runs cost about 15x the tokens of a chat.", "disagree"),
        ("That's a common misconception: JSON mode only guarantees valid JSON.", "disagree"),
        ("Not quite, ReWOO never sees the results before it plans.", "disagree"),
        ("Absolutely not.", "disagree"),
        ("Yes, but only for offline jobs.", None),
        ("It depends on the workload.", None),
        ("Hmm, I'm not sure.", None),
        ("", None),
    ],
)
def test_a_reply_agrees_rejects_or_decides_nothing(reply: str, expected: str | None) -> None:
    assert verdict(reply) == expected


def test_the_quote_of_a_reply_is_its_first_sentence_verbatim() -> None:
    reply = "同意。每个子智能体上下文短，加起来就省。"
    assert first_sentence(reply) == "同意。" and first_sentence(reply) in reply
    assert first_sentence("Yes, e.g. 3.5 times cheaper. Then more.") == "Yes, e.g. 3.5 times cheaper."


def test_a_check_names_its_misconception_in_either_language(services: Any) -> None:
    question = services.bank.questions["sd-multi-agent-system"]
    _, kp, m = misconception(question, "multi-agent-cheaper")
    for lang in ("zh", "en"):
        found = checked(question, check_text(m, lang))
        assert found is not None and found[1] is kp and found[2] is m
    assert checked(question, "How would you decide when to stop the agents?") is None
    assert checked(question, "") is None


def test_the_interviewer_checks_the_claim_an_answer_leans_to(services: Any) -> None:
    question = services.bank.questions["sd-multi-agent-system"]
    c, k, m = misconception(question, "multi-agent-cheaper")
    points = [KeyPointCoverage(cc, kk, 0.6, 0.0, [], None) for cc, kk in question.rubric.key_points()]
    doubt = Doubt(c, k, m, "总的 token 反而比单 agent 少。", 0.03)
    coverage = Coverage(points, 0.9, [], [doubt])
    decision = offline_decision(question, coverage, [], set(), 2, "zh", "", ())
    assert decision.source == "check" and decision.key_point == k.id
    assert decision.text == check_text(m, "zh") and "多智能体更省 token" in decision.text
    # once per question, never on a point already probed, and never for an answer that says next to nothing
    assert offline_decision(question, coverage, [], set(), 2, "zh", "", {"check"}).source != "check"
    assert offline_decision(question, coverage, [], {k.id}, 2, "zh", "", ()).source != "check"
    empty = Coverage([KeyPointCoverage(cc, kk, 0.0, 0.0, [], None) for cc, kk in question.rubric.key_points()])
    empty.doubts = [doubt]
    assert offline_decision(question, empty, [], set(), 2, "zh", "", ()).source != "check"


ANSWER_ZH = (
    "多 agent 的好处是每个 subagent 只看一小段上下文，总的 token 反而比单 agent 少。"
    "lead agent 负责拆任务、派给 subagent 并行跑，最后汇总。辩论的时候几个 agent 先各自回答，再互相批评，最后投票。"
)


def test_the_judge_reads_a_leaning_sentence_as_a_doubt_not_an_error(services: Any) -> None:
    question = services.bank.questions["sd-multi-agent-system"]
    coverage = services.offline_judge.coverage(question, ANSWER_ZH, fine=False)
    assert not coverage.errors
    assert [d.misconception.id for d in coverage.doubts][:1] == ["multi-agent-cheaper"]


@pytest.mark.parametrize(
    ("reply", "agreed"),
    [
        ("同意，每个子智能体的上下文短，加起来自然更省。", True),
        ("不同意，多智能体的 token 一般是单智能体的好几倍，只适合高价值任务。", False),
    ],
)
async def test_agreeing_with_the_claim_put_to_the_candidate_is_a_wrong_claim(
    services: Any, reply: str, agreed: bool
) -> None:
    qid = "sd-multi-agent-system"
    source = ScriptedAnswers([ScriptedAnswer(qid, ANSWER_ZH, [reply, "不太清楚。"])])
    plan = InterviewPlan(count=1, lang="zh", forced=[qid])
    events = [e async for e in services.interviewer(plan).events(source)]
    asked = [e for e in events if isinstance(e, FollowUpAsked)]
    assert asked and asked[0].source == "check", [(e.source, e.text) for e in asked]
    grade = next(e.grade for e in events if isinstance(e, AnswerGraded))
    found = [e for e in grade.errors if e.kind == "agreed"]
    if agreed:
        assert [e.misconception for e in found] == ["multi-agent-cheaper"]
        error = found[0]
        assert error.quote == "同意，每个子智能体的上下文短，加起来自然更省。"
        assert "多智能体更省 token" in error.correction and error.reference
        score = next(c.score for c in grade.criteria if c.id == error.criterion)
        assert score == 0
    else:
        assert not found


def test_agreeing_costs_the_point_and_rejecting_clears_the_claim_the_reply_repeats(services: Any) -> None:
    """Graded from the transcript alone (as a rescore does): the follow-up quotes the misconception."""
    judge = services.offline_judge
    question = services.bank.questions["sd-multi-agent-system"]
    _, _, m = misconception(question, "multi-agent-cheaper")
    ask = check_text(m, "zh")
    yes = "同意，每个子智能体的上下文短，加起来自然更省。"
    no = "不同意。多智能体更省 token 只是看单个子智能体，加起来是好几倍。"
    plain = judge.grade(question, f"{ANSWER_ZH}\n\n{yes}", "zh")
    checked_yes = judge.grade(question, f"{ANSWER_ZH}\n\n{yes}", "zh", [(question.prompt("zh"), ANSWER_ZH), (ask, yes)])
    assert not any(e.kind == "agreed" for e in plain.errors)
    assert any(e.kind == "agreed" for e in checked_yes.errors)
    assert checked_yes.overall < plain.overall
    # the reply that rejects the claim restates it: without the exchange that reads as stating it
    said_no = f"{ANSWER_ZH}\n\n{no}"
    bare = judge.grade(question, said_no, "zh")
    assert any(e.misconception == "multi-agent-cheaper" for e in bare.errors), bare.errors
    checked_no = judge.grade(question, said_no, "zh", [(question.prompt("zh"), ANSWER_ZH), (ask, no)])
    assert not any(e.misconception == "multi-agent-cheaper" for e in checked_no.errors)
    assert checked_no.overall >= bare.overall


def test_a_rescore_reads_the_replies_to_claim_checks(indexed_home: Any, tmp_path: Any, capsys: Any) -> None:
    """`interviewer rescore` grades from the stored transcript, follow-ups included: the agreement
    stays a wrong claim (it once graded the joined answers alone)."""
    import json

    from interviewer import paths
    from interviewer.cli.main import main
    from interviewer.store.db import Store

    answers = tmp_path / "answers.yaml"
    answers.write_text(
        json.dumps(
            [
                {
                    "question": "sd-multi-agent-system",
                    "answer": ANSWER_ZH,
                    "follow_ups": ["同意，每个子智能体的上下文短，加起来自然更省。", "不太清楚。"],
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert main(["run", "--answers", str(answers), "--json", "--count", "1", "--lang", "zh"]) == 0
    sid = json.loads(capsys.readouterr().out)["session_id"]

    def agreed() -> list[str]:
        store = Store(paths.db_file())
        try:
            grade = store.load(sid).grades["sd-multi-agent-system"]
        finally:
            store.close()
        return [e.misconception or "" for e in grade.errors if e.kind == "agreed"]

    assert agreed() == ["multi-agent-cheaper"]
    assert main(["rescore", sid, "--model", "", "--json"]) == 0
    capsys.readouterr()
    assert agreed() == ["multi-agent-cheaper"]


# -- what the grade reports of its doubts (Grade.unverified) ------------------------------------------------
@pytest.fixture
def every_doubt_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A grade lists every doubt past LEAN in either language: these tests are about how a listed doubt is
    reported, and ANSWER_ZH's doubt leans 0.027, under the bar a grade lists doubts at (SHOWN_LEAN)."""
    from interviewer.judge import doubts

    monkeypatch.setattr(doubts, "SHOWN_LEAN", {"zh": doubts.LEAN, "en": doubts.LEAN})


def test_a_grade_lists_only_doubts_that_lean_past_the_bar_for_their_language(services: Any) -> None:
    # e5's lean tells a wrong Chinese sentence from a true one only past 0.06, and an English one not at all
    # (evals/research/claim_probes): a doubt under the bar leads a doubt check, but the grade does not list it
    from interviewer.judge import doubts

    judge = services.offline_judge
    question = services.bank.questions["sd-multi-agent-system"]
    [doubt] = [
        d for d in judge.coverage(question, ANSWER_ZH).open_doubts() if d.misconception.id == "multi-agent-cheaper"
    ]
    assert doubts.LEAN < doubt.margin < doubts.SHOWN_LEAN["zh"]
    assert judge.grade(question, ANSWER_ZH, "zh").unverified == []
    assert doubts.SHOWN_LEAN["en"] is None
    english = services.bank.questions["llm-preference-optimization"]
    answer = (
        "DPO skips the reward model and RL entirely: it shows the optimal KL-regularised policy can be written in "
        "closed form, so you train directly on (chosen, rejected) pairs with a logistic loss on the log-ratio "
        "differences against a frozen reference."
    )
    assert judge.coverage(english, answer).open_doubts() and judge.grade(english, answer, "en").unverified == []


@pytest.mark.usefixtures("every_doubt_listed")
def test_a_grade_reports_the_sentence_it_could_not_verify_and_deducts_nothing(services: Any) -> None:
    judge = services.offline_judge
    question = services.bank.questions["sd-multi-agent-system"]
    grade = judge.grade(question, ANSWER_ZH, "zh")
    assert not grade.errors
    [first, *_] = grade.unverified
    assert first.misconception == "multi-agent-cheaper" and first.quote in ANSWER_ZH
    _, _, m = misconception(question, "multi-agent-cheaper")
    assert first.claim == m.text.zh.rstrip("。") and first.correction == m.correction.zh and first.reference
    public = grade.public()
    assert public["unverified"][0]["quote"] == first.quote and set(public["unverified"][0]) == {
        "criterion",
        "key_point",
        "quote",
        "claim",
        "correction",
        "reference",
    }
    # a lead, not a verdict: the same answer without the leaning sentence scores no higher
    rest = ANSWER_ZH.split("。", 1)[1]
    assert judge.grade(question, rest, "zh").overall <= grade.overall


@pytest.mark.usefixtures("every_doubt_listed")
@pytest.mark.parametrize("reply", ["同意，每个子智能体的上下文短，加起来自然更省。", "不同意，加起来是好几倍。"])
def test_a_doubt_the_candidate_answered_is_no_longer_unverified(services: Any, reply: str) -> None:
    judge = services.offline_judge
    question = services.bank.questions["sd-multi-agent-system"]
    _, _, m = misconception(question, "multi-agent-cheaper")
    exchanges = [(question.prompt("zh"), ANSWER_ZH), (check_text(m, "zh"), reply)]
    grade = judge.grade(question, f"{ANSWER_ZH}\n\n{reply}", "zh", exchanges)
    assert "multi-agent-cheaper" not in [d.misconception for d in grade.unverified]
    hedged = [(question.prompt("zh"), ANSWER_ZH), (check_text(m, "zh"), "看情况吧。")]
    still = judge.grade(question, f"{ANSWER_ZH}\n\n看情况吧。", "zh", hedged)
    assert "multi-agent-cheaper" in [d.misconception for d in still.unverified]


@pytest.mark.usefixtures("every_doubt_listed")
def test_reports_and_the_feedback_show_unverified_sentences_apart_from_errors(services: Any) -> None:
    from interviewer.domain import Session, Turn
    from interviewer.report import grade_lines, transcript_html, transcript_markdown
    from interviewer.tui import format as fmt

    question = services.bank.questions["sd-multi-agent-system"]
    grade = services.offline_judge.grade(question, ANSWER_ZH, "zh")
    doubt = grade.unverified[0]
    text = "\n".join(grade_lines(grade, question, "zh", services.bank))
    assert "值得核对（不扣分）" in text and doubt.quote in text and doubt.correction in text
    assert "错误说法" not in text
    screen = fmt.unverified_claims(grade.unverified, "zh").plain
    assert doubt.quote in screen and doubt.claim in screen
    assert fmt.unverified_claims([], "zh").plain == ""
    session = Session(id="s1", lang="zh", tracks=[question.track], count=1)
    session.turns += [
        Turn(question_id=question.id, role="interviewer", kind="question", text=question.prompt("zh")),
        Turn(question_id=question.id, role="candidate", kind="answer", text=ANSWER_ZH),
    ]
    session.grades[question.id] = grade
    for export in (transcript_markdown(session, services.bank), transcript_html(session, services.bank)):
        assert "值得核对（不扣分）" in export and doubt.correction in export


def test_a_model_may_check_a_covered_point_only_when_a_sentence_about_it_is_in_doubt(services: Any) -> None:
    from interviewer.agent.followup import LLMDecision, check_llm_decision

    question = services.bank.questions["sd-multi-agent-system"]
    coverage = services.offline_judge.coverage(question, ANSWER_ZH, fine=False)
    doubt = coverage.doubts[0]
    # the doubted point covered, every other one missed: an answer with gaps left, not a strong one
    points = [
        KeyPointCoverage(p.criterion, p.key_point, 1.0 if p.key_point is doubt.key_point else 0.0, 0.0, [], None)
        for p in coverage.points
    ]
    ask = LLMDecision(
        reasoning="check the claim",
        action="follow_up",
        key_point_id=doubt.key_point.id,
        question="为什么加起来会更省？",
    )
    decision = check_llm_decision(question, ask, Coverage(points, coverage.relevance, [], [doubt]), [])
    assert decision is not None and decision.key_point == doubt.key_point.id
    assert check_llm_decision(question, ask, Coverage(points, coverage.relevance, [], []), []) is None


def test_the_model_deciding_follow_ups_is_shown_the_sentences_in_doubt() -> None:
    from interviewer.llm.prompts import messages

    for lang, word in (("en", "resembles"), ("zh", "相近的误解")):
        kwargs: dict[str, Any] = dict(
            question="Q",
            track="system_design",
            difficulty=3,
            missing=[],
            covered=[],
            errors=[],
            targets=[],
            strong=False,
            asked=[],
            remaining=1,
            references=[],
            answers=["A"],
        )
        shown = messages(
            "follow_up", lang, doubts=[{"id": "kp", "quote": "总的 token 更少", "claim": "多智能体更省"}], **kwargs
        )
        assert "总的 token 更少" in shown[-1]["content"] and word in shown[-1]["content"]
        assert word not in messages("follow_up", lang, doubts=[], **kwargs)[-1]["content"]


@pytest.mark.usefixtures("every_doubt_listed")
async def test_the_feedback_screen_shows_unverified_sentences_below_the_wrong_claims(services: Any) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Static

    from interviewer.domain import ClaimError, Session, Turn
    from interviewer.tui.screens.feedback import Catalog, QuestionFeedback

    qid = "sd-multi-agent-system"
    question = services.bank.questions[qid]
    grade = services.offline_judge.grade(question, ANSWER_ZH, "zh")
    doubt = grade.unverified[0]
    wrong = ClaimError(criterion=doubt.criterion, key_point="x", quote="辩论", correction="c", reference="")
    grade = grade.model_copy(update={"errors": [wrong]})
    session = Session(id="s-unv", lang="zh", tracks=[question.track], count=1)
    session.turns += [
        Turn(question_id=qid, role="interviewer", kind="question", text=question.prompt("zh")),
        Turn(question_id=qid, role="candidate", kind="answer", text=ANSWER_ZH),
    ]
    session.grades[qid] = grade

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield QuestionFeedback(1, qid, session, Catalog(services.bank, None))

    async with One().run_test(size=(120, 40)) as pilot:
        box = pilot.app.query_one(QuestionFeedback)
        shown = str(box.query_one(".fb-unverified", Static).render())
        assert "值得核对（不扣分）" in shown and doubt.quote[:20] in shown and doubt.claim[:10] in shown
        order = list(box.children)
        errors, unverified = box.query_one(".fb-errors"), box.query_one(".fb-unverified")
        assert order.index(errors) < order.index(unverified) < order.index(box.query_one(DataTable))


def test_after_a_wrong_claim_the_doubt_is_checked_before_the_answer_is_pushed_deeper(services: Any) -> None:
    """One false claim makes the others worth asking about: a strong answer with a found error gets its
    doubt checked before a deepening; a strong answer without one is pushed deeper first."""
    from interviewer.judge.coverage import FoundError

    question = services.bank.questions["sd-multi-agent-system"]
    coverage = services.offline_judge.coverage(question, ANSWER_ZH, fine=False)
    doubt = coverage.doubts[0]
    # strong (every point at 0.75) but not complete enough to move on
    points = [KeyPointCoverage(p.criterion, p.key_point, 0.75, 0.0, [], "x") for p in coverage.points]
    other = next(p for p in points if p.key_point is not doubt.key_point)
    error = FoundError(other.criterion, other.key_point, "辩论", "misconception", other.key_point.misconceptions[0])
    clean = Coverage(points, coverage.relevance, [], [doubt])
    flawed = Coverage(points, coverage.relevance, [error], [doubt])

    def first(cov: Coverage, done: tuple[str, ...] = ()) -> str:
        return offline_decision(question, cov, ["q"], {other.key_point.id}, 2, "zh", ANSWER_ZH, done).source

    assert first(clean) == "deepen"
    assert first(clean, ("deepen",)) == "check"
    assert first(flawed, ("challenge",)) == "check"
    assert first(flawed, ("challenge", "check")) == "deepen"


@pytest.mark.usefixtures("every_doubt_listed")
def test_a_sentence_is_doubted_once_however_many_misconceptions_it_reads_close_to(services: Any) -> None:
    # A short clause ("DPO skips the reward model and RL entirely") reads close to several misconceptions of
    # its topic (DPO training a reward model, DPO immune to over-optimisation, …): the grade names the
    # likeliest one for it.
    judge = services.offline_judge
    question = services.bank.questions["llm-preference-optimization"]
    answer = (
        "DPO skips the reward model and RL entirely: it shows the optimal KL-regularised policy can be written in "
        "closed form, so you train directly on (chosen, rejected) pairs with a logistic loss on the log-ratio "
        "differences against a frozen reference."
    )
    cov = judge.coverage(question, answer)
    quotes = [d.quote for d in cov.open_doubts()]
    assert len(quotes) > len(set(quotes))  # the reading: one clause close to several misconceptions
    shown = [d.quote for d in judge.grade(question, answer, "zh").unverified]
    assert shown and len(shown) == len(set(shown))
    assert shown[0] == quotes[0]  # the likeliest doubt leads
