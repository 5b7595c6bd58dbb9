"""Issue 15: full garbage-collector passes stay out of the submit → next-turn window. Once warm, the
app freezes its long-lived objects (a full pass over them took ~120 ms in the TUI benchmark) and
gives them back to the collector when it shuts down."""

from __future__ import annotations

import gc

from tui_helpers import wait_for

from interviewer import heap
from interviewer.services import Services
from interviewer.tui.app import InterviewOptions, Launch, make_app


def test_settle_freezes_what_is_alive_and_release_gives_it_back() -> None:
    kept = [[i] for i in range(1000)]
    try:
        assert heap.settle() >= len(kept) and gc.get_freeze_count() >= len(kept)
    finally:
        heap.release()
    assert gc.get_freeze_count() == 0


async def test_the_warm_app_freezes_its_heap_until_it_shuts_down(tui_services: Services) -> None:
    heap.release()
    launch = Launch(interview=InterviewOptions(count=1))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: app.warm_state == "ready", "the services to warm up")
        assert gc.get_freeze_count() > 10_000  # the bank, the note chunks, the index's postings
    assert gc.get_freeze_count() == 0
