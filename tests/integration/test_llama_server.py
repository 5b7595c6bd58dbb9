"""Structured output over real HTTP against llama.cpp (SmolLM2-135M): the model is far too small to
interview well; what is tested is that replies parse and validate, and that a whole interview run
through the CLI completes with every answer kept and every question graded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.agent.events import Fallback
from interviewer.agent.followup import LLMDecision
from interviewer.config import load_settings
from interviewer.domain import ClaimDoubt, Question
from interviewer.judge.llm_judge import JudgeReply, LLMJudge
from interviewer.llm.client import LLMClient
from interviewer.llm.errors import LLMError
from interviewer.services import Services

from .conftest import LlamaServer

pytestmark = [pytest.mark.llm_server, pytest.mark.slow]

MODEL = "openai/smollm2"
ROOT = Path(__file__).resolve().parents[2]


def client(server: LlamaServer) -> LLMClient:
    return LLMClient(MODEL, api_base=server.base_url, timeout_s=240, retries=1)


def report(name: str, seconds: float, llm: LLMClient) -> None:
    print(
        f"\n[llama-server] {name}: {seconds:.1f}s, {llm.usage.calls} call(s), "
        f"{llm.usage.prompt_tokens} prompt + {llm.usage.completion_tokens} completion tokens"
    )


async def test_server_starts(llama_server: LlamaServer) -> None:
    print(f"\n[llama-server] up in {llama_server.startup_s:.1f}s at {llama_server.base_url}")
    assert llama_server.base_url.startswith("http://127.0.0.1:")


async def test_complete_and_stream(llama_server: LlamaServer) -> None:
    llm = client(llama_server)
    start = time.perf_counter()
    text = await llm.complete([{"role": "user", "content": "Name one sorting algorithm."}], max_tokens=24)
    assert isinstance(text, str) and text.strip()
    tokens: list[str] = []
    streamed = await llm.complete(
        [{"role": "user", "content": "Count from one to five."}], max_tokens=24, on_token=tokens.append
    )
    assert len(tokens) > 1 and "".join(tokens) == streamed
    assert llm.usage.calls == 2 and llm.usage.prompt_tokens > 0 and llm.usage.completion_tokens > 0
    report("complete + stream", time.perf_counter() - start, llm)


async def test_structured_decision_validates(llama_server: LlamaServer) -> None:
    llm = client(llama_server)
    msgs = [
        {"role": "system", "content": "You are a technical interviewer deciding whether to ask one follow-up."},
        {
            "role": "user",
            "content": (
                "Question: Explain scaled dot-product attention.\n"
                "Key points still missing (id — text):\n- causal-mask — future positions are masked before the softmax\n"
                "<candidate_answer>\nAttention is softmax(QK^T / sqrt(d_k)) V.\n</candidate_answer>\n"
                "Decide: ask a follow-up on a missing key point id, or move on."
            ),
        },
    ]
    start = time.perf_counter()
    reply = await llm.structured(msgs, LLMDecision, purpose="follow_up")
    report("structured LLMDecision", time.perf_counter() - start, llm)
    assert isinstance(reply, LLMDecision) and reply.action in ("follow_up", "move_on")
    assert llm._structured_mode == "json_object"  # llama.cpp honours a JSON-object format with a schema
    assert llm.usage.by_purpose.get("follow_up", 0) > 0


async def test_structured_judge_reply_validates(llama_server: LlamaServer) -> None:
    llm = client(llama_server)
    msgs = [
        {"role": "system", "content": "You grade interview answers against a rubric. Scores are 0-4."},
        {
            "role": "user",
            "content": (
                "Question: Explain scaled dot-product attention.\n"
                "Criterion `sdpa` — key points: `scaled-softmax` (divide by sqrt(d_k)), `causal-mask`.\n"
                "<untrusted_answer>\nAttention is softmax(QK^T / sqrt(d_k)) V; decoders mask future tokens.\n"
                "</untrusted_answer>\nReturn one verdict for criterion sdpa."
            ),
        },
    ]
    start = time.perf_counter()
    reply = await llm.structured(msgs, JudgeReply, purpose="judge", max_tokens=1500)
    report("structured JudgeReply", time.perf_counter() - start, llm)
    assert isinstance(reply, JudgeReply) and reply.criteria
    assert all(0 <= v.score <= 4 for v in reply.criteria)


def small_question() -> Question:
    """A three-criterion rubric with one misconception: the whole judge prompt fits SmolLM2's 2048-token context."""

    def text(en: str) -> dict[str, str]:
        return {"en": en, "zh": en}

    def criterion(cid: str, name: str, points: list[dict[str, Any]]) -> dict[str, Any]:
        levels = ["missing", "vague", "partial", "correct", "excellent"]
        return {
            "id": cid,
            "name": text(name),
            "weight": 1 / 3,
            "key_points": points,
            "levels": [text(x) for x in levels],
        }

    def point(kid: str, en: str, alias: str, **extra: Any) -> dict[str, Any]:
        return {"id": kid, "text": text(en), "aliases": {"en": [alias], "zh": [alias]}, **extra}

    wrong = {
        "id": "alibi-learned-slopes",
        "text": text("Each ALiBi head learns its own slope during training"),
        "correction": text("ALiBi slopes are fixed, a geometric sequence per head, never learned"),
        "note": "positional-encoding-rope-alibi",
    }
    return Question.model_validate(
        {
            "id": "tiny-rope-alibi",
            "track": "llm_fundamentals",
            "difficulty": 2,
            "text": text("How do RoPE and ALiBi encode position?"),
            "notes": ["positional-encoding-rope-alibi"],
            "rubric": {
                "criteria": [
                    criterion(
                        "rope",
                        "RoPE",
                        [
                            point("rope-rotation", "RoPE rotates query/key pairs by a position angle", "rotate"),
                            point("rope-relative", "q·k depends only on the offset", "relative"),
                        ],
                    ),
                    criterion(
                        "alibi",
                        "ALiBi",
                        [
                            point("alibi-bias", "ALiBi adds a linear distance penalty to the logits", "linear bias"),
                            point("alibi-slopes", "Slopes are fixed per head", "slope", misconceptions=[wrong]),
                        ],
                    ),
                    criterion(
                        "choice",
                        "Choice",
                        [
                            point("llama-rope", "Llama uses RoPE", "llama"),
                            point("rope-scaling", "RoPE context is extended by scaling", "scaling"),
                        ],
                    ),
                ]
            },
            "follow_ups": [
                {"criterion": "rope", "text": text("Why relative?")},
                {"criterion": "alibi", "text": text("How are slopes set?")},
            ],
        }
    )


class Recording:
    """The real client, with what the judge sent and the structured replies it got back."""

    def __init__(self, llm: LLMClient) -> None:
        self.llm = llm
        self.sent: list[list[dict[str, str]]] = []
        self.replies: list[Any] = []

    @property
    def name(self) -> str:
        return self.llm.name

    @property
    def usage(self) -> Any:
        return self.llm.usage

    async def complete(self, *args: Any, **kwargs: Any) -> str:
        return await self.llm.complete(*args, **kwargs)

    async def structured(self, messages: list[dict[str, str]], schema: Any, **kwargs: Any) -> Any:
        self.sent.append(messages)
        reply = await self.llm.structured(messages, schema, **kwargs)
        self.replies.append(reply)
        return reply


async def test_llm_judge_grades_with_the_conflict_rule(llama_server: LlamaServer) -> None:
    """SmolLM2 is far too weak to judge: what is tested is that the judge's prompt (conflict rule,
    misconceptions, fenced answer, a follow-up and a sentence the reader suspects) reaches a real server, the reply comes back in
    the new schema (errors first) and the grade is well-formed under the judge's own rules."""
    q = small_question()
    main = (
        "RoPE rotates query and key pairs by a position dependent angle. ALiBi adds a linear distance penalty "
        "to the attention logits, and each ALiBi head learns its own slope during training."
    )
    follow = "Llama uses RoPE because its context can be extended by scaling."
    llm = Recording(client(llama_server))
    start = time.perf_counter()
    # the prompt takes ~1.7k of the server's 4096-token context (~2.7k with a repair turn); a reply cut
    # at its token cap is not JSON, so the cap leaves room for a whole one
    slopes = "each ALiBi head learns its own slope during training"
    suspect = ClaimDoubt(
        criterion="alibi", key_point="alibi-slopes", quote=slopes, claim="", correction="", reference=""
    )
    judge = LLMJudge(llm, max_tokens=900, suspects=lambda q, text, lang: [suspect] if slopes in text else [])
    exchanges = [(q.prompt("en"), main), ("Why does Llama use RoPE?", follow)]
    try:
        grade = await judge.grade(q, f"{main}\n\n{follow}", "en", exchanges=exchanges)
    except LLMError as exc:
        # a 135M model sometimes replies with one criterion object instead of the whole reply, even
        # after the repair turn (seen once in three full runs). Each call fences the answer with a new
        # random delimiter, so a second grade is a different prompt; two bad replies in a row fail.
        assert exc.kind == "invalid_output", exc
        print(f"\n[llama-server] first judge reply invalid ({exc}); grading once more")
        llm.sent.clear()
        grade = await judge.grade(q, f"{main}\n\n{follow}", "en", exchanges=exchanges)
    report("LLM judge (conflict rule)", time.perf_counter() - start, llm.llm)
    system, user = llm.sent[0][0]["content"], llm.sent[0][-1]["content"]
    assert "Conflict rule" in system and "Conflict rule" in user
    assert "alibi-learned-slopes" in user and "ALiBi slopes are fixed" in user
    assert "<<<ANSWER_" in user and "Why does Llama use RoPE?" in user
    assert "Sentences to verify" in user and user.count(slopes) == 2  # in the answer and as the suspect
    assert llm.llm._structured_mode == "json_object"
    reply = llm.replies[0]
    assert isinstance(reply, JudgeReply) and isinstance(reply.errors, list) and reply.criteria
    answer = f"{main}\n\n{follow}"
    assert grade.judge == "llm:openai/smollm2" and 0 <= grade.overall <= 100
    assert [c.id for c in grade.criteria] == ["rope", "alibi", "choice"]
    for c in grade.criteria:
        assert 0 <= c.score <= 4
        assert all(e in answer for e in c.evidence)
        assert c.score <= 1 or c.evidence  # a score above 1 needs a real quote
    for e in grade.errors:
        assert e.quote in answer and e.kind in ("misconception", "conflict")
        assert {c.id: c.score for c in grade.criteria}[e.criterion] <= 1
    print(
        f"[llama-server] judge reply: {len(reply.errors)} error(s) proposed, {len(grade.errors)} kept; "
        f"scores {[c.score for c in grade.criteria]}; overall {grade.overall}"
    )


def test_headless_interview_through_the_cli(llama_server: LlamaServer, indexed_home: Path, tmp_path: Path) -> None:
    scripted: list[dict[str, Any]] = [
        {
            "question": "llm-rope-vs-alibi",
            "answer": "RoPE rotates query and key pairs by a position dependent angle; ALiBi adds a distance penalty.",
            "follow_ups": ["The dot product then depends only on the relative offset.", "Each head has its own slope."],
        },
        {
            "question": "ml-adamw-weight-decay",
            "answer": "AdamW decouples weight decay from the adaptive gradient update.",
            "follow_ups": ["With Adam, L2 gets divided by the second-moment estimate.", "Not sure."],
        },
    ]
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(scripted, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "INTERVIEWER_HOME": str(indexed_home),
        "INTERVIEWER_API_BASE": llama_server.base_url,
        "INTERVIEWER_TIMEOUT_S": "240",
        "INTERVIEWER_LANG": "en",
        "PYTHONPATH": str(ROOT),
    }
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "run",
            "--answers",
            str(answers),
            "--model",
            MODEL,
            "--json",
            "--count",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1500,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout)

    assert [q["question_id"] for q in data["questions"]] == [s["question"] for s in scripted]
    for q, s in zip(data["questions"], scripted, strict=True):
        assert q["answer"] == s["answer"]
        asked = q["follow_ups"]
        assert len(asked) <= 2
        assert [f["answer"] for f in asked] == s["follow_ups"][: len(asked)]  # every answer given is kept
        assert q["grade"] is not None and 0 <= q["grade"]["overall"] <= 100
    assert data["overall"] is not None

    store = Services(load_settings(home=indexed_home)).store
    session = store.load(data["session_id"])
    assert session.model == MODEL and session.status == "completed"
    assert set(session.grades) == {s["question"] for s in scripted}
    fallbacks = [e for e in store.events(data["session_id"]) if isinstance(e, Fallback)]
    # the server is healthy: whatever fell back did so on the model's output, not on transport
    assert not [f for f in fallbacks if f.stage == "llm"], fallbacks
    judges = {g.judge for g in session.grades.values()}
    print(
        f"\n[llama-server] CLI interview: {elapsed:.1f}s; judges {sorted(judges)}; "
        f"follow-ups {[len(q['follow_ups']) for q in data['questions']]}; "
        f"fallbacks {[(f.stage, f.reason[:80]) for f in fallbacks]}"
    )
