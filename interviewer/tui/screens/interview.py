"""Interview: the conversation, an answer editor, progress, an optional timer and a grading indicator.

The agent runs in a worker and this screen only consumes its events (see ``_handle``); answers go
back through a :class:`~interviewer.tui.source.QueueAnswerSource`. Grading of a closed question
finishes after the next question is asked, so a quiet indicator counts answers still being graded.

An answer is never dropped: when the database is locked by another process, the store keeps the
answer in a local journal and retries; this screen puts the answer back in the editor (read-only),
says what is happening, and takes the next answer only once the store has committed it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Label, Markdown, TextArea
from textual.widgets.markdown import MarkdownStream

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
from interviewer.messages import msg
from interviewer.tui import format as fmt
from interviewer.tui.i18n import fallback_notice, fallback_title, localize_bindings
from interviewer.tui.screens.coding_desk import CodingDesk, shown_answer
from interviewer.tui.source import QueueAnswerSource
from interviewer.tui.widgets import AnswerTurn, InterviewerTurn, NoteTurn

if TYPE_CHECKING:
    from interviewer.agent.loop import Interviewer
    from interviewer.domain import Question, Session
    from interviewer.services import Draft
    from interviewer.tui.app import InterviewerApp, InterviewOptions

SPINNER = "◐◓◑◒"
STATE_STYLES = {
    "starting": "dim",
    "listening": "green",
    "thinking": "dim italic",
    "ending": "dim italic",
    "ended": "green",
    "failed": "red",
}
NOTED_CLOSES = ("covered", "budget", "repeat", "model", "ended", "turn_limit")
"""Why a question closed, for the reasons the conversation mentions (a line each in i18n)."""
SAVE_POLL_S = 0.25
DRAFT_SAVE_S = 1.0
"""Pause in typing after which the unsent draft is saved to the store (it survives a crash)."""
WRAP_LIMIT = 50_000
"""Past this many characters the editor stops soft-wrapping: re-wrapping a huge paste on every
key press would make typing lag (a 200 KB single line costs ~0.7 s per key with wrapping on)."""


class InterviewScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("f5", "submit", "Submit", show=False, priority=True),
        Binding("ctrl+j", "submit", "Submit", show=False, priority=True),
        Binding("ctrl+enter", "submit", "Submit", show=False, priority=True),
        Binding("ctrl+n", "skip", "Skip", priority=True),
        Binding("f4", "code", "Code editor", show=False, priority=True),
        Binding("f8", "skip", "Skip", show=False, priority=True),
        Binding("ctrl+g", "end", "End", priority=True),
        Binding("f9", "end", "End", show=False, priority=True),
        Binding("escape", "leave", "Pause", priority=True),
        Binding("ctrl+up", "scroll_conversation(-1)", "Scroll up", show=False, priority=True),
        Binding("ctrl+down", "scroll_conversation(1)", "Scroll down", show=False, priority=True),
        Binding("f1", "app.help", "Help"),  # the app's, relabelled with the session's language
    ]

    def __init__(self, options: InterviewOptions | None = None, resume: str | None = None) -> None:
        super().__init__()
        self.options = options
        self.resume_id = resume
        self.source = QueueAnswerSource(on_prompt=self._on_prompt)
        self.session_id = resume or ""
        self.phase = "starting"
        """starting → listening ⇄ thinking → ending → ended (or failed)."""
        self.question_index = 0
        self.total = options.count if options else 0
        self.lang = options.lang if options else "en"
        self._answered: set[str] = set()
        self._graded: set[str] = set()
        self._precompute_timer: Timer | None = None
        self._precompute_stop = threading.Event()
        self._grading: set[str] = set()
        self._stream_turn: InterviewerTurn | None = None
        self._stream: MarkdownStream | None = None
        self._shown: tuple[str, int] | None = None
        """The last interviewer prompt on screen, as (question id, follow-up index)."""
        self._prompt: QuestionAsked | FollowUpAsked | None = None
        """The prompt the agent waits on, until it is on screen."""
        self._timed_question = ""
        self._question_started = time.monotonic()
        self._timer_warned = False
        self._spin = 0
        self._status_shown: dict[str, tuple[str, str]] = {}
        self.ended: SessionEnded | None = None
        self._submitted = ""
        """The last answer submitted, until the store has committed it."""
        self.saving = False
        """The store holds events it could not write yet (database locked): the editor keeps the
        answer, read-only, and the next prompt waits."""
        self._save_timer: Timer | None = None
        self._listening_to: tuple[str, int] | None = None
        """The prompt the editor's text answers, while listening: the key the draft is saved under."""
        self._draft_timer: Timer | None = None
        self._draft_saved: tuple[str, str] = ("", "")
        """The (text, code) last saved as the draft."""
        self._draft: Draft | None = None
        self._targets: dict[str, list[str]] = dict(options.targets) if options else {}
        """A practice session's question id -> the key points it practises (a resumed one: as recorded)."""
        self.coding = CodingDesk(self)
        """Coding questions: their code editor and the code that goes with the answer."""
        """The draft saved by an earlier run of a resumed session, until it is back in the editor."""

    @property
    def iapp(self) -> InterviewerApp:
        return cast("InterviewerApp", self.app)

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="interview-status"):
            yield Label(msg("preparing", self.lang), id="progress")
            yield Label("", id="state")
            yield Label("", id="grading")
            yield Label("", id="timer")
        yield VerticalScroll(id="conversation")
        area = TextArea(id="answer", soft_wrap=True, tab_behavior="indent")
        self._name_editor(area)
        yield area
        yield Footer()

    def _name_editor(self, area: TextArea) -> None:
        """The editor's title and placeholder, in the session's language (known once it is built)."""
        area.border_title = msg("editor.title", self.lang)
        area.border_subtitle = msg("editor.keys", self.lang)
        area.placeholder = msg("editor.placeholder", self.lang)

    async def on_mount(self) -> None:
        area = self.query_one("#answer", TextArea)
        area.cursor_blink = self.iapp.cursor_blink
        area.read_only = True  # until the first question is on screen: nothing to answer yet
        area.focus()
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.anchor()
        await conversation.mount(NoteTurn(msg("preparing_note", self.lang)))
        self.sub_title = msg("title.starting", self.lang)
        self._spinner = self.set_interval(0.25, self._tick_spinner, pause=True)
        self.watch(self.iapp, "warm_progress", lambda _: self._refresh_status(), init=False)
        if self.iapp.settings.question_timer_s > 0:
            self.set_interval(1.0, self._tick_timer)
        self.run_interview()

    # -- the agent -----------------------------------------------------------------------------
    def _build(self) -> tuple[Interviewer, Session | None]:
        """Build the interviewer (in a thread: may import the LLM client and read the store)."""
        from interviewer.agent.loop import InterviewPlan
        from interviewer.tui.options import ServicesUnavailable

        services = self.iapp.services
        if self.resume_id:
            session = services.load_session(self.resume_id)
            if session.status != "active":
                raise ServicesUnavailable(f"session {session.id} is {session.status}; there is nothing to resume")
            plan = InterviewPlan(
                count=session.count, tracks=list(session.tracks), difficulty=session.difficulty, lang=session.lang
            )
            return services.interviewer(plan, model=session.model, session=session), session
        assert self.options is not None
        o = self.options
        plan = InterviewPlan(
            count=o.count,
            tracks=list(o.tracks),
            difficulty=o.difficulty,
            lang=o.lang,
            forced=list(o.forced),
            targets={q: list(k) for q, k in o.targets.items()},
        )
        return services.interviewer(plan, model=o.model), None

    @work(exclusive=True, group="interview", name="interview")
    async def run_interview(self) -> None:
        try:
            await self.iapp.wait_ready()
            interviewer, restored = await asyncio.to_thread(self._build)
        except Exception as exc:
            await self._fail(msg("fail.start", self.lang, error=exc))
            return
        self.session_id = interviewer.session.id
        self.lang = interviewer.lang
        self._targets = {q: list(k) for q, k in interviewer.plan.targets.items()}
        self._name_editor(self.query_one("#answer", TextArea))
        localize_bindings(self, self.lang)
        self.total = interviewer.plan.count
        await self._clear_conversation()
        intro = self._practice_intro()
        if intro:
            await self._add(NoteTurn(intro))
        if restored is not None:
            await self._show_restored(restored)
            self._draft = await asyncio.to_thread(self._load_draft, restored.id)
        self.phase = "thinking"
        self._refresh_status()
        events = interviewer.events(self.source)
        try:
            async for event in events:
                await self._handle(event)
        except Exception as exc:  # the session stays in the store, resumable
            if self.is_attached:
                await self._fail(msg("fail.stopped", self.lang, error=f"{type(exc).__name__}: {exc}"))
            return
        finally:
            await events.aclose()
        while self._store_pending():  # the feedback reads the store: let it hold the whole session
            self._start_saving()
            await asyncio.sleep(SAVE_POLL_S)
        self._check_saved()
        if self.ended is not None:
            self.phase = "ended"
            if self.is_current:
                self._show_feedback()

    def on_screen_resume(self) -> None:
        if self.phase == "ended":  # the interview finished while a dialog was open
            self._show_feedback()

    def _show_feedback(self) -> None:
        from interviewer.tui.screens.feedback import FeedbackScreen

        self.app.switch_screen(FeedbackScreen(self.session_id))

    async def _fail(self, message: str) -> None:
        self.phase = "failed"
        self._restore_answer(read_only=False)  # whatever stopped the interview, the text stays to copy
        self._refresh_status()
        try:
            await self._add(NoteTurn(message, classes="error"))
        except NoMatches:  # the screen is being torn down
            return
        self.notify(message, severity="error", timeout=8)

    async def _handle(self, event: Event) -> None:
        if isinstance(event, TokenStreamed):
            await self._stream_token(event.text)
        elif isinstance(event, SessionStarted):
            self.session_id = event.session_id
        elif isinstance(event, QuestionAsked):
            await self._end_stream(None, "")
            self.question_index, self.total = event.index, event.total
            label = f"{msg('question', self.lang, n=event.index, total=event.total)} · {fmt.track_name(event.track, self.lang, self.iapp.services.loaded_tracks())}"
            if event.difficulty:
                label += f" · {fmt.stars(event.difficulty)}"
            await self._add(InterviewerTurn(label, event.text, note=self._practice_note(event.question_id)))
            self._on_screen((event.question_id, 0))
        elif isinstance(event, FollowUpAsked):
            label = msg("follow_up", self.lang, n=event.follow_up_index)
            if self._stream_turn is not None:
                await self._end_stream(label, event.text)
            else:
                await self._add(InterviewerTurn(label, event.text))
            self._on_screen((event.question_id, event.follow_up_index))
        elif isinstance(event, AnswerReceived):
            self._answered.add(event.question_id)
            shown = shown_answer(event.text, event.code, self.lang)
            await self._add(AnswerTurn(self._answer_label(event.follow_up_index), shown, self.lang))
            if self._store_pending():
                self._start_saving()
            else:
                self._submitted = ""
        elif isinstance(event, QuestionClosed):
            await self._question_closed(event)
        elif isinstance(event, AnswerGraded):
            self._graded.add(event.question_id)
            self._grading.discard(event.question_id)
        elif isinstance(event, Fallback):
            notice = fallback_notice(event.stage, event.reason, self.lang)
            self.notify(notice, title=fallback_title(event.stage, self.lang), severity="warning")
        elif isinstance(event, SessionEnded):
            await self._end_stream(msg("summary", self.lang), event.summary)
            self.ended = event
        self._refresh_status()

    async def _question_closed(self, event: QuestionClosed) -> None:
        qid = event.question_id
        if event.reason == "skipped":
            await self._add(NoteTurn(msg("skipped", self.lang)))
            return
        if qid in self._answered and qid not in self._graded:
            self._grading.add(qid)
        if event.reason in NOTED_CLOSES:
            await self._add(NoteTurn(msg(f"close.{event.reason}", self.lang)))

    @property
    def practice(self) -> str:
        """The kind of practice session ('review', 'new', 'diagnostic'), or '' for an interview (a
        resumed session is a practice one when it was recorded with targets)."""
        if self.resume_id:
            return "review" if self._targets else ""
        return self.options.practice if self.options is not None else ""

    def _practice_intro(self) -> str:
        """What this practice session is: due points, new material (nothing due) or a diagnostic."""
        o = self.options
        if not self.practice or o is None:
            return ""
        lang = self.lang
        if self.practice == "diagnostic":
            return msg("practice.diagnostic", lang)
        total = len(o.forced)
        due = sum(1 for q in o.forced if o.targets.get(q))
        if self.practice == "new" or not due:
            return msg("practice.new", lang, n=total, s="s" if total != 1 else "")
        if due == total:
            return msg("practice.review", lang, n=due, s="s" if due != 1 else "")
        return msg("practice.review_new", lang, due=due, new=total - due, s="s" if due != 1 else "")

    def _practice_note(self, question_id: str) -> str:
        """A practice question's dim line: the key points it practises (short), or 'new material'."""
        if not self.practice or self.practice == "diagnostic":
            return ""
        targets = self._targets.get(question_id, [])
        if not targets:
            return msg("practice.fresh", self.lang)
        question = self.iapp.services.bank.questions.get(question_id)
        texts = {kp.id: kp.text.get(self.lang) for _, kp in question.rubric.key_points()} if question else {}
        points = msg("sep.semicolon", self.lang).join(fmt.one_line(texts.get(kp) or kp, 48) for kp in targets[:3])
        if len(targets) > 3:
            points += f" (+{len(targets) - 3})"
        return msg("practice.targets", self.lang, points=points)

    def _answer_label(self, follow_up_index: int) -> str:
        if follow_up_index == 0:
            return msg("your_answer", self.lang)
        return msg("your_answer_to", self.lang, n=follow_up_index)

    @staticmethod
    def _key(prompt: QuestionAsked | FollowUpAsked) -> tuple[str, int]:
        return prompt.question_id, prompt.follow_up_index if isinstance(prompt, FollowUpAsked) else 0

    def _on_prompt(self, prompt: QuestionAsked | FollowUpAsked) -> None:
        """The agent waits for the user. It asks before this screen has drawn the prompt (events are
        queued), so the editor turns to 'your turn' only once the prompt is on screen; a resumed
        prompt is already on screen (restored transcript) and is never emitted again."""
        self._prompt = prompt
        if self._key(prompt) == self._shown:
            self._listen()

    def _on_screen(self, key: tuple[str, int]) -> None:
        self._shown = key
        if self._prompt is not None and self._key(self._prompt) == key:
            self._listen()

    def _listen(self) -> None:
        if self.saving:
            return  # the previous answer is not in the database yet: _check_saved listens later
        prompt, self._prompt = self._prompt, None
        if prompt is None or self.source.waiting is not prompt:
            return
        if isinstance(prompt, QuestionAsked):
            self.question_index, self.total = prompt.index, prompt.total
        if prompt.question_id != self._timed_question:
            self._timed_question = prompt.question_id
            self._question_started = time.monotonic()
            self._timer_warned = False
        self.phase = "listening"
        self._listening_to = self._key(prompt)
        area = self.query_one("#answer", TextArea)
        if area.read_only and not area.text:  # the first prompt: the editor opens
            area.read_only = False
        self._restore_draft(area)
        self.coding.on_listen(prompt)
        self._refresh_status()

    # -- streaming -------------------------------------------------------------------------------
    async def _stream_token(self, text: str) -> None:
        if self._stream_turn is None:
            turn = InterviewerTurn("Interviewer…", "", classes="streaming")
            await self._add(turn)
            self._stream_turn = turn
            self._stream = Markdown.get_stream(turn.body)
        assert self._stream is not None
        await self._stream.write(text)

    async def _end_stream(self, label: str | None, text: str) -> None:
        turn, stream = self._stream_turn, self._stream
        self._stream_turn = self._stream = None
        if stream is not None:
            await stream.stop()
        if turn is not None:
            turn.remove_class("streaming")
            if label is not None and text:
                await turn.finish(label, text)

    # -- conversation ----------------------------------------------------------------------------
    async def _add(self, widget: Widget) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        await conversation.mount(widget)
        conversation.scroll_end(animate=False, immediate=False)

    async def _clear_conversation(self) -> None:
        await self.query_one("#conversation", VerticalScroll).remove_children()

    async def _show_restored(self, session: Session) -> None:
        """Show the transcript so far of a resumed session."""
        asked = session.asked()
        widgets: list[Widget] = [NoteTurn(msg("resuming", self.lang, when=fmt.when(session.started_at)))]
        for turn in session.turns:
            if turn.kind == "question":
                n = asked.index(turn.question_id) + 1
                label = msg("question", self.lang, n=n, total=session.count)
                widgets.append(InterviewerTurn(label, turn.text, note=self._practice_note(turn.question_id)))
                self.question_index = n
            elif turn.kind == "follow_up":
                widgets.append(InterviewerTurn(msg("follow_up", self.lang, n=turn.follow_up_index), turn.text))
            elif turn.kind == "answer":
                self._answered.add(turn.question_id)
                shown = shown_answer(turn.text, turn.code, self.lang)
                widgets.append(AnswerTurn(self._answer_label(turn.follow_up_index), shown, self.lang))
            elif turn.kind == "skip":
                widgets.append(NoteTurn(msg("skipped", self.lang)))
        self._graded |= set(session.grades)
        last = next((t for t in reversed(session.turns) if t.role == "interviewer"), None)
        if last is not None:
            self._shown = (last.question_id, last.follow_up_index)
        conversation = self.query_one("#conversation", VerticalScroll)
        await conversation.mount_all(widgets)
        conversation.scroll_end(animate=False)

    # -- status line -----------------------------------------------------------------------------
    def _refresh_status(self) -> None:
        with contextlib.suppress(NoMatches):  # NoMatches: the screen is being torn down
            self._draw_status()

    def _set_label(self, selector: str, text: Text | str) -> None:
        """Update a status field only when it changed. The fields have fixed widths (app.tcss), so an
        update repaints the field alone instead of re-laying out the whole conversation."""
        key = str(text), str(text.style) if isinstance(text, Text) else ""
        if self._status_shown.get(selector) != key:
            self._status_shown[selector] = key
            self.query_one(selector, Label).update(text, layout=False)

    def _draw_status(self) -> None:
        lang = self.lang
        numbered = "practice.question" if self.practice else "question"
        progress = (
            msg(numbered, lang, n=self.question_index, total=self.total)
            if self.question_index
            else msg("preparing", lang)
        )
        self._set_label("#progress", Text(progress, style="bold"))
        if self.sub_title != progress:
            self.sub_title = progress
        if self.saving and self.phase not in ("failed", "ended"):
            self._set_label("#state", Text(msg("save.state", lang), style="bold yellow"))
        else:
            state = msg(f"state.{self.phase}", lang)
            if self.phase == "starting" and self.iapp.warm_progress:  # first run: the note index is built
                done, total = self.iapp.warm_progress
                state = msg("warm.indexing", lang, done=done, total=total)
            self._set_label("#state", Text(state, style=STATE_STYLES[self.phase]))
        if self._grading:
            n = len(self._grading)
            frame = SPINNER[self._spin % len(SPINNER)]
            count = msg("grading", self.lang, n=n, s="s" if n > 1 else "")
            self._set_label("#grading", Text(f"{frame} {count}", style="dim"))
            self._spinner.resume()
        else:
            self._set_label("#grading", "")
            self._spinner.pause()

    def _tick_spinner(self) -> None:
        self._spin += 1
        self._refresh_status()

    def _tick_timer(self) -> None:
        limit = self.iapp.settings.question_timer_s
        if self.phase not in ("listening", "thinking") or not self.question_index:
            self._set_label("#timer", "")
            return
        left = limit - int(time.monotonic() - self._question_started)
        if left >= 0:
            self._set_label(
                "#timer", Text(f"⏱ {left // 60}:{left % 60:02d}", style="bold" if left > 30 else "bold yellow")
            )
            return
        over = -left
        self._set_label("#timer", Text(f"⏱ +{over // 60}:{over % 60:02d}", style="bold red"))
        if not self._timer_warned:
            self._timer_warned = True
            self.notify(msg("notice.time_up", self.lang), severity="warning")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        area = event.text_area
        wrap = len(area.text) <= WRAP_LIMIT
        if area.soft_wrap != wrap:
            area.soft_wrap = wrap
        # While the candidate pauses typing, embed the draft's sentences in the background: the
        # follow-up decision on submit then only looks them up.
        if self._precompute_timer is not None:
            self._precompute_timer.stop()
        self._precompute_timer = self.set_timer(0.6, self._precompute_draft)
        self.save_draft_soon()

    def save_draft_soon(self) -> None:
        """Save the draft once typing (here or in the code editor) pauses."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_S, self._save_draft_soon)

    def _precompute_draft(self) -> None:
        text = self.query_one("#answer", TextArea).text
        if self.phase == "listening" and text.strip() and len(text) <= WRAP_LIMIT and self.iapp.is_ready:
            question = self.iapp.services.bank.questions.get(self._listening_to[0] if self._listening_to else "")
            if question is not None:
                self._precompute_stop.set()  # an older draft's reading stops at its next batch
                self._precompute_stop = threading.Event()
                self._precompute(text, question, self._precompute_stop)

    @work(thread=True, group="precompute")
    def _precompute(self, text: str, question: Question, stop: threading.Event) -> None:
        self.iapp.services.read_ahead(question, text, stop)

    # -- saving under a locked database ----------------------------------------------------------
    def _store_pending(self) -> int:
        return self.iapp.services.pending_writes

    def _start_saving(self) -> None:
        """The store could not commit yet: keep the answer in the editor and say so, once."""
        self._restore_answer(read_only=True)
        if self.saving:
            return
        self.saving = True
        journal = self.iapp.services.journal_path or "a local journal"
        self.notify(msg("save.locked", self.lang, journal=journal), severity="warning", timeout=15)
        if self._save_timer is None:
            self._save_timer = self.set_interval(SAVE_POLL_S, self._check_saved)
        self._refresh_status()

    def _restore_answer(self, *, read_only: bool) -> None:
        """Put the submitted answer back in an empty editor (it was cleared on submit)."""
        if not self._submitted:
            return
        with contextlib.suppress(NoMatches):
            area = self.query_one("#answer", TextArea)
            if not area.text.strip():
                area.text = self._submitted
                area.move_cursor(area.document.end)
            area.read_only = read_only and area.text == self._submitted

    def _check_saved(self) -> None:
        if not self.saving or self._store_pending():
            return
        self.saving = False
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        with contextlib.suppress(NoMatches):
            area = self.query_one("#answer", TextArea)
            if area.read_only and area.text == self._submitted:
                area.clear()
            area.read_only = False
        self._submitted = ""
        self.notify(msg("save.saved", self.lang))
        self._refresh_status()
        if self._prompt is not None and self._key(self._prompt) == self._shown:
            self._listen()

    # -- actions ---------------------------------------------------------------------------------
    def action_submit(self) -> None:
        if self.phase == "starting":  # nothing asked yet: the editor is read-only until it is
            self.notify(msg("notice.starting", self.lang))
            return
        area = self.query_one("#answer", TextArea)
        text = area.text
        waiting = self.source.waiting
        if not text.strip() and not (waiting is not None and self.coding.code_for(waiting.question_id)):
            self.notify(msg("notice.empty", self.lang), severity="warning")
            area.focus()
            return
        self.send_answer(text)

    def action_code(self) -> None:
        self.coding.open()

    def send_answer(self, text: str) -> None:
        """Send ``text`` as the answer, with a coding question's code not sent yet."""
        area = self.query_one("#answer", TextArea)
        waiting = self.source.waiting
        code = self.coding.code_for(waiting.question_id) if waiting is not None else ""
        if self.phase != "listening" or not self.source.answer(text, code=code):
            self.notify(msg("notice.not_waiting", self.lang))
            return
        if waiting is not None:
            self.coding.sent(waiting.question_id)
        self._submitted = text  # back in the editor if the store cannot commit it (see _start_saving)
        self._precompute_stop.set()  # the decision must not queue behind the draft's read-ahead
        area.clear()
        area.focus()
        self.phase = "thinking"
        self._refresh_status()

    def action_skip(self) -> None:
        if self.phase != "listening" or self.source.waiting is None:
            self.notify(msg("notice.nothing_to_skip", self.lang))
            return
        from interviewer.tui.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            if self.phase != "listening" or not self.source.skip():
                self.notify(msg("notice.nothing_to_skip", self.lang))
                return
            self.phase = "thinking"
            self._refresh_status()

        self.app.push_screen(ConfirmScreen(msg("confirm.skip", self.lang), lang=self.lang), confirmed)

    def action_end(self) -> None:
        if self.phase in ("ending", "ended", "failed"):
            return
        from interviewer.tui.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes and self.source.end():
                self.phase = "ending"
                self._refresh_status()

        self.app.push_screen(ConfirmScreen(msg("confirm.end", self.lang), lang=self.lang), confirmed)

    def action_leave(self) -> None:
        if self.phase in ("ended", "failed", "starting") or not self.session_id:
            self.app.pop_screen()
            return
        from interviewer.tui.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.keep_draft()
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(msg("confirm.pause", self.lang), lang=self.lang), confirmed)

    @property
    def in_progress(self) -> bool:
        """An interview is running that quitting would interrupt (it stays resumable from Home)."""
        return bool(self.session_id) and self.phase not in ("ended", "failed")

    def keep_draft(self) -> None:
        """The interview is paused or the app quits (confirmed): save the unsent draft now."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        job = self._draft_job()
        if job is not None:
            self._write_draft(*job)

    # -- the unsent draft ------------------------------------------------------------------------
    def _load_draft(self, session_id: str) -> Draft | None:
        return self.iapp.services.draft(session_id)

    def _restore_draft(self, area: TextArea) -> None:
        """Put a resumed session's saved draft back in the editor when its prompt is the one asked."""
        draft, self._draft = self._draft, None
        if draft is None:
            return
        if (draft.question_id, draft.follow_up_index) != self._listening_to or area.text.strip():
            return
        self._draft_saved = (draft.text, draft.code)
        if draft.code.strip():  # a coding question's code: its editor opens with it
            self.coding.restore(draft.question_id, draft.code, draft.text)
        area.text = draft.text
        area.move_cursor(area.document.end)
        self.notify(msg("notice.draft_restored", self.lang))

    def _draft_job(self) -> tuple[str, str, int, str, str] | None:
        """(session, question, follow-up index, text, code) to save, or None when nothing changed or
        the editor answers no prompt (the interviewer is thinking, the answer is being saved)."""
        if self.phase != "listening" or self.saving or not self.session_id or self._listening_to is None:
            return None
        with contextlib.suppress(NoMatches):
            text = self.query_one("#answer", TextArea).text
            code = self.coding.draft_code(self._listening_to[0])
            if (text, code) != self._draft_saved:
                return self.session_id, *self._listening_to, text, code
        return None

    def _write_draft(self, session_id: str, question_id: str, follow_up_index: int, text: str, code: str) -> None:
        if self.iapp.services.save_draft(session_id, question_id, follow_up_index, text, code):
            self._draft_saved = (text, code)

    def _save_draft_soon(self) -> None:
        job = self._draft_job()
        if job is not None:
            self._save_draft_in_background(*job)

    @work(thread=True, exclusive=True, group="draft")
    def _save_draft_in_background(
        self, session_id: str, question_id: str, follow_up_index: int, text: str, code: str
    ) -> None:
        self._write_draft(session_id, question_id, follow_up_index, text, code)

    def action_scroll_conversation(self, direction: int) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.scroll_relative(y=direction * max(1, conversation.size.height // 2), animate=False)
