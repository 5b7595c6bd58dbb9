"""LLM faults over real HTTP: a local OpenAI-compatible server that answers 500, hangs past the
timeout, sends a malformed body, garbage content, or rejects the key. The client must retry the
right number of times and fail cleanly; a whole interview must carry on with the offline engine,
say so with Fallback events, and lose no answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from interviewer.agent.events import AnswerGraded, AnswerReceived, Fallback, FollowUpAsked, SessionEnded
from interviewer.agent.followup import LLMDecision
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.cli.main import main
from interviewer.config import load_settings
from interviewer.llm.client import LLMClient
from interviewer.llm.errors import LLMError
from interviewer.llm.fake import FakeLLM
from interviewer.services import Services

GARBAGE = "lorem ipsum {not json"
QUESTIONS = ["llm-rope-vs-alibi", "ml-adamw-weight-decay"]
ANSWERS = {
    "llm-rope-vs-alibi": ("Both encode positions; RoPE is the newer one.", ["It rotates something.", "Not sure."]),
    "ml-adamw-weight-decay": ("AdamW is Adam with weight decay.", ["It is decoupled, I think.", "No idea."]),
}


class FaultServer:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 that fails in the chosen way."""

    def __init__(self) -> None:
        self.mode = "500"
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._json(200, {"object": "list", "data": [{"id": "x", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                mode = server.mode
                if mode == "500":
                    self._json(500, {"error": {"message": "internal failure", "type": "server_error"}})
                elif mode == "hang":
                    server.release.wait(30)
                    self._json(500, {"error": {"message": "too late"}})
                elif mode == "malformed":
                    self._raw(200, b'{"id": "c1", "object": "chat.completion", "choices": [{"mess')
                elif mode == "401":
                    key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                    self._json(
                        401,
                        {
                            "error": {
                                "message": f"Incorrect API key provided: {key}.",
                                "type": "invalid_request_error",
                                "code": "invalid_api_key",
                            }
                        },
                    )
                elif body.get("stream"):
                    self._sse(GARBAGE)
                else:
                    self._json(200, completion(GARBAGE))

            def _json(self, status: int, data: Any) -> None:
                self._raw(status, json.dumps(data).encode())

            def _raw(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (timeout)

            def _sse(self, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in (text[:6], text[6:]):
                    chunk = {
                        "id": "c1",
                        "object": "chat.completion.chunk",
                        "created": 1,
                        "model": "x",
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(text: str) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "x",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


@pytest.fixture
def server() -> Iterator[FaultServer]:
    s = FaultServer()
    yield s
    s.close()


MSGS = [{"role": "user", "content": "Decide."}]


# -- the client over HTTP --------------------------------------------------------------------------
async def test_5xx_is_retried_exactly_as_configured(server: FaultServer) -> None:
    server.mode = "500"
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=5, retries=2, backoff_s=0.05)
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert info.value.transport
    assert len(server.requests) == 3  # 1 + 2 retries, not multiplied by the SDK's own retries
    assert all(r["path"] == "/v1/chat/completions" for r in server.requests)


async def test_a_hung_server_times_out_and_is_retried(server: FaultServer) -> None:
    server.mode = "hang"
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=0.5, retries=1, backoff_s=0.05)
    start = time.perf_counter()
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert info.value.kind == "timeout"
    assert len(server.requests) == 2
    assert time.perf_counter() - start < 4


async def test_a_malformed_body_fails_cleanly(server: FaultServer) -> None:
    server.mode = "malformed"
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=5, retries=1, backoff_s=0.05)
    with pytest.raises(LLMError) as info:
        await llm.structured(MSGS, LLMDecision)
    assert info.value.transport


async def test_garbage_content_fails_validation_after_one_repair(server: FaultServer) -> None:
    server.mode = "garbage"
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=5, retries=1)
    assert await llm.complete(MSGS) == GARBAGE
    server.requests.clear()
    with pytest.raises(LLMError) as info:
        await llm.structured(MSGS, LLMDecision, purpose="follow_up")
    assert info.value.kind == "invalid_output"
    assert len(server.requests) == 2  # the reply and one repair
    assert server.requests[0]["body"]["response_format"]["type"] == "json_object"
    assert llm.usage.by_purpose.keys() >= {"follow_up", "follow_up:repair"}


async def test_a_rejected_key_is_not_retried_and_never_echoed(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-Zq9WbA7c1D2e3F4g5H6i7J8k"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    server.mode = "401"
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=5, retries=2)
    with pytest.raises(LLMError) as info:
        await llm.complete(MSGS)
    assert server.requests[0]["auth"] == f"Bearer {secret}"  # the server did see it ...
    assert secret not in str(info.value) and "Zq9WbA7c" not in str(info.value)  # ... the error does not
    assert not info.value.transport and len(server.requests) == 1


# -- whole interviews ------------------------------------------------------------------------------
def scripted() -> ScriptedAnswers:
    return ScriptedAnswers([ScriptedAnswer(q, a, list(f)) for q, (a, f) in ANSWERS.items()])


@pytest.mark.parametrize("mode", ["500", "hang", "malformed", "garbage"])
async def test_interview_survives_a_faulty_server(services: Any, server: FaultServer, mode: str) -> None:
    server.mode = mode
    llm = LLMClient("openai/x", api_base=server.base, timeout_s=1, retries=1)
    wired = Services(services.settings, llm=llm)
    plan = InterviewPlan(count=2, lang="en", forced=list(QUESTIONS))
    start = time.perf_counter()
    events = [e async for e in wired.interviewer(plan).events(scripted()) if e.type != "token"]
    elapsed = time.perf_counter() - start
    assert elapsed < 20, f"{mode}: {elapsed:.1f}s"

    ended = events[-1]
    assert isinstance(ended, SessionEnded) and ended.status == "completed"
    stages = {f.stage for f in events if isinstance(f, Fallback)}
    assert "follow_up" in stages
    if mode == "garbage":  # the model answers, only badly: no reason to give up on it
        assert "judge" in stages and "llm" not in stages
    else:  # the server is broken: after two failures in a row the session goes offline
        assert "llm" in stages
        assert len([f for f in events if isinstance(f, Fallback) and f.stage == "llm"]) == 1
    # the offline engine asked the follow-ups and graded every answer
    follow_ups = [e for e in events if isinstance(e, FollowUpAsked)]
    assert follow_ups and all(f.source != "llm" for f in follow_ups)
    grades = {e.question_id: e.grade for e in events if isinstance(e, AnswerGraded)}
    assert set(grades) == set(QUESTIONS) and {g.judge for g in grades.values()} == {"offline"}
    # no answer lost: every answer given is stored, in order
    given = [e.text for e in events if isinstance(e, AnswerReceived)]
    expected = [text for q in QUESTIONS for text in [ANSWERS[q][0], *ANSWERS[q][1]]]
    assert given == expected[: len(given)] and len(given) >= 2 + len(follow_ups)
    stored = wired.store.load(ended.session_id)
    assert [t.text for t in stored.turns if t.kind == "answer"] == given
    assert set(stored.grades) == set(QUESTIONS) and stored.status == "completed"


@pytest.mark.parametrize("mode", ["hang", "500"])
def test_cli_run_survives_a_faulty_server(
    indexed_home: Path,
    server: FaultServer,
    mode: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.mode = mode
    monkeypatch.setenv("INTERVIEWER_API_BASE", server.base)
    monkeypatch.setenv("INTERVIEWER_TIMEOUT_S", "1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump([{"question": q, "answer": a, "follow_ups": list(f)} for q, (a, f) in ANSWERS.items()]),
        encoding="utf-8",
    )
    start = time.perf_counter()
    code = main(["run", "--answers", str(answers), "--model", "openai/x", "--json", "--count", "2"])
    elapsed = time.perf_counter() - start
    out = capsys.readouterr().out
    assert code == 0, out
    assert elapsed < 25, f"{elapsed:.1f}s"
    data = json.loads(out)
    assert [q["question_id"] for q in data["questions"]] == QUESTIONS
    for q in data["questions"]:
        answer, follow_up_answers = ANSWERS[q["question_id"]]
        assert q["answer"] == answer
        assert [f["answer"] for f in q["follow_ups"]] == follow_up_answers[: len(q["follow_ups"])]
        assert q["grade"] is not None and q["grade"]["overall"] is not None
    assert server.requests, "the model was tried"
    store = Services(load_settings()).store
    events = store.events(data["session_id"])
    stages = [e.stage for e in events if isinstance(e, Fallback)]
    assert "follow_up" in stages and "llm" in stages
    assert store.load(data["session_id"]).model == "openai/x"


# -- a judge failing in an unexpected way ----------------------------------------------------------
async def test_a_judge_crash_still_grades_offline(services: Any) -> None:
    def reply(messages: list[dict[str, str]], purpose: str) -> Any:
        if purpose == "judge":
            return RuntimeError("judge exploded")  # not an LLMError
        if purpose == "follow_up":
            return {"reasoning": "fine", "action": "move_on"}
        return "summary"

    wired = Services(services.settings, llm=FakeLLM(default=reply))
    plan = InterviewPlan(count=2, lang="en", forced=list(QUESTIONS))
    events = [e async for e in wired.interviewer(plan).events(scripted()) if e.type != "token"]
    grades = [e for e in events if isinstance(e, AnswerGraded)]
    assert {g.question_id for g in grades} == set(QUESTIONS)
    assert {g.grade.judge for g in grades} == {"offline"}
    judge_fallbacks = [f for f in events if isinstance(f, Fallback) and f.stage == "judge"]
    assert len(judge_fallbacks) == 2 and "judge exploded" in judge_fallbacks[0].reason
    assert isinstance(events[-1], SessionEnded)
