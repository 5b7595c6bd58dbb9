"""Helpers for the TUI tests: the small fixed bank, canned sessions, screen text and waiting."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.errors import NoWidget
from textual.pilot import Pilot

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Event,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
)
from interviewer.bank import Bank
from interviewer.domain import CriterionGrade, Grade, Question, Session
from interviewer.services import Services
from interviewer.store.db import Store
from interviewer.tui.widgets import InterviewerTurn

BANK_DIR = Path(__file__).parent / "bank"
SIZE = (100, 32)
T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def services_for(base: Services, home: Path, *, llm: Any = None, **overrides: Any) -> Services:
    """Services with their own home and store that share ``base``'s bank, loaded embedder and index."""
    settings = base.settings.model_copy(update={"home": home, **overrides})
    services = Services(settings, llm=llm, bank=base.bank, store=Store(paths.db_file(home)))
    for name in ("retriever", "references", "offline_judge"):
        services.__dict__[name] = getattr(base, name)
    return services


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console.print(render)
    return console.export_text()


def flat(text: str) -> str:
    """Screen text with runs of whitespace collapsed (wrapped lines join up)."""
    return " ".join(text.split())


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n{screen_text(pilot.app)}")
        await pilot.pause(0.05)


def listening(screen: Any, kind: type | None = None, index: int | None = None) -> bool:
    """The interview screen shows a prompt (of ``kind``, number ``index``) and waits for the user."""
    prompt = screen.source.waiting
    if screen.phase != "listening" or prompt is None or (kind is not None and not isinstance(prompt, kind)):
        return False
    if index is not None and (prompt.follow_up_index if hasattr(prompt, "follow_up_index") else prompt.index) != index:
        return False
    return prompt_drawn(screen)


def prompt_drawn(screen: Any) -> bool:
    """The last interviewer turn's text is laid out on screen. The screen listens once the turn is
    mounted, but its Markdown mounts its blocks in its own mount handler and the compositor places
    them on a later refresh: on a slow machine a test could read the screen a frame too early."""
    turns = screen.query(InterviewerTurn)
    if not turns:
        return False
    blocks = turns.last().body.children
    if not blocks:
        return False
    try:
        return bool(screen.find_widget(blocks[-1]).region.height)
    except NoWidget:
        return False


def notifications(app: App[Any]) -> list[str]:
    return [str(n.message) for n in app._notifications]


def full_answer(question: Question, lang: str = "en") -> str:
    """Every key point of the rubric, stated: the offline engine moves on without a follow-up."""
    return " ".join(k.text.get(lang) + "." for _, k in question.rubric.key_points())  # type: ignore[arg-type]


def partial_answer(question: Question, lang: str = "en") -> str:
    """Only the first key point: the offline engine asks a follow-up."""
    return question.rubric.key_points()[0][1].text.get(lang) + "."  # type: ignore[arg-type]


# -- canned sessions with fixed timestamps -----------------------------------------------------
def canned_grade(question: Question, scores: list[int], answer: str, at: datetime, chunk_ids: list[str]) -> Grade:
    criteria = []
    for criterion, score in zip(question.rubric.criteria, scores, strict=True):
        covered = criterion.key_points[: score // 2]
        missing = criterion.key_points[score // 2 :]
        criteria.append(
            CriterionGrade(
                id=criterion.id,
                score=score,
                reason=f"{score}/4: {criterion.levels[score].en}; covers {len(covered)} of {len(criterion.key_points)} key points",
                evidence=[answer.split(".")[0]] if covered else [],
                missing=[k.text.en for k in missing],
                missing_ids=[k.id for k in missing],
                covered_ids=[k.id for k in covered],
                references=[c for c in chunk_ids if criterion.id.split("-")[0] in c] or chunk_ids[:1],
            )
        )
    overall = round(100 * sum(c.weight * s / 4 for c, s in zip(question.rubric.criteria, scores, strict=True)), 1)
    return Grade(question_id=question.id, overall=overall, criteria=criteria, judge="offline", graded_at=at)


def _record(store: Store, events: list[Event]) -> None:
    for event in events:
        store.record(event)


def seed_sessions(store: Store, bank: Bank) -> dict[str, str]:
    """Three sessions: an older completed one, a completed one with a follow-up and a skip, an active one."""
    kv, rl, lru = bank.questions["tui-kv-cache"], bank.questions["tui-rate-limiter"], bank.questions["tui-lru"]
    kv_chunks = [
        "tui-kv-cache-note::what-the-kv-cache-stores-0",
        "tui-kv-cache-note::memory-0",
        "tui-kv-cache-note::serving-0",
    ]
    lru_chunks = ["tui-lru-note::structure-0", "tui-lru-note::operations-0", "tui-lru-note::edge-cases-0"]

    def t(minutes: float, base: datetime = T0) -> datetime:
        return base + timedelta(minutes=minutes)

    # 1. an older session: one coding question
    old = T0 - timedelta(days=13)
    sid = "0ld5e55100aa"
    answer = "Use a dict and a doubly linked list. Move to front on get."
    grade = canned_grade(lru, [3, 2, 0], answer, t(4, old), lru_chunks)
    _record(
        store,
        [
            SessionStarted(
                session_id=sid, at=old, session=Session(id=sid, lang="en", tracks=["coding"], count=1, started_at=old)
            ),
            QuestionAsked(
                session_id=sid,
                at=t(0.1, old),
                question_id=lru.id,
                index=1,
                total=1,
                text=lru.text.en,
                track=lru.track,
                difficulty=lru.difficulty,
                references=lru_chunks,
            ),
            AnswerReceived(session_id=sid, at=t(2, old), question_id=lru.id, text=answer),
            QuestionClosed(session_id=sid, at=t(2.1, old), question_id=lru.id, reason="budget"),
            AnswerGraded(session_id=sid, at=t(4, old), question_id=lru.id, grade=grade),
            SessionEnded(
                session_id=sid,
                at=t(4.1, old),
                status="completed",
                overall=grade.overall,
                summary="### Strengths\n- Data structure\n\n### Gaps\n- Edge cases",
            ),
        ],
    )
    ids = {"older": sid}

    # 2. a completed session: a question with a follow-up, then a skipped one
    sid = "c0ffee5e5510"
    a1 = "The KV cache stores the key and value tensors of previous tokens. Each step is then linear, not quadratic."
    a2 = "It grows with layers, heads, head dimension, sequence length and batch size."
    grade = canned_grade(kv, [4, 2, 0], a1 + " " + a2, t(9), kv_chunks)
    summary = (
        "### Score by track\n- LLM fundamentals: 55/100 (1)\n\n### Strengths\n- How the cache works\n\n"
        "### Gaps\n- Serving: PagedAttention, prefix caching\n\n### What to study next\n"
        "- *KV cache: what it stores and what it costs* (tui-kv-cache-note)"
    )
    _record(
        store,
        [
            SessionStarted(
                session_id=sid,
                at=T0,
                session=Session(
                    id=sid, lang="en", tracks=["llm_fundamentals", "system_design"], count=2, started_at=T0
                ),
            ),
            QuestionAsked(
                session_id=sid,
                at=t(0.1),
                question_id=kv.id,
                index=1,
                total=2,
                text=kv.text.en,
                track=kv.track,
                difficulty=kv.difficulty,
                references=kv_chunks,
            ),
            AnswerReceived(session_id=sid, at=t(3), question_id=kv.id, text=a1),
            FollowUpAsked(
                session_id=sid,
                at=t(3.1),
                question_id=kv.id,
                follow_up_index=1,
                text=kv.follow_ups[0].text.en,
                criterion="memory",
                key_point="kv-memory-size",
            ),
            AnswerReceived(session_id=sid, at=t(5), question_id=kv.id, follow_up_index=1, text=a2),
            QuestionClosed(session_id=sid, at=t(5.1), question_id=kv.id, reason="covered"),
            QuestionAsked(
                session_id=sid,
                at=t(5.2),
                question_id=rl.id,
                index=2,
                total=2,
                text=rl.text.en,
                track=rl.track,
                difficulty=rl.difficulty,
            ),
            QuestionClosed(session_id=sid, at=t(6), question_id=rl.id, reason="skipped"),
            AnswerGraded(session_id=sid, at=t(9), question_id=kv.id, grade=grade),
            SessionEnded(session_id=sid, at=t(9.5), status="completed", overall=grade.overall, summary=summary),
        ],
    )
    ids["completed"] = sid

    # 3. an interrupted session: the follow-up is waiting for an answer
    start = T0 + timedelta(days=1)
    sid = "ac7171e5e551"
    a1 = "A hash map gives O(1) lookup."
    _record(
        store,
        [
            SessionStarted(
                session_id=sid,
                at=start,
                session=Session(id=sid, lang="en", tracks=["coding"], count=1, started_at=start),
            ),
            QuestionAsked(
                session_id=sid,
                at=t(0.1, start),
                question_id=lru.id,
                index=1,
                total=1,
                text=lru.text.en,
                track=lru.track,
                difficulty=lru.difficulty,
            ),
            AnswerReceived(session_id=sid, at=t(1, start), question_id=lru.id, text=a1),
            FollowUpAsked(
                session_id=sid,
                at=t(1.1, start),
                question_id=lru.id,
                follow_up_index=1,
                text=lru.follow_ups[0].text.en,
                criterion="operations",
                key_point="lru-evict-tail",
            ),
        ],
    )
    ids["active"] = sid
    return ids
