"""The interview screen's AnswerSource: the agent awaits the user's next action through a queue."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interviewer.agent.events import FollowUpAsked, QuestionAsked
    from interviewer.agent.loop import Reply

    Prompt = QuestionAsked | FollowUpAsked


class QueueAnswerSource:
    """An ``AnswerSource`` fed by key presses.

    ``reply()`` records the prompt it answers (so the screen knows the agent is listening) and
    waits for the next queued reply. Answers and skips are only accepted while the agent waits,
    so an early key press can never answer a question the user has not seen yet; ending is
    accepted at any time and honoured at the next prompt.
    """

    def __init__(self, on_prompt: Callable[[Prompt], None] | None = None) -> None:
        self._replies: asyncio.Queue[Reply] = asyncio.Queue()
        self._on_prompt = on_prompt
        self.waiting: Prompt | None = None
        """The prompt the agent is waiting on, or None while it works."""
        self.ending = False

    async def reply(self, prompt: Prompt) -> Reply:
        self.waiting = prompt
        if self._on_prompt is not None and not self.ending:
            self._on_prompt(prompt)
        try:
            return await self._replies.get()
        finally:
            self.waiting = None

    def _send(self, reply: Reply) -> bool:
        if self.waiting is None or self.ending:
            return False
        self.waiting = None
        self._replies.put_nowait(reply)
        return True

    def answer(self, text: str, code: str = "") -> bool:
        """Queue an answer (with the code submitted on a coding question); False when the agent is
        not waiting for one."""
        from interviewer.agent.loop import Reply

        return self._send(Reply("answer", text, code=code))

    def skip(self) -> bool:
        from interviewer.agent.loop import Reply

        return self._send(Reply("skip"))

    def end(self) -> bool:
        """Ask the agent to end the interview; False if that was already asked."""
        from interviewer.agent.loop import Reply

        if self.ending:
            return False
        self.ending = True
        self.waiting = None
        self._replies.put_nowait(Reply("end"))
        return True
