"""Wiring: build the bank, retriever, judges, LLM client and store from settings, lazily.

Nothing heavy is imported until a part is first used, so the CLI and the TUI start fast.
This is the application API of the TUI: it reads sessions, drafts, grades and progress through
the methods below and catches the store's errors re-exported here, never importing the store or a
judge itself (a contract in pyproject.toml). Tests build a ``Services`` with their own settings and inject fakes (e.g. ``llm=FakeLLM(...)``).
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer import paths
from interviewer.config import Settings
from interviewer.store.rows import Draft, SessionRow, StoreError, UnknownSession

__all__ = ["Draft", "Services", "SessionRow", "StoreError", "UnknownSession"]

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from interviewer.agent.loop import Interviewer, InterviewPlan
    from interviewer.bank import Bank
    from interviewer.domain import Grade, Lang, Question, Session, Track
    from interviewer.judge.offline import OfflineJudge
    from interviewer.judge.references import ReferenceFinder
    from interviewer.judge.service import Judge
    from interviewer.llm.client import LLMClient
    from interviewer.progress import Progress
    from interviewer.rag.retriever import Retriever
    from interviewer.store.db import Store
    from interviewer.study.practice import PracticePlan


class Services:
    def __init__(self, settings: Settings, *, llm: Any = None, store: Any = None, bank: Any = None) -> None:
        self.settings = settings
        self._llm = llm
        self._store = store
        self._bank = bank
        self._lock = threading.RLock()

    @property
    def home(self) -> Path:
        return self.settings.home

    @cached_property
    def bank(self) -> Bank:
        if self._bank is not None:
            return self._bank  # type: ignore[no-any-return]
        from interviewer.bank import load_bank

        extra = [Path(self.settings.bank)] if self.settings.bank else []
        return load_bank(extra, cache_dir=paths.cache_dir(self.home))

    @property
    def tracks(self) -> dict[str, Track]:
        """The bank's tracks in its order (loads the bank)."""
        return self.bank.tracks

    def loaded_tracks(self) -> Mapping[str, Track]:
        """The bank's tracks once the bank is loaded, else none: never loads it (Home paints before
        the bank is read, in the warm-up thread; a name then shows as its track id)."""
        if self._bank is not None or "bank" in self.__dict__:
            return self.bank.tracks
        return {}

    @cached_property
    def retriever(self) -> Retriever:
        from interviewer.rag.corpus import corpus_for
        from interviewer.rag.embedders import get_embedder
        from interviewer.rag.index import NoteIndex
        from interviewer.rag.retriever import Retriever

        embedder = get_embedder(self.settings.embedder)
        index = NoteIndex(
            paths.index_dir(self.home), embedder, url=self.settings.chroma_url, timeout_s=self.settings.timeout_s
        )
        chunks, lexicon = corpus_for(self.bank, paths.cache_dir(self.home))
        return Retriever(chunks, index, lexicon=lexicon)

    @cached_property
    def references(self) -> ReferenceFinder:
        from interviewer.judge.references import ReferenceFinder

        return ReferenceFinder(self.retriever)

    @cached_property
    def offline_judge(self) -> OfflineJudge:
        from interviewer.judge.calibration import calibration_for
        from interviewer.judge.offline import OfflineJudge

        embedder = self.retriever.embedder
        table = calibration_for(embedder.spec)
        if table is not None:
            return OfflineJudge(embedder, self.references, calibration=table, neighbours=self.bank.neighbours)
        # Similarities mean different things to different embedders: without a calibration for the
        # configured one, grade with the bundled e5-small (retrieval keeps the configured embedder).
        from interviewer.rag.embedders import get_embedder

        note = f"graded with e5-small: the offline judge has no calibration for {embedder.spec}"
        return OfflineJudge(
            get_embedder("e5-small"),
            self.references,
            calibration=calibration_for("e5-small"),
            note=note,
            neighbours=self.bank.neighbours,
        )

    def llm(self, model: str | None = None) -> LLMClient | None:
        """The LLM client for ``model`` (default: settings.model); None means offline."""
        if self._llm is not None:
            return self._llm  # type: ignore[no-any-return]
        name = model if model is not None else self.settings.model
        if not name:
            return None
        from interviewer.llm.client import LLMClient

        return LLMClient(name, api_base=self.settings.api_base or None, timeout_s=self.settings.timeout_s)

    def _judge_llm(self, model: str | None) -> LLMClient | None:
        """A distinct grading model when settings.judge_model names one (and no model was forced)."""
        judge = self.settings.judge_model
        if self._llm is not None or model is not None or not judge or judge == self.settings.model:
            return None
        return self.llm(judge)

    @cached_property
    def store(self) -> Store:
        if self._store is not None:
            return self._store  # type: ignore[no-any-return]
        from interviewer.store.db import Store

        return Store(paths.db_file(self.home))

    def warm(self) -> None:
        """Load the slow parts (embedder, index, BM25, the Chinese segmenter) ahead of the first question.

        The segmenter's dictionary is built once per home (~1 s, then ~1 ms to open): without it here,
        the first answer of a new home waited for it before its follow-up."""
        self.retriever.warm()
        from interviewer.textproc import load_segmenter

        load_segmenter()

    # -- sessions: what the TUI reads and writes (it never touches the store itself) ------------
    def sessions(self, limit: int = 200, status: str | None = None) -> list[SessionRow]:
        """The most recent stored sessions, newest first (``status`` e.g. "active" filters)."""
        return self.store.sessions(limit, status)

    def load_session(self, session_id: str) -> Session:
        """A stored session (the fold of its events); raises UnknownSession or StoreError."""
        return self.store.load(session_id)

    def all_grades(self) -> list[tuple[str, str, Grade]]:
        """(session id, started at, grade) of every latest grade, oldest session first."""
        return self.store.all_grades()

    def overall_by_session(self, rows: Sequence[SessionRow]) -> dict[str, float | None]:
        """Each of ``rows``' overall score as the session computes it (skipped questions at 0)."""
        from interviewer.progress import overall_by_session

        return overall_by_session(self.store, rows)

    def progress(self, lang: Lang = "en", *, now: datetime | None = None) -> Progress:
        """Per-track scores, retention and the key points due ``now``, from the whole history."""
        from interviewer.progress import compute_progress

        return compute_progress(self.store, self.bank, lang, now=now)

    def draft(self, session_id: str) -> Draft | None:
        """The unsent answer saved for ``session_id``'s open prompt, if any."""
        return self.store.draft(session_id)

    def save_draft(self, session_id: str, question_id: str, follow_up_index: int, text: str, code: str = "") -> bool:
        """Save the unsent answer to a prompt (and a coding question's unsent code); False when it
        could not be saved now (locked)."""
        return self.store.save_draft(session_id, question_id, follow_up_index, text, code)

    @property
    def pending_writes(self) -> int:
        """Events recorded but not committed yet (the database is locked by another process)."""
        return self.store.pending_writes

    @property
    def journal_path(self) -> Path | None:
        """The local journal holding those events, while there are any."""
        return self.store.journal_path

    # -- study ---------------------------------------------------------------------------------
    def practice_plan(
        self, *, count: int | None = None, tracks: Sequence[str] = (), now: datetime | None = None
    ) -> PracticePlan:
        """What to practise ``now`` (default: the current time) from the store's whole history: the
        plan `interviewer practice` prints and the TUI's Practice action asks. ``count`` None lets the
        plan decide (a diagnostic asks one question per track)."""
        from datetime import UTC
        from datetime import datetime as _datetime

        from interviewer.study.practice import plan_practice

        return plan_practice(
            self.store,
            list(self.bank.questions.values()),
            now or _datetime.now(UTC),
            count=count,
            tracks=list(tracks),
            track_order=list(self.bank.tracks),
        )

    def next_due(self, tracks: Sequence[str] = ()) -> datetime | None:
        """When the next key point of these tracks (all: none given) comes due; None without any."""
        from interviewer.study.schedule import build_schedule

        questions = self.bank.questions
        due = [
            c.due
            for c in build_schedule(self.store).cards.values()
            if c.question_id in questions and (not tracks or questions[c.question_id].track in tracks)
        ]
        return min(due, default=None)

    # -- agent -----------------------------------------------------------------------------
    def read_ahead(self, question: Question, text: str, stop: threading.Event | None = None) -> None:
        """Embed a draft answer ahead of its submission (in a worker thread) so that the follow-up
        decision and the grade are quick; stops when ``stop`` is set."""
        from interviewer.agent.reading import read_ahead

        read_ahead(self.judge(), question, text, stop)

    def judge(self) -> Judge:
        from interviewer.judge.service import Judge

        return Judge(self.offline_judge, samples=self.settings.judge_samples, name=self.settings.judge)

    def interviewer(
        self,
        plan: InterviewPlan,
        *,
        model: str | None = None,
        session: Session | None = None,
        sinks: list[Any] | None = None,
        record: bool = True,
    ) -> Interviewer:
        """An interviewer wired to the bank, retriever, judge, LLM (if any) and the store."""
        from interviewer.agent.loop import Interviewer, Limits

        s = self.settings
        if not plan.avoid and record:
            try:
                plan.avoid = set(self.store.recent_question_ids())
            except Exception:
                plan.avoid = set()
        all_sinks = ([self.store.record] if record else []) + list(sinks or [])
        return Interviewer(
            list(self.bank.questions.values()),
            self.judge(),
            self.retriever,
            plan,
            llm=self.llm(model),
            judge_llm=self._judge_llm(model),
            limits=Limits(max_follow_ups=s.max_follow_ups, max_turns=s.max_turns, token_budget=s.token_budget),
            sinks=all_sinks,
            session=session,
            tracks=self.bank.tracks,
        )
