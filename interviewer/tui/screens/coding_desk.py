"""The interview screen's coding questions: when a question with a coding task is asked, the code
editor (:class:`~interviewer.tui.screens.coding.CodingScreen`) opens with the starter code; F4 opens
it again. A submission sends the explanation as the answer and the code with it; going back keeps
the code as a draft, which travels with the next answer sent from the conversation's editor.

Held by the interview screen (``screen.coding``); the screen calls :meth:`on_listen` when it waits
for an answer and :meth:`code_for` when it sends one.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from textual.css.query import NoMatches
from textual.widgets import TextArea

from interviewer.messages import msg

if TYPE_CHECKING:
    from interviewer.agent.events import FollowUpAsked, QuestionAsked
    from interviewer.coding import CodingTask
    from interviewer.tui.screens.coding import CodeResult
    from interviewer.tui.screens.interview import InterviewScreen


def load_task_quietly(question_id: str) -> CodingTask | None:
    """The question's task; None when it has none or its files are broken (`bank validate` says
    which), so a broken task leaves the question answerable in prose."""
    from interviewer.coding import TaskError, load_task

    try:
        return load_task(question_id)
    except (TaskError, OSError):
        return None


def shown_answer(text: str, code: str, lang: str) -> str:
    """An answer as the conversation shows it: its text, and a line for the code sent with it."""
    if not code.strip():
        return text
    line = msg("code.sent", lang, n=len(code.rstrip().splitlines()))
    return f"{text.rstrip()}\n\n{line}" if text.strip() else line


def answer_with_code(text: str, code: str, lang: str) -> str:
    """An answer as replay shows it: its text, then the code sent with it in full."""
    if not code.strip():
        return text
    head = f"── {msg('code.editor', lang)} ──"
    return f"{text.rstrip()}\n\n{head}\n{code.rstrip()}" if text.strip() else f"{head}\n{code.rstrip()}"


class CodingDesk:
    def __init__(self, screen: InterviewScreen) -> None:
        self.screen = screen
        self.tasks: dict[str, CodingTask | None] = {}
        self.drafts: dict[str, tuple[str, str]] = {}
        """(code, notes) per question while the editor is closed."""
        self.unsent: set[str] = set()
        """Questions whose code draft has not been sent yet."""
        self.opened: set[str] = set()
        self.editor_open = False
        self.editing: tuple[str, str] | None = None
        """(question id, code) of the open editor, as typed: saved with the interview's draft."""

    async def task(self, question_id: str) -> CodingTask | None:
        if question_id not in self.tasks:
            self.tasks[question_id] = await asyncio.to_thread(load_task_quietly, question_id)
        return self.tasks[question_id]

    def on_listen(self, prompt: QuestionAsked | FollowUpAsked) -> None:
        """The screen waits for an answer: a coding question's editor opens by itself, once."""
        from interviewer.agent.events import QuestionAsked

        qid = prompt.question_id
        if not isinstance(prompt, QuestionAsked) or qid in self.opened:
            return
        self.opened.add(qid)
        self.screen.run_worker(self._open(qid, automatic=True), group="coding-task", exclusive=True)

    def open(self) -> None:
        """F4: the editor of the question being answered."""
        waiting = self.screen.source.waiting
        if waiting is None or self.screen.phase != "listening":
            self.screen.notify(msg("code.not_now", self.screen.lang))
            return
        self.screen.run_worker(self._open(waiting.question_id, automatic=False), group="coding-task", exclusive=True)

    async def _open(self, question_id: str, *, automatic: bool) -> None:
        task = await self.task(question_id)
        if task is None:
            if not automatic:
                self.screen.notify(msg("code.no_task", self.screen.lang))
            return
        waiting = self.screen.source.waiting
        if self.editor_open or waiting is None or waiting.question_id != question_id or not self.screen.is_current:
            return
        from interviewer.tui.screens.coding import CodingScreen

        code, notes = self.drafts.get(question_id, ("", ""))
        if not notes:
            with contextlib.suppress(NoMatches):
                notes = self.screen.query_one("#answer", TextArea).text
        self.editor_open = True
        self.editing = (question_id, code)
        self.screen.app.push_screen(
            CodingScreen(
                task, self.screen.lang, code=code, notes=notes, on_edit=lambda c: self._edited(question_id, c)
            ),
            lambda result: self._closed(question_id, result),
        )

    def _edited(self, question_id: str, code: str) -> None:
        self.editing = (question_id, code)
        self.screen.save_draft_soon()

    def _closed(self, question_id: str, result: CodeResult | None) -> None:
        self.editor_open = False
        self.editing = None
        if result is None:
            return
        self.drafts[question_id] = (result.code, result.notes)
        with contextlib.suppress(NoMatches):
            area = self.screen.query_one("#answer", TextArea)
            if result.notes and not area.read_only:
                area.text = result.notes
        self.unsent.add(question_id)
        if not result.submit:
            self.screen.notify(msg("code.kept", self.screen.lang))
            return
        self.screen.send_answer(result.notes)

    def draft_code(self, question_id: str) -> str:
        """The code to keep in the draft of an answer to ``question_id``: the open editor's, else the
        code not sent yet; '' when it is only the starter."""
        if self.editing is not None and self.editing[0] == question_id:
            code = self.editing[1]
        else:
            code = self.code_for(question_id)
        task = self.tasks.get(question_id)
        return "" if task is not None and code.strip() == task.starter.strip() else code

    def restore(self, question_id: str, code: str, notes: str) -> None:
        """A resumed session's saved code: the editor opens with it, and it goes with the answer."""
        self.drafts[question_id] = (code, notes)
        self.unsent.add(question_id)

    def code_for(self, question_id: str) -> str:
        """The code to send with an answer to ``question_id``: its draft not sent yet, else ''."""
        return self.drafts.get(question_id, ("", ""))[0] if question_id in self.unsent else ""

    def sent(self, question_id: str) -> None:
        """The answer to ``question_id`` went out with its code: later answers carry none."""
        self.unsent.discard(question_id)
