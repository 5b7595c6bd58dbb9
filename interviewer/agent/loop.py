"""The interview agent: an async stream of typed events.

For each question: retrieve notes, ask, listen, then decide between a follow-up and moving on
(LLM or offline), within hard guards: max follow-ups per question, max turns per session, a
token budget, per-call timeouts (in the client) and repeat detection. Grading of a closed
question runs in the background; the next question does not wait for the judge.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Event,
    Fallback,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
    TokenStreamed,
)
from interviewer.agent.followup import (
    MAX_FOLLOW_UP_CHARS,
    Decision,
    LLMDecision,
    check_llm_decision,
    clip_follow_up,
    offline_decision,
    open_targets,
    similar,
    skips_target,
    strong,
)
from interviewer.agent.reading import DECISION_CHARS, foreground, read_ahead, representative
from interviewer.agent.selection import Selector
from interviewer.agent.summary import llm_summary_messages, offline_summary
from interviewer.agent.transcript import exchanges, submitted_code
from interviewer.domain import Lang, Question, Session, Track
from interviewer.judge.checks import claim_of
from interviewer.judge.correctness import judged_text
from interviewer.judge.coverage import Coverage, FoundError
from interviewer.judge.service import Judge
from interviewer.llm.base import ChatModel
from interviewer.llm.errors import LLMError
from interviewer.llm.prompts import messages as prompt_messages
from interviewer.rag.retriever import Hit, Retriever


@dataclass
class Reply:
    action: Literal["answer", "skip", "end", "pass"]
    text: str = ""
    code: str = ""
    """Code submitted with the answer (a coding question's solution)."""


class AnswerSource(Protocol):
    async def reply(self, prompt: QuestionAsked | FollowUpAsked) -> Reply: ...


Sink = Callable[[Event], None]


@dataclass
class Limits:
    max_follow_ups: int = 2
    max_turns: int = 60
    token_budget: int = 200_000
    max_llm_failures: int = 2
    """Consecutive LLM calls failing on transport (timeout, connection, 5xx, 429 — after the client's
    own retries) before the session goes offline: a dead server must not cost a timeout per call."""
    grade_delay_s: float = 0.3
    """Background grading starts this long after a question closes, and reading a long answer ahead
    this long after it is submitted, so the next turn is chosen and drawn before they compete with
    it for the CPU (grades are not needed sooner)."""


@dataclass
class InterviewPlan:
    count: int = 5
    tracks: list[str] = field(default_factory=list)
    difficulty: int | None = None
    lang: Lang = "en"
    forced: list[str] = field(default_factory=list)
    avoid: set[str] = field(default_factory=set)
    targets: dict[str, list[str]] = field(default_factory=dict)
    """Question id -> key point ids this session practises (``study.practice.PracticePlan.targets``):
    follow-ups aim at them first."""


def new_session_id() -> str:
    return uuid.uuid4().hex[:12]


class Interviewer:
    def __init__(
        self,
        questions: list[Question],
        judge: Judge,
        retriever: Retriever | None,
        plan: InterviewPlan,
        *,
        llm: ChatModel | None = None,
        judge_llm: ChatModel | None = None,
        limits: Limits | None = None,
        sinks: list[Sink] | None = None,
        session: Session | None = None,
        stream_follow_ups: bool = True,
        tracks: Mapping[str, Track] | None = None,
    ) -> None:
        self.questions = {q.id: q for q in questions}
        self.tracks = dict(tracks or {})
        """The bank's tracks: the summary names them (by id, for a track not declared)."""
        self.judge = judge
        self.retriever = retriever
        self.plan = plan
        self.llm = llm
        self.judge_llm = judge_llm
        """A separate grading model (settings.judge_model); None means the interview model."""
        self.limits = limits or Limits()
        self.sinks = list(sinks or [])
        self.stream_follow_ups = stream_follow_ups
        self.resumed = session is not None
        self.session = session or Session(
            id=new_session_id(),
            lang=plan.lang,
            tracks=plan.tracks,
            model=llm.name if llm else "",
            difficulty=plan.difficulty,
            count=plan.count,
            targets={q: list(k) for q, k in plan.targets.items()},
        )
        if session is not None and session.targets and not plan.targets:
            # a resumed practice session keeps its targets (recorded when it started), and asks its
            # targeted questions that are left before any other
            self.plan = plan = replace(
                plan,
                targets={q: list(k) for q, k in session.targets.items()},
                forced=list(plan.forced) or list(session.targets),
            )
        self.selector = Selector(
            list(questions), plan.tracks, plan.difficulty, plan.avoid, seed=self.session.id, forced=list(plan.forced)
        )
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._grading: set[asyncio.Task[None]] = set()
        self._reading: dict[str, list[asyncio.Future[None]]] = {}
        """Per question, long answers being read ahead of their grading (see agent/reading.py)."""
        self._stop_reading = threading.Event()
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead")
        """Its own thread: reading ahead waits while a decision runs, and must never hold the
        default executor's threads that decision needs."""
        self._adapted: set[str] = set()
        """Questions whose grade has already steered the difficulty."""
        # the turn limit is per session: a resumed session has already used some
        self._turns = sum(1 for t in self.session.turns if t.role == "interviewer")
        self._llm_disabled = False
        self._llm_failures = 0
        # the budget is per session, over all its runs: an injected client may already have spent
        # tokens elsewhere, and a resumed session has spent some before
        self._tokens_at_start = (llm.usage.total_tokens - self.session.tokens_used) if llm is not None else 0

    # -- plumbing --------------------------------------------------------------------------
    @property
    def lang(self) -> Lang:
        return self.session.lang

    def _spent(self) -> int:
        """LLM tokens this session has spent, earlier runs included."""
        return self.llm.usage.total_tokens - self._tokens_at_start if self.llm is not None else 0

    def _emit(self, event: Event) -> None:
        if not isinstance(event, TokenStreamed):
            from interviewer.agent.transcript import apply

            if self.llm is not None:
                event.tokens_used = self._spent()

            apply(self.session, event)
        for sink in self.sinks:
            sink(event)
        self._queue.put_nowait(event)

    def _llm(self) -> ChatModel | None:
        if self.llm is None or self._llm_disabled:
            return None
        if self._spent() >= self.limits.token_budget:
            self._llm_disabled = True
            self._emit(
                Fallback(
                    session_id=self.session.id,
                    stage="budget",
                    reason=f"token budget of {self.limits.token_budget} reached; offline engine from here",
                )
            )
            return None
        return self.llm

    def _llm_ok(self) -> None:
        self._llm_failures = 0

    def _llm_failed(self, exc: LLMError) -> None:
        """Count a failed LLM call; after too many transport failures in a row, go offline."""
        if not exc.transport:
            return
        self._llm_failures += 1
        if self._llm_failures >= self.limits.max_llm_failures and not self._llm_disabled:
            self._llm_disabled = True
            self._emit(
                Fallback(
                    session_id=self.session.id,
                    stage="llm",
                    reason=f"{self._llm_failures} LLM calls failed in a row ({exc.kind}); offline engine from here",
                )
            )

    async def events(self, source: AnswerSource) -> AsyncGenerator[Event, None]:
        """Run the interview, yielding every event as it happens."""
        runner = asyncio.create_task(self._run(source))
        try:
            while True:
                event = await self._queue.get()
                if event is None:
                    break
                yield event
            await runner
        finally:
            if not runner.done():
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
            for task in list(self._grading):
                task.cancel()
            self._stop_reading.set()
            self._reader.shutdown(wait=False, cancel_futures=True)

    async def run(self, source: AnswerSource) -> Session:
        async for _ in self.events(source):
            pass
        return self.session

    # -- the loop --------------------------------------------------------------------------
    async def _run(self, source: AnswerSource) -> None:
        try:
            await self._interview(source)
        finally:
            self._queue.put_nowait(None)

    async def _interview(self, source: AnswerSource) -> None:
        if not self.resumed:
            self._emit(SessionStarted(session_id=self.session.id, session=self.session))
        status: Literal["completed", "abandoned"] = "completed"
        pending = self._pending()
        if self.resumed:
            self._regrade_closed(pending[0].id if pending else None)
        while True:
            asked = self.session.asked()
            if pending is not None:
                question, resume_index = pending
                pending = None
            else:
                if len(asked) >= self.plan.count:
                    break
                self._adapt(asked)
                next_q = self.selector.next(asked)
                if next_q is None:
                    break
                question, resume_index = next_q, -1
            if resume_index == -1 and self._turns >= self.limits.max_turns:
                break  # a question not asked yet is not "closed"; a pending one still gets its answer graded
            outcome = await self._one_question(question, source, resume_index)
            if outcome == "end":
                status = "abandoned" if not self.session.answers_for(question.id) and len(asked) == 0 else "completed"
                break
        if self._grading:
            await asyncio.gather(*self._grading, return_exceptions=True)
        summary = await self._summary()
        overall = self.session.overall()
        self._emit(SessionEnded(session_id=self.session.id, status=status, overall=overall, summary=summary))

    def _adapt(self, asked: list[str]) -> None:
        """Steer the difficulty with each grade once, in the order asked: grading runs in the
        background, so the grade of the question just closed usually arrives one question later."""
        for qid in asked:
            grade = self.session.grades.get(qid)
            if grade is not None and qid not in self._adapted:
                self._adapted.add(qid)
                self.selector.adapt(grade.overall)

    def _regrade_closed(self, open_id: str | None) -> None:
        """On resume: grade answered questions whose grading was cut off when the session stopped."""
        for qid in self.session.asked():
            answers = [t.text for t in self.session.answers_for(qid)]
            if qid != open_id and qid in self.questions and answers and qid not in self.session.grades:
                self._grade_in_background(self.questions[qid], answers)

    def _pending(self) -> tuple[Question, int] | None:
        """On resume: the question left open when the session stopped, and its last prompt index."""
        if not self.resumed:
            return None
        from interviewer.agent.transcript import pending_question

        closed = {t.question_id for t in self.session.turns if t.kind == "skip"}
        open_q = pending_question(self.session)
        if open_q and open_q[0] in self.questions and open_q[0] not in closed:
            return self.questions[open_q[0]], open_q[1]
        last = self.session.turns[-1] if self.session.turns else None
        if last and last.question_id in self.questions and last.question_id not in self.session.grades:
            return self.questions[last.question_id], -2  # answered, not yet closed/graded
        return None

    async def _retrieve(self, question: Question) -> list[Hit]:
        if self.retriever is None:
            return []
        try:
            return await asyncio.to_thread(self.retriever.search, question.text.en, 4, note_ids=question.notes)
        except Exception as exc:  # retrieval must never stop an interview
            self._emit(Fallback(session_id=self.session.id, stage="retrieval", reason=str(exc)[:200]))
            return []

    async def _one_question(self, question: Question, source: AnswerSource, resume_index: int) -> str:
        sid = self.session.id
        hits = await self._retrieve(question)
        prepare = asyncio.create_task(asyncio.to_thread(self.judge.prepare, question))
        answers = [t.text for t in self.session.answers_for(question.id)]
        asked_follow_ups = [
            t.text for t in self.session.turns if t.question_id == question.id and t.kind == "follow_up"
        ]
        probed: set[str] = set()
        done: set[str] = set()
        """Sources of this question's follow-ups so far: one push-back and one deepening at most."""
        prompt: QuestionAsked | FollowUpAsked
        if resume_index == -1:
            prompt = QuestionAsked(
                session_id=sid,
                question_id=question.id,
                index=len(self.session.asked()) + 1,
                total=self.plan.count,
                text=question.prompt(self.lang),
                track=question.track,
                difficulty=question.difficulty,
                references=[h.chunk.chunk_id for h in hits],
            )
            self._emit(prompt)
            self._turns += 1
        else:
            index = self.session.asked().index(question.id) + 1 if question.id in self.session.asked() else 1
            prompt = QuestionAsked(
                session_id=sid,
                question_id=question.id,
                index=index,
                total=self.plan.count,
                text=question.prompt(self.lang),
                track=question.track,
                difficulty=question.difficulty,
                references=[h.chunk.chunk_id for h in hits],
            )
            if resume_index > 0:
                prompt = FollowUpAsked(
                    session_id=sid,
                    question_id=question.id,
                    follow_up_index=resume_index,
                    text=asked_follow_ups[-1] if asked_follow_ups else question.prompt(self.lang),
                )
        follow_index = max(resume_index, 0)
        while resume_index != -2:
            reply = await source.reply(prompt)
            if reply.action == "end":
                self._close(question, "ended", answers)
                return "end"
            if reply.action == "skip":
                self._close(question, "skipped", answers)
                return "next"
            if reply.action == "pass":
                break
            text = reply.text
            answers.append(text)
            self._emit(
                AnswerReceived(
                    session_id=sid, question_id=question.id, follow_up_index=follow_index, text=text, code=reply.code
                )
            )
            with foreground():  # the candidate waits: reading ahead gives way
                await prepare
                # the code submitted on the question counts as said: no follow-up asks for what it shows
                code = submitted_code(self.session, question.id)
                said = [judged_text("", code), *answers] if code else answers
                decision = await self._decide(question, said, asked_follow_ups, probed, hits, follow_index, done)
            self._read_ahead(question, text)
            if decision.action == "move_on":
                self._close(question, decision.reason, answers)
                return "next"
            if self._turns >= self.limits.max_turns:
                self._close(question, "turn_limit", answers)
                return "end"
            follow_index += 1
            asked_follow_ups.append(decision.text)
            probed.add(decision.key_point)
            done.add(decision.source)
            prompt = FollowUpAsked(
                session_id=sid,
                question_id=question.id,
                follow_up_index=follow_index,
                text=decision.text,
                criterion=decision.criterion,
                key_point=decision.key_point,
                source=decision.source,
            )
            self._emit(prompt)
            self._turns += 1
        self._close(question, "covered", answers)
        return "next"

    def _close(self, question: Question, reason: str, answers: list[str]) -> None:
        self._emit(QuestionClosed(session_id=self.session.id, question_id=question.id, reason=reason))
        if answers and reason != "skipped":
            self._grade_in_background(question, list(answers))

    def _grade_in_background(self, question: Question, answers: list[str]) -> None:
        """Grade without holding up the interview; the session end waits for these tasks."""
        task = asyncio.create_task(self._grade(question, answers))
        self._grading.add(task)
        task.add_done_callback(self._grading.discard)
        task.add_done_callback(lambda done: self._grading_failed(question.id, done))

    def _grading_failed(self, question_id: str, task: asyncio.Task[None]) -> None:
        """A grade that could not be made is said, never silently missing (the answer is kept)."""
        if task.cancelled() or task.exception() is None:
            return
        exc = task.exception()
        reason = " ".join(f"grading {question_id} failed ({type(exc).__name__}: {exc})".split())[:240]
        self._emit(
            Fallback(
                session_id=self.session.id,
                stage="judge",
                reason=f"{reason}; the answer is kept — `interviewer rescore {self.session.id}` grades it again",
            )
        )

    def _read_ahead(self, question: Question, text: str) -> None:
        """Embed a long answer's sentences in the background, in small batches, while the interview
        goes on: its grade then reads them from the cache (the decision read only a part)."""
        if len(text) <= DECISION_CHARS:
            return
        loop = asyncio.get_running_loop()
        reading = loop.run_in_executor(
            self._reader, read_ahead, self.judge, question, text, self._stop_reading, self.limits.grade_delay_s
        )
        self._reading.setdefault(question.id, []).append(reading)

    async def _grade(self, question: Question, answers: list[str]) -> None:
        await asyncio.sleep(self.limits.grade_delay_s)
        await asyncio.gather(*self._reading.pop(question.id, []), return_exceptions=True)
        text = "\n\n".join(a for a in answers if a.strip())
        llm = self._llm()
        if llm is not None and self.judge_llm is not None:
            llm = self.judge_llm
        grade, fallback = await self.judge.grade(
            question,
            text,
            self.lang,
            llm=llm,
            on_error=self._llm_failed,
            exchanges=self._exchanges(question, answers),
            code=submitted_code(self.session, question.id),
        )
        if fallback:
            self._emit(Fallback(session_id=self.session.id, stage="judge", reason=fallback))
        elif llm is not None:
            self._llm_ok()
        self._emit(AnswerGraded(session_id=self.session.id, question_id=question.id, grade=grade))

    def _exchanges(self, question: Question, answers: list[str]) -> list[tuple[str, str]] | None:
        """Each answer with the prompt it replied to (the question, then each follow-up), for the
        judges; None when the transcript does not hold exactly these answers."""
        replies = [t.text for t in self.session.turns if t.question_id == question.id and t.kind == "answer"]
        return exchanges(self.session, question) if replies == answers else None

    # -- decisions -------------------------------------------------------------------------
    def _coverage_read(self, question: Question, answers: list[str]) -> Coverage:
        """Coverage of the bounded, representative part of ``answers`` the decision reads (the turn
        comes back at once whatever the length). Runs in a worker thread: choosing that part scans
        every sentence of the answer (~30 ms for a 30k-character paste), which the event loop, busy
        drawing the submitted answer, must not wait for."""
        return self.judge.coverage(question, representative(question, answers, self.judge.embedded), fine=False)

    async def _decide(
        self,
        question: Question,
        answers: list[str],
        asked: list[str],
        probed: set[str],
        hits: list[Hit],
        follow_index: int,
        done: set[str] | None = None,
    ) -> Decision:
        remaining = self.limits.max_follow_ups - follow_index
        if remaining <= 0:  # no follow-up left to ask: the answer is not read (it is graded later)
            return Decision("move_on", "budget")
        answer = "\n".join(answers)
        coverage = await asyncio.to_thread(self._coverage_read, question, answers)
        targets = self.plan.targets.get(question.id, [])
        offline = offline_decision(
            question, coverage, asked, probed, remaining, self.lang, answer, done or (), targets=targets
        )
        llm = self._llm()
        if llm is None or remaining <= 0:
            return offline
        lang = self.lang
        missing = [{"id": p.key_point.id, "text": p.key_point.text.get(lang)} for p in coverage.missing()]
        due = [
            {"id": p.key_point.id, "text": p.key_point.text.get(lang)} for p in open_targets(coverage, targets, probed)
        ]
        covered = [
            {"id": p.key_point.id, "text": p.key_point.text.get(lang), "evidence": (p.evidence or "")[:200]}
            for p in coverage.covered()
        ]
        errors = [
            {"id": e.key_point.id, "quote": e.quote[:300], "correction": e.claim_error(lang).correction}
            for e in coverage.errors
        ]
        doubts = [
            {"id": d.key_point.id, "quote": d.quote[:300], "claim": claim_of(d.misconception, lang)}
            for d in coverage.open_doubts()
            if d.key_point.id not in probed
        ][:3]
        msgs = prompt_messages(
            "follow_up",
            self.lang,
            question=question.prompt(self.lang),
            track=question.track,
            difficulty=question.difficulty,
            missing=missing,
            covered=covered,
            errors=errors,
            doubts=doubts,
            targets=due,
            strong=strong(coverage),
            asked=asked,
            remaining=remaining,
            references=[{"chunk_id": h.chunk.chunk_id, "text": h.chunk.text[:600]} for h in hits[:3]],
            answers=[a[:4000] for a in answers],
        )
        try:
            reply = await llm.structured(msgs, LLMDecision, purpose="follow_up")
        except LLMError as exc:
            self._emit(Fallback(session_id=self.session.id, stage="follow_up", reason=str(exc)[:200]))
            self._llm_failed(exc)
            return offline
        self._llm_ok()
        checked = check_llm_decision(question, reply, coverage, asked, probed, targets)
        if checked is None:
            reason = (
                "model follow-up left a due practice point unasked"
                if skips_target(reply, coverage, targets, probed)
                else "model follow-up repeated an earlier one or targeted a covered point"
            )
            self._emit(Fallback(session_id=self.session.id, stage="follow_up", reason=reason))
            return offline
        if checked.action == "follow_up" and self.stream_follow_ups:
            error = next((e for e in coverage.errors if e.key_point.id == checked.key_point), None)
            phrased = await self._phrase(llm, question, checked, answers[-1], error)
            if phrased and any(similar(phrased, earlier) for earlier in asked):
                # the persona's wording escaped the repeat check made on the decision: keep the decision's
                self._emit(
                    Fallback(
                        session_id=self.session.id,
                        stage="persona",
                        reason="persona repeated an earlier follow-up; kept the decision's wording",
                    )
                )
            elif phrased:
                checked.text = phrased
        return checked

    async def _phrase(
        self, llm: ChatModel, question: Question, decision: Decision, last_answer: str, error: FoundError | None = None
    ) -> str:
        """Let the persona phrase the follow-up, streaming tokens to the UI; '' on failure. With
        ``error`` (a wrong claim about the targeted point) the persona pushes back on it."""
        target = next(
            (k.text.get(self.lang) for _, k in question.rubric.key_points() if k.id == decision.key_point), ""
        )
        msgs = prompt_messages(
            "persona",
            self.lang,
            question=question.prompt(self.lang),
            target=target,
            last_answer=last_answer[:3000],
            said=error.quote[:300] if error is not None else "",
            correction=error.claim_error(self.lang).correction if error is not None else "",
        )
        try:
            text = await llm.complete(
                msgs,
                purpose="persona",
                max_tokens=120,
                on_token=lambda t: self._emit(TokenStreamed(session_id=self.session.id, text=t)),
            )
        except LLMError as exc:
            self._emit(Fallback(session_id=self.session.id, stage="persona", reason=str(exc)[:200]))
            self._llm_failed(exc)
            return ""
        self._llm_ok()
        text = text.strip()
        return clip_follow_up(text) if len(text) > MAX_FOLLOW_UP_CHARS else text

    def _note_titles(self) -> dict[str, str]:
        """Note id -> title, from the passages the retriever holds (none without one)."""
        by_id = getattr(self.retriever, "by_id", None) or {}
        return {ref.split("::")[0]: chunk.title for ref, chunk in by_id.items() if getattr(chunk, "title", "")}

    async def _summary(self) -> str:
        titles = self._note_titles()
        text = offline_summary(self.session, self.questions, self.lang, titles, self.tracks)
        llm = self._llm()
        if llm is None or not self.session.grades:
            return text
        try:
            msgs = llm_summary_messages(self.session, self.questions, self.lang, titles)
            return (
                await llm.complete(
                    msgs,
                    purpose="summary",
                    max_tokens=600,
                    on_token=lambda t: self._emit(TokenStreamed(session_id=self.session.id, text=t)),
                )
            ).strip() or text
        except LLMError as exc:
            self._emit(Fallback(session_id=self.session.id, stage="summary", reason=str(exc)[:200]))
            self._llm_failed(exc)
            return text
