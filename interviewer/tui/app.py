"""The Textual app: Home, Interview, Feedback, History, Replay and Help screens.

The app owns a :class:`~interviewer.services.Services` and warms it in a background thread
once Home's controls are on screen (the bank, then the embedder and the note index), so importing
this module and painting Home never loads litellm, chromadb, torch or the embedding model. Home's
first frame is a light one (title, what is loading, the key bar) painted before the settings
(pydantic) are loaded; its controls are mounted right after it (see HomeScreen.build_controls).
Screens wait on :meth:`InterviewerApp.wait_catalog` (bank and note chunks) or
:meth:`InterviewerApp.wait_ready` (everything an interview needs) before using them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from interviewer import heap
from interviewer.lang_setting import configured_lang
from interviewer.messages import msg, translated
from interviewer.tui.options import InterviewOptions as InterviewOptions
from interviewer.tui.options import Launch as Launch
from interviewer.tui.options import ServicesUnavailable as ServicesUnavailable
from interviewer.tui.options import WarmState

if TYPE_CHECKING:
    from rich.console import RenderableType

    from interviewer.config import Settings
    from interviewer.services import Services


class InterviewerApp(App[None]):
    TITLE = "interviewer"
    SUB_TITLE = "mock interviews for AI/LLM engineers"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
    ]

    warm_state: reactive[WarmState] = reactive("loading")
    warm_detail: reactive[str] = reactive("")
    warm_progress: reactive[tuple[int, int] | None] = reactive(None)
    """(notes indexed, notes) while the note index is built (first run): an interview waiting to
    start shows it in its own language."""

    def __init__(
        self,
        settings: Settings | Callable[[], Settings],
        services: Services | None = None,
        *,
        launch: Launch | None = None,
        cursor_blink: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``settings``, or a function that loads them: then they are loaded when first used (after
        Home's first frame), and Home's first frame speaks the configured language read cheaply."""
        super().__init__()
        if callable(settings):
            self._settings: Settings | None = None
            self._load_settings = settings
            self._first_lang: str = configured_lang()
        else:
            self._settings = settings
            self._first_lang = settings.lang
        self._services = services
        self.launch = launch or Launch()
        self.cursor_blink = cursor_blink
        self.clock = clock or _utc_now
        """The time the study loop reads (what is due, retention now): tests fix it."""
        self._catalog_loaded = asyncio.Event()
        self._services_ready = asyncio.Event()
        self._catalog_error = ""
        self._ready_error = ""
        self.warming = False
        """True while the warm-up thread runs (it cannot be interrupted)."""
        self._warm_started = False
        self.startup_error: Exception | None = None
        self.mounting_home: asyncio.Event | None = None
        """Set once Home's controls are mounted (None before they start to mount)."""
        self._exit_after_mount: tuple[int, RenderableType | None] | None = None
        """Why the app quit at start (the settings could not be loaded): the CLI reports it."""

    @property
    def settings(self) -> Settings:
        """The settings; loaded on first use when the app was given a loader (may raise its error)."""
        if self._settings is None:
            self._settings = self._load_settings()
        return self._settings

    @property
    def services(self) -> Services:
        if self._services is None:
            from interviewer.services import Services

            self._services = Services(self.settings)
        return self._services

    @property
    def lang(self) -> str:
        """The configured language (before the settings are loaded: as read by configured_lang)."""
        return self._settings.lang if self._settings is not None else self._first_lang

    # -- startup -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        from interviewer.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        launch = self.launch
        if launch.interview is not None:
            self.open_interview(launch.interview)
        elif launch.resume:
            self.open_resume(launch.resume)
        elif launch.replay:
            self.open_replay(launch.replay)
        else:
            return  # Home starts the warm-up once its controls are on screen
        self.call_after_refresh(self.start_warm)  # after the first frame: the heavy imports happen off the start path

    def start_warm(self) -> None:
        """Start the warm-up worker, once (Home calls this when its controls are painted)."""
        if self._warm_started:
            return
        self._warm_started = True
        _ = self.services  # built here, on the UI thread, before the worker reads it
        self.warm()

    # Quitting while Home mounts its controls (the first fraction of a second) waits for the mount:
    # Textual would tear down widgets that are still mounting (a Select's list) and raise.
    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        if self.mounting_home is not None and not self.mounting_home.is_set():
            self._exit_after_mount = (return_code, message)
            return
        super().exit(result, return_code, message)

    def home_mounted(self) -> None:
        """Home's controls are mounted and painted: a quit asked for meanwhile happens now."""
        if self.mounting_home is not None:
            self.mounting_home.set()
        if self._exit_after_mount is not None:
            super().exit(None, *self._exit_after_mount)

    async def _shutdown(self) -> None:  # a test that ends at once (run_test) shuts down without exit()
        if self.mounting_home is not None and not self.mounting_home.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.mounting_home.wait(), 5)
        heap.release()
        await super()._shutdown()

    @work(thread=True, exclusive=True, group="warm", name="warm services")
    def warm(self) -> None:
        """Load the bank and note chunks, then the embedder and index (first run: builds it)."""
        self.warming = True
        try:
            self._warm()
        finally:
            self.warming = False

    def _warm(self) -> None:
        services = self.services
        try:
            _ = services.bank
            retriever = services.retriever
        except Exception as exc:  # a broken bank must not crash the UI; Home says what failed
            self.call_from_thread(self._set_catalog, f"{type(exc).__name__}: {exc}")
            self.call_from_thread(self._set_ready, msg("warm.bank_failed", self.lang))
            return
        self.call_from_thread(self._set_catalog, "")
        try:
            index = retriever.index
            if not index.url and not index.is_current(retriever.chunks):
                self.call_from_thread(self._set_warm, "indexing", msg("warm.first_index", self.lang))
                retriever.ensure_index(progress=lambda done, total: self.call_from_thread(self._indexed, done, total))
            services.warm()
        except Exception as exc:
            self.call_from_thread(self._set_ready, f"{type(exc).__name__}: {exc}")
            return
        heap.settle()  # the long-lived objects are loaded: full GC passes stop walking them
        self.call_from_thread(self._set_ready, "")

    def _indexed(self, done: int, total: int) -> None:
        self.warm_progress = (done, total)
        self._set_warm("indexing", msg("warm.indexing", self.lang, done=done, total=total))

    def _set_warm(self, state: WarmState, detail: str) -> None:
        self.warm_detail = detail
        self.warm_state = state

    def _set_catalog(self, error: str) -> None:
        self._catalog_error = error
        self._catalog_loaded.set()

    def _set_ready(self, error: str) -> None:
        self._ready_error = error
        self._services_ready.set()
        if error:
            self._set_warm("failed", error)
        else:
            engine = self.settings.model or msg("home.offline", self.lang)
            self._set_warm("ready", msg("warm.ready", self.lang, engine=engine))

    @property
    def is_ready(self) -> bool:
        """Whether the embedder and index are loaded (without waiting)."""
        return self._services_ready.is_set() and not self._ready_error

    async def wait_catalog(self) -> None:
        """Wait until the bank and note chunks are loaded; raise ServicesUnavailable if they failed."""
        await self._catalog_loaded.wait()
        if self._catalog_error:
            raise ServicesUnavailable(self._catalog_error)

    async def wait_ready(self) -> None:
        """Wait until an interview can start (embedder and index loaded)."""
        await self._services_ready.wait()
        if self._ready_error:
            raise ServicesUnavailable(self._ready_error)

    # -- navigation ----------------------------------------------------------------------------
    def go_home(self) -> None:
        from interviewer.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def open_interview(self, options: InterviewOptions) -> None:
        from interviewer.tui.screens.interview import InterviewScreen

        self.push_screen(InterviewScreen(options=options))

    def open_resume(self, session_id: str) -> None:
        from interviewer.tui.screens.interview import InterviewScreen

        self.push_screen(InterviewScreen(resume=session_id))

    def open_replay(self, session_id: str) -> None:
        from interviewer.tui.screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(session_id))

    def open_feedback(self, session_id: str) -> None:
        from interviewer.tui.screens.feedback import FeedbackScreen

        self.push_screen(FeedbackScreen(session_id))

    def open_history(self) -> None:
        from interviewer.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    # -- actions -------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """ctrl+q: in the middle of an interview, ask first (the session stays resumable)."""
        from interviewer.tui.screens.confirm import ConfirmScreen
        from interviewer.tui.screens.interview import InterviewScreen

        interview = next((s for s in reversed(self.screen_stack) if isinstance(s, InterviewScreen)), None)
        if interview is None or not interview.in_progress:
            self.exit()
            return
        if isinstance(self.screen, ConfirmScreen):  # a dialog is open already: answer it first
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                interview.keep_draft()
                self.exit()

        self.push_screen(ConfirmScreen(msg("confirm.quit", interview.lang), lang=interview.lang), confirmed)

    def screen_lang(self, screen: Screen[object] | None = None) -> str:
        """The language ``screen`` (else the current one) speaks: a session's screens the session's,
        the others the configured one."""
        lang = getattr(screen if screen is not None else self.screen, "lang", None)
        return lang if lang in ("en", "zh") else self.lang

    def action_help(self) -> None:
        from interviewer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen_lang()))

    def action_show_help_panel(self) -> None:
        """Textual's Keys panel, its keys in the current screen's language."""
        from textual.widgets import HelpPanel

        from interviewer.tui.widgets import KeysPanel

        if not self.screen.query(HelpPanel):
            self.screen.mount(KeysPanel())

    def search_themes(self) -> None:
        """Textual's theme picker, its search line in the current screen's language."""
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=msg("cmd.themes", self.screen_lang())))

    def action_command_palette(self) -> None:
        """Textual's command palette, its search line in the current screen's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            placeholder = msg("cmd.placeholder", self.screen_lang())
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_new_interview(self) -> None:
        from interviewer.tui.screens.home import HomeScreen

        self.go_home()
        if isinstance(self.screen, HomeScreen):
            self.screen.focus_form()

    def action_history(self) -> None:
        self.open_history()

    def action_practice(self) -> None:
        """Today's practice session, with the tracks and language of Home's form."""
        from interviewer.tui.screens.home import HomeScreen

        self.go_home()
        if isinstance(self.screen, HomeScreen):
            self.screen.action_practice()

    @work(group="lookup")
    async def action_resume_last(self) -> None:
        rows = await asyncio.to_thread(self.services.sessions, 1, "active")
        if not rows:
            self.notify(msg("notice.no_resume", self.settings.lang), severity="warning")
            return
        self.open_resume(rows[0].id)

    @work(group="lookup")
    async def action_last_session(self, where: str) -> None:
        rows = await asyncio.to_thread(self.services.sessions, 1)
        if not rows:
            self.notify(msg("notice.no_sessions", self.settings.lang), severity="warning")
            return
        if where == "replay":
            self.open_replay(rows[0].id)
        else:
            self.open_feedback(rows[0].id)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette's commands (Textual's own and the app's) in ``screen``'s language."""
        lang = self.screen_lang(screen)
        for command in self._system_commands(screen):
            yield command._replace(
                title=translated("cmd", command.title, lang), help=translated("cmd", command.help, lang)
            )

    def _system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from interviewer.tui.screens.interview import InterviewScreen

        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "New interview", "Choose tracks, count, difficulty, language and model", self.action_new_interview
        )
        yield SystemCommand(
            "Resume interview", "Continue the most recent interrupted interview", self.action_resume_last
        )
        yield SystemCommand(
            "Practice", "Questions on the key points that are due (spaced repetition)", self.action_practice
        )
        yield SystemCommand("History", "Past sessions and scores over time", self.action_history)
        yield SystemCommand(
            "Replay last session",
            "Step through the latest transcript turn by turn",
            lambda: self.action_last_session("replay"),
        )
        yield SystemCommand(
            "Feedback for last session",
            "Scores, evidence and what to study next",
            lambda: self.action_last_session("feedback"),
        )
        yield SystemCommand("Help", "Key bindings of every screen", self.action_help)
        if isinstance(screen, InterviewScreen):
            yield SystemCommand("Submit answer", "Send the answer in the editor", screen.action_submit)
            yield SystemCommand("Skip question", "Move on without answering", screen.action_skip)
            yield SystemCommand("End interview", "Stop here; answered questions are graded", screen.action_end)


def make_app(
    settings: Settings | Callable[[], Settings] | None = None,
    services: Services | None = None,
    *,
    launch: Launch | None = None,
    cursor_blink: bool = True,
    clock: Callable[[], datetime] | None = None,
) -> InterviewerApp:
    """Build the app. Tests pass their own settings (a temp home) and services (fakes, a small bank);
    without them, or given a function that loads them, the settings load right after Home's first frame."""
    return InterviewerApp(
        settings if settings is not None else _load_settings,
        services,
        launch=launch,
        cursor_blink=cursor_blink,
        clock=clock,
    )


def _load_settings() -> Settings:
    from interviewer.config import load_settings

    return load_settings()


def _utc_now() -> datetime:
    return datetime.now(UTC)
