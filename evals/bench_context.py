"""Benchmark: how many prompt tokens the agent sends over an interview, against a naive agent.

A 10-question interview with 2 follow-ups per question runs headless on a scripted fake model
that always asks a follow-up (each time on a key point not probed yet), so every decision call,
every persona call, every judge call and the summary call happen. The prompt tokens of every call
actually sent are counted (tiktoken cl100k_base, from litellm's bundled cache when present; else
characters / 4).

The naive agent is one growing chat: everything said so far in the session — every earlier
question with the notes retrieved for it, every answer and every follow-up — stays in the context
of every later call. Its cost per call is the same call plus that history.

Run: python evals/bench_context.py [--questions 10] [--follow-ups 2]
Target: agent / naive <= 40 %.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET = 0.40
FILLER = (
    "I would first make sure the team agrees on what success looks like, then measure the baseline, "
    "change one thing at a time and keep the experiment log in the repository so that the decision "
    "can be revisited when the data or the model changes."
)


def token_counter() -> tuple[str, Callable[[str], int]]:
    """(name, count) — tiktoken cl100k_base if it loads offline, else characters / 4."""
    spec = importlib.util.find_spec("litellm")
    if spec and spec.submodule_search_locations and not os.environ.get("TIKTOKEN_CACHE_DIR"):
        bundled = Path(spec.submodule_search_locations[0]) / "litellm_core_utils" / "tokenizers"
        if bundled.is_dir():
            os.environ["TIKTOKEN_CACHE_DIR"] = str(bundled)
    try:
        import tiktoken

        enc = tiktoken.get_encoding("cl100k_base")
        return "tiktoken cl100k_base", lambda text: len(enc.encode(text, disallowed_special=()))
    except Exception:
        return "characters / 4", lambda text: len(text) // 4


REFS = re.compile(r"Reference notes \(for your judgement only.*?\):\n(.*?)\nFollow-ups already asked:", re.S)
MISSING = re.compile(r"^- (\S+) — ", re.M)
CRITERIA = re.compile(r"## Criterion `([^`]+)`")
TARGET_POINT = re.compile(r"You want to probe this point the candidate has not covered: (.*)")


class Bench:
    """The scripted model's replies, and per call: purpose, tokens sent, tokens a naive agent would send."""

    def __init__(self, count: Callable[[str], int]) -> None:
        self.count = count
        self.interviewer: Any = None
        self.refs: dict[str, str] = {}  # question id -> notes text retrieved for it
        self.used: dict[str, set[str]] = defaultdict(set)  # question id -> key points already targeted
        self.rows: list[tuple[str, int, int]] = []

    def _current(self) -> str:
        asked = self.interviewer.session.asked()
        return asked[-1] if asked else ""

    def _history(self, exclude: str | None) -> int:
        """Tokens of the session so far, except question ``exclude`` (already in the real prompt)."""
        session = self.interviewer.session
        text = []
        for turn in session.turns:
            if turn.question_id == exclude:
                continue
            if turn.kind == "question":
                text.append(self.refs.get(turn.question_id, ""))
            text.append(turn.text)
        return self.count("\n".join(text))

    def reply(self, messages: list[dict[str, str]]) -> Any:
        sent = sum(self.count(m["content"]) for m in messages)
        user = messages[-1]["content"]
        qid = self._current()
        if "Key points still missing" in user:
            refs = REFS.search(user)
            if refs and qid not in self.refs:
                self.refs[qid] = refs.group(1)
            self.rows.append(("follow_up", sent, sent + self._history(exclude=qid)))
            ids = [i for i in MISSING.findall(user) if i not in self.used[qid]]
            if not ids:
                return {"reasoning": "nothing left", "action": "move_on"}
            self.used[qid].add(ids[0])
            return {
                "reasoning": "the answer does not cover it",
                "action": "follow_up",
                "key_point_id": ids[0],
                "question": f"Could you walk me through {ids[0].replace('-', ' ')} in more depth?",
            }
        if "## Criterion" in user:
            # graded in the background, maybe after the next question was asked: the history is
            # every question but the graded one (whose answers the judge prompt already holds)
            graded = self._question_of(user.split("\n", 1)[0].removeprefix("Question: ").strip())
            self.rows.append(("judge", sent, sent + self._history(exclude=graded)))
            return {
                "criteria": [
                    {"id": cid, "reasoning": "partly covered", "evidence": [], "covered_key_points": [], "score": 2}
                    for cid in CRITERIA.findall(user)
                ],
                "summary": "partly covered",
            }
        target = TARGET_POINT.search(user)
        if target:
            self.rows.append(("persona", sent, sent + self._history(exclude=qid)))
            return f"You mentioned the basics; now: {target.group(1)[:80]}?"
        self.rows.append(("summary", sent, sent + self._history(exclude=None)))
        return "**Strengths** ... **Gaps** ... **What to study next** ..."

    def _question_of(self, text: str) -> str | None:
        for turn in self.interviewer.session.turns:
            if turn.kind == "question" and turn.text.strip() == text:
                return turn.question_id
        return None


def scripted_answers(bank: Any, n: int, follow_ups: int) -> list[Any]:
    """Answers covering the first key point of the first criterion (with some filler, for a realistic
    length); each follow-up answer covers one more key point."""
    from interviewer.agent.headless import ScriptedAnswer

    by_track: dict[str, list[Any]] = defaultdict(list)
    for q in sorted(bank.questions.values(), key=lambda q: q.id):
        by_track[q.track].append(q)
    picked: list[Any] = []
    while len(picked) < n and any(by_track.values()):
        for qs in by_track.values():
            if qs and len(picked) < n:
                picked.append(qs.pop(0))
    out = []
    for q in picked:
        main = q.rubric.criteria[0].key_points[0].text.en + " " + FILLER
        extra = [k.text.en for c in q.rubric.criteria for k in c.key_points][1:]
        answers = [
            f"In practice I have seen this matter a lot. {extra[i]}" if i < len(extra) else "Not sure."
            for i in range(follow_ups)
        ]
        out.append(ScriptedAnswer(q.id, f"Let me start from the basics. {main} That is the core of it.", answers))
    return out


async def run(n: int, follow_ups: int, count: Callable[[str], int]) -> tuple[Bench, Any]:
    from interviewer.agent.headless import ScriptedAnswers
    from interviewer.agent.loop import InterviewPlan
    from interviewer.config import load_settings
    from interviewer.llm.fake import FakeLLM
    from interviewer.services import Services

    bench = Bench(count)
    llm = FakeLLM(default=bench.reply)
    services = Services(load_settings(max_follow_ups=follow_ups, lang="en"), llm=llm)
    services.retriever.ensure_index()
    scripted = scripted_answers(services.bank, n, follow_ups)
    source = ScriptedAnswers(scripted)
    plan = InterviewPlan(count=n, lang="en", forced=source.forced)
    interviewer = services.interviewer(plan, record=False)
    bench.interviewer = interviewer
    session = await interviewer.run(source)
    return bench, session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--follow-ups", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    name, count = token_counter()
    with tempfile.TemporaryDirectory() as home:
        os.environ["INTERVIEWER_HOME"] = home
        for var in ("INTERVIEWER_MODEL", "INTERVIEWER_API_BASE", "INTERVIEWER_MAX_FOLLOW_UPS"):
            os.environ.pop(var, None)
        bench, session = asyncio.run(run(args.questions, args.follow_ups, count))
    follow_ups = sum(1 for t in session.turns if t.kind == "follow_up")
    print(
        f"interview: {len(session.asked())} questions, {follow_ups} follow-ups, "
        f"{len(session.grades)} grades, {len(bench.rows)} LLM calls; tokens: {name}"
    )
    print(f"{'purpose':<10} {'calls':>5} {'agent':>9} {'naive':>9} {'ratio':>7}")
    totals = [0, 0]
    for purpose in ("follow_up", "persona", "judge", "summary"):
        rows = [r for r in bench.rows if r[0] == purpose]
        sent, naive = sum(r[1] for r in rows), sum(r[2] for r in rows)
        totals[0] += sent
        totals[1] += naive
        if rows:
            print(f"{purpose:<10} {len(rows):>5} {sent:>9} {naive:>9} {sent / naive:>7.1%}")
    ratio = totals[0] / totals[1] if totals[1] else 0.0
    print(f"{'total':<10} {len(bench.rows):>5} {totals[0]:>9} {totals[1]:>9} {ratio:>7.1%}")
    decisions = [r for r in bench.rows if r[0] == "follow_up"]
    if decisions:
        print(
            f"decision prompt: first {decisions[0][1]}, last {decisions[-1][1]}, "
            f"max {max(r[1] for r in decisions)} tokens (naive last: {decisions[-1][2]})"
        )
    ok = ratio <= TARGET
    print(f"agent / naive = {ratio:.1%} (target <= {TARGET:.0%}): {'OK' if ok else 'ABOVE TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
