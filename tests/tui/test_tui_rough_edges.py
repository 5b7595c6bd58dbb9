"""The rough edges a new user hit (issue 15): replay follows its steps, ctrl+q and ctrl+n confirm,
skipped questions count as 0, dialogs fit 80×24 and speak the session's language, the feedback
scrolls without Tab, the strengths do not repeat the questions, Home says what the track list does,
tables fit 80 columns and a one-session chart is not a solid block."""

from __future__ import annotations

from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Sparkline, TextArea
from tui_helpers import (
    T0,
    canned_grade,
    flat,
    listening,
    notifications,
    partial_answer,
    screen_text,
    wait_for,
)

from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
)
from interviewer.domain import Grade, Lang, Session
from interviewer.services import Services
from interviewer.tui.app import InterviewerApp, InterviewOptions, Launch, make_app
from interviewer.tui.screens.confirm import ConfirmScreen
from interviewer.tui.screens.feedback import FeedbackScreen
from interviewer.tui.screens.history import HistoryScreen
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen
from interviewer.tui.screens.replay import ReplayScreen

SMALL = (80, 24)


def in_view(container: Any, widget: Any) -> bool:
    """Whether any row of ``widget`` is inside ``container``'s scrolled viewport."""
    top = widget.virtual_region.y
    bottom = top + widget.outer_size.height
    return top < container.scroll_offset.y + container.size.height and bottom > container.scroll_offset.y


def dialog_text(app: Any) -> str:
    """The words inside the open dialog's (thick) frame, joined across its wrapped lines."""
    inner = [
        line[line.index("█") + 1 : line.rindex("█")] for line in screen_text(app).splitlines() if line.count("█") >= 2
    ]
    return flat(" ".join(inner))


# -- replay ---------------------------------------------------------------------------------------
async def test_replay_shows_the_step_it_names(tui_services: Services, seeded: dict[str, str]) -> None:
    """Issue 15: after → six times the header said 'Step 7 … Question 2' while the view showed question 1."""
    app = make_app(tui_services.settings, tui_services, launch=Launch(replay=seeded["completed"]), cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await wait_for(pilot, lambda: bool(replay.steps), "the transcript")
        transcript = replay.query_one("#transcript", VerticalScroll)
        for n in range(1, len(replay.steps)):
            await pilot.press("right")
            await pilot.pause()
            await pilot.pause()
            assert replay.index == n
            assert f"Step {n + 1} of" in screen_text(app)
            assert in_view(transcript, replay.steps[n].widget), f"step {n + 1} is not in view"
        await pilot.press("home")
        await pilot.pause()
        await pilot.pause()
        assert in_view(transcript, replay.steps[0].widget)


# -- ctrl+q, ctrl+n and the dialogs ---------------------------------------------------------------
async def test_ctrl_q_mid_interview_asks_first(tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    exits: list[bool] = []
    app.exit = lambda *args, **kwargs: exits.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and not exits
        text = dialog_text(app)
        assert "Quit the app? The interview stays resumable from Home (r)." in text, screen_text(app)  # whole
        await pilot.press("n")
        assert app.screen is screen and not exits  # type: ignore[comparison-overlap]
        await pilot.press("ctrl+q", "y")
        assert exits == [True]
        assert tui_services.store.load(screen.session_id).status == "active"


async def test_ctrl_q_quits_at_once_outside_an_interview(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    exits: list[bool] = []
    app.exit = lambda *args, **kwargs: exits.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=SMALL) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+q")
        assert exits == [True] and not isinstance(app.screen, ConfirmScreen)


async def test_skip_asks_first_and_counts_as_zero(tui_services: Services) -> None:
    launch = Launch(interview=InterviewOptions(count=2, tracks=["coding", "system_design"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the first question")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "counts as 0 in the overall score" in dialog_text(app)
        await pilot.press("n")  # changed my mind: still on question 1
        assert app.screen is screen and listening(screen, QuestionAsked, 1)  # type: ignore[comparison-overlap]
        await pilot.press("ctrl+n", "y")
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 2), "the second question")
        second = screen.source.waiting
        assert second is not None
        screen.query_one("#answer", TextArea).insert(partial_answer(tui_services.bank.questions[second.question_id]))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not listening(screen, QuestionAsked, 2), "the answer to be taken")
        await pilot.press("ctrl+g", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen), "the feedback", timeout=90)
        session = tui_services.store.load(screen.session_id)
        graded = list(session.grades.values())
        assert len(graded) == 1 and session.skipped()
        assert session.overall() == round(graded[0].overall / 2, 1)  # the skipped question counts as 0
        await wait_for(pilot, lambda: app.screen.loaded, "the feedback to load")  # type: ignore[attr-defined]
        assert f"Overall {session.overall():.0f}/100" in flat(screen_text(app))
        # the summary marks the skipped question, and its tab says what skipping cost
        await wait_for(pilot, lambda: "(skipped)" in flat(screen_text(app)), "the summary's skipped mark")
        await pilot.press("right_square_bracket")  # Q1, the skipped one
        await wait_for(
            pilot, lambda: "Skipped: counts as 0 in the overall score." in flat(screen_text(app)), "Q1's tab"
        )


def _zh_interview(services: Services) -> InterviewerApp:
    """An app that opens a one-question zh coding interview."""
    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang="zh"))
    return make_app(services.settings, services, launch=launch, cursor_blink=False)


async def _first_question(pilot: Pilot[None], app: InterviewerApp) -> InterviewScreen:
    """The interview screen, once its first question is asked."""
    screen = app.screen
    assert isinstance(screen, InterviewScreen)
    await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
    return screen


async def test_a_chinese_session_speaks_chinese_in_dialogs_notices_and_keys(tui_services: Services) -> None:
    app = _zh_interview(tui_services)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _first_question(pilot, app)
        text = flat(screen_text(app))
        assert "提交" in text and "跳过" in text and "暂停" in text  # the key bar
        assert "Submit" not in text and "Pause" not in text
        await pilot.press("ctrl+s")  # empty
        assert any("回答为空" in n for n in notifications(app))
        for key, words in (("escape", "暂停并离开"), ("ctrl+g", "现在结束面试"), ("ctrl+n", "跳过这道题")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            text = dialog_text(app)
            assert words in text and "是 y" in text and "否 n" in text
            assert "Yes" not in text
            await pilot.press("n")
            assert app.screen is screen  # type: ignore[comparison-overlap]


# -- feedback ---------------------------------------------------------------------------------------
async def test_feedback_pages_down_without_tab(tui_services: Services, seeded: dict[str, str]) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=(80, 14)) as pilot:
        app.open_feedback(seeded["completed"])
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        await wait_for(pilot, lambda: feedback.loaded, "the feedback")
        await pilot.pause()
        pane = feedback.query_one(".fb-summary-pane", VerticalScroll)
        assert pane.max_scroll_y > 0, "the summary should overflow this small terminal"
        await pilot.press("pagedown")
        await pilot.pause()
        assert pane.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert pane.scroll_y == 0


async def test_feedback_header_speaks_the_session_language(tui_services: Services) -> None:
    record_zh_session(tui_services)
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        app.open_feedback("zh5e55104000")
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        await wait_for(pilot, lambda: feedback.loaded, "the feedback")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "全部方向" in text and "已完成" in text and "总分" in text
        assert "all tracks" not in text and "completed" not in text
        assert "返回" in text and "回放" in text  # the key bar
        assert "Back" not in text and "Replay" not in text


def test_strengths_name_what_went_well_not_the_question(tui_services: Services) -> None:
    from interviewer.agent.summary import offline_summary

    bank = tui_services.bank
    kv = bank.questions["tui-kv-cache"]
    session = Session(id="s", lang="en")
    session.grades[kv.id] = canned_grade(kv, [4, 4, 3], "The KV cache stores keys and values.", T0, [])
    summary = offline_summary(session, dict(bank.questions), "en")
    strengths = summary.split("### Strengths")[1].split("###")[0]
    assert kv.text.en not in strengths and kv.text.en[:40] not in strengths
    assert kv.rubric.criteria[0].name.en in strengths


def test_skipped_questions_count_as_zero() -> None:
    from interviewer.domain import Turn

    session = Session(id="s")
    assert session.overall() is None
    session.grades["a"] = Grade(question_id="a", overall=80.0, criteria=[], judge="offline")
    assert session.overall() == 80.0
    session.turns.append(Turn(question_id="b", role="candidate", kind="skip", text=""))
    assert session.skipped() == ["b"] and session.overall() == 40.0


# -- home and history ---------------------------------------------------------------------------------
async def test_home_ticks_only_ticked_tracks_and_says_what_the_list_does(tui_services: Services) -> None:
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.pause()
        text = screen_text(app)
        assert "▐X▌" not in text  # nothing ticked: no box shows a tick
        assert "ticked = every track" in flat(text)
        await pilot.press("down", "space")
        await pilot.pause()
        text = screen_text(app)
        assert text.count("▐X▌") == 1
        assert "▐X▌ LLM fundamentals" in text


async def test_session_tables_fit_80_columns(tui_services: Services, seeded: dict[str, str]) -> None:
    record_zh_session(tui_services, lang="en")  # a session over every track: 'all tracks'
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: len(home.rows) == 4, "Home's sessions")
        await pilot.pause()
        text = screen_text(app)
        assert "all tracks" in text  # not 'all t'
        assert "LLM fundament…" in text or "LLM fundamentals" in text
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: len(history.rows) == 4, "History's sessions")
        await pilot.pause()
        text = screen_text(app)
        assert "all tracks" in text and "completed" in text


async def test_a_one_session_chart_is_not_a_solid_block(tui_services: Services) -> None:
    record_zh_session(tui_services, lang="en")
    app = make_app(tui_services.settings, tui_services, cursor_blink=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_for(pilot, lambda: "1 graded session" in flat(screen_text(app)), "the chart caption")
        assert not history.query_one("#chart", Sparkline).display
        assert "█" * 30 not in screen_text(app)


def record_zh_session(services: Services, lang: Lang = "zh") -> None:
    """A completed session over every track (none chosen), one graded question."""
    bank = services.bank
    kv = bank.questions["tui-kv-cache"]
    sid = "zh5e55104000" if lang == "zh" else "a115e5510000"
    answer = "KV 缓存保存之前 token 的 key 和 value。"
    grade = canned_grade(kv, [3, 2, 1], answer, T0, [])
    for event in [
        SessionStarted(session_id=sid, at=T0, session=Session(id=sid, lang=lang, tracks=[], count=1, started_at=T0)),
        QuestionAsked(
            session_id=sid,
            at=T0,
            question_id=kv.id,
            index=1,
            total=1,
            text=kv.text.get(lang),
            track=kv.track,
        ),
        AnswerReceived(session_id=sid, at=T0, question_id=kv.id, text=answer),
        QuestionClosed(session_id=sid, at=T0, question_id=kv.id, reason="covered"),
        AnswerGraded(session_id=sid, at=T0, question_id=kv.id, grade=grade),
        SessionEnded(session_id=sid, at=T0, status="completed", overall=grade.overall, summary="### 总结\n- 很好"),
    ]:
        services.store.record(event)  # type: ignore[arg-type]


async def test_the_editor_is_read_only_until_the_first_question(tui_services: Services) -> None:
    import asyncio

    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"]))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    gate = asyncio.Event()
    ready = app.wait_ready

    async def held() -> None:
        await gate.wait()
        await ready()

    app.wait_ready = held  # type: ignore[method-assign]
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await pilot.pause()
        app.warm_progress = (3, 40)  # a first run builds the note index: the wait says how far it is
        await wait_for(pilot, lambda: "indexing notes 3/40…" in screen_text(app), "the indexing progress")
        await pilot.press(*"early")
        area = screen.query_one("#answer", TextArea)
        assert area.text == "" and area.read_only
        await pilot.press("ctrl+s")  # before the question: says it is coming, not 'your answer is empty'
        assert any("first question is on its way" in n for n in notifications(app)), notifications(app)
        assert not any("empty" in n for n in notifications(app))
        gate.set()
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        await pilot.press(*"typed")
        assert area.text == "typed" and not area.read_only


def untranslated(text: str) -> list[str]:
    """English labels of the message catalog that show on a screen (whole words, placeholders aside)."""
    import re

    from interviewer.messages import CATALOG

    found = []
    for key, (english, chinese) in CATALOG.items():
        plain = re.sub(r"\[/?[a-z ]*\]", "", english).strip()
        if "{" in plain or len(plain) < 4 or chinese == english:
            continue
        if re.search(rf"(?<![A-Za-z]){re.escape(plain)}(?![A-Za-z])", text):
            found.append(f"{key}: {plain}")
    return found


async def test_a_chinese_session_shows_no_english_label(tui_services: Services) -> None:
    """Walk the screens of a zh session (interview, feedback summary and question, replay): no label
    of the catalog shows in English."""
    record_zh_session(tui_services)
    app = _zh_interview(tui_services)
    async with app.run_test(size=SMALL) as pilot:
        await _first_question(pilot, app)
        assert untranslated(screen_text(app)) == []
        await pilot.press("escape")
        await pilot.pause()
        assert untranslated(screen_text(app)) == []
        await pilot.press("n")
        app.open_feedback("zh5e55104000")
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen)
        await wait_for(pilot, lambda: feedback.loaded, "the feedback")
        await pilot.pause()
        assert untranslated(screen_text(app)) == []
        await wait_for(pilot, lambda: "interviewer — 反馈" in screen_text(app), "the header, not '— feedback'")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert untranslated(screen_text(app)) == []
        await pilot.press("r")
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await wait_for(pilot, lambda: bool(replay.steps), "the replay")
        await pilot.press("end")
        await pilot.pause()
        assert untranslated(screen_text(app)) == []
        await wait_for(pilot, lambda: "interviewer — 回放" in screen_text(app), "the header, not '— replay'")


async def test_help_and_the_command_palette_speak_the_session_language(tui_services: Services) -> None:
    """Issue 15: in a zh session F1's help, the palette's key in the key bar, its search line and its
    commands were English (outside the catalog, so the walk above did not see them)."""
    import re

    from textual.command import CommandPalette

    from interviewer.tui.screens.help import HelpScreen, help_markdown

    app = _zh_interview(tui_services)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _first_question(pilot, app)
        await wait_for(pilot, lambda: "命令面板" in screen_text(app).splitlines()[-1], "the Chinese key bar")
        assert "palette" not in screen_text(app).splitlines()[-1]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await wait_for(pilot, lambda: "所有界面" in screen_text(app), "the help's table")
        text = flat(screen_text(app))
        assert "所有界面" in text and "按键" in text and "操作" in text
        assert "Everywhere" not in text and "Mock interviews" not in text and "Action" not in text
        assert untranslated(screen_text(app)) == []
        await pilot.press("escape")
        assert app.screen is screen  # type: ignore[comparison-overlap]
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the command palette")
        await wait_for(pilot, lambda: "搜索命令" in screen_text(app), "the palette's search line")
        text = flat(screen_text(app))
        assert "搜索命令" in text and "Search for commands" not in text
        assert untranslated(screen_text(app)) == []
        await pilot.press("escape")
        for command in app.get_system_commands(screen):  # type: ignore[arg-type]
            assert re.search(r"[\u4e00-\u9fff]", command.title), command.title
            assert re.search(r"[\u4e00-\u9fff]", command.help), command.help
    rows = [line for line in help_markdown(app.BINDINGS, "zh").splitlines() if line.startswith("| `")]
    assert rows and all(re.search(r"[\u4e00-\u9fff]", row.rsplit("|", 2)[1]) for row in rows), rows
    assert "| `ctrl+s / f5 / ctrl+j / ctrl+enter` | Submit |" in help_markdown(app.BINDINGS, "en")


async def test_the_keys_panel_and_the_theme_picker_speak_the_session_language(tui_services: Services) -> None:
    """Issue 15: palette → Keys listed the editor's keys in English ("Cursor up", "Delete line") and
    the theme picker searched "for themes…" in a zh session."""
    from textual.command import CommandPalette

    app = _zh_interview(tui_services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _first_question(pilot, app)
        screen.query_one("#answer", TextArea).focus()
        app.action_show_help_panel()
        await wait_for(pilot, lambda: "光标上移" in screen_text(app), "the editor's keys in Chinese")
        text = screen_text(app)
        assert "Cursor up" not in text and "Delete line" not in text and "删除整行" in text
        assert untranslated(text) == []
        app.action_hide_help_panel()
        await pilot.pause()
        assert "Submit" not in flat(screen_text(app))  # the screen's own key bar stays relabelled
        app.search_themes()
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the theme picker")
        await wait_for(pilot, lambda: "搜索主题" in screen_text(app), "the picker's search line")
        assert "Search for themes" not in screen_text(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_every_interview_dialog_shows_its_whole_question_at_80x24(tui_services: Services, lang: Lang) -> None:
    """Issue 15: at 80×24 the pause dialog read '…resumable from Ho'. Every dialog of the interview
    (pause, end, skip, quit), in both languages, shows its whole question."""
    from interviewer.messages import msg

    launch = Launch(interview=InterviewOptions(count=1, tracks=["coding"], lang=lang))
    app = make_app(tui_services.settings, tui_services, launch=launch, cursor_blink=False)
    app.exit = lambda *args, **kwargs: None  # type: ignore[method-assign]
    async with app.run_test(size=SMALL) as pilot:
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        await wait_for(pilot, lambda: listening(screen, QuestionAsked, 1), "the question")
        for key, message in (
            ("escape", "confirm.pause"),
            ("ctrl+g", "confirm.end"),
            ("ctrl+n", "confirm.skip"),
            ("ctrl+q", "confirm.quit"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen), key
            whole = msg(message, lang).replace(" ", "")
            assert whole in dialog_text(app).replace(" ", ""), (key, screen_text(app))
            await pilot.press("n")
            assert app.screen is screen  # type: ignore[comparison-overlap]
