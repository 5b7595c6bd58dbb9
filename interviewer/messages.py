"""Every user-visible message of the app, in English and Chinese: one catalog for the TUI, the
reports (files, and the transcripts the CLI prints), the feedback, the judges' reasons and the
offline interviewer's follow-ups.

A message is a key (grouped by area: ``home.``, ``fb.``, ``report.``, ``cap.``, ``followup.``…)
and a :class:`Text` holding both languages side by side, so a message cannot exist in one language
only. ``msg(key, lang, **values)`` returns it in ``lang`` (English for any language but Chinese)
with ``values`` filled in (``str.format``); an unknown key raises ``KeyError``. ``table(area, lang)``
gives one area as a mapping, for code that formats many pieces of one kind of text.

Adding a message: put it in its area's table below with both texts and the same ``{placeholders}``
(only English's plural ``{s}`` may be missing in Chinese); ``tests/test_messages.py`` checks
that, and that no module outside this one picks a string literal on ``lang == "zh"`` (or keeps
an ``{"en": …, "zh": …}`` table of texts).
The interviewer's and the judge's model prompts are not messages: they stay as Jinja templates per
language in ``interviewer/prompts/{en,zh}/``; data in two languages (a question's text, a note's
summary, a track's name) stays with its data.

The module imports nothing from the project, so every layer may use it (it is the lowest layer of
the import contract in ``pyproject.toml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Text(NamedTuple):
    """One message in both languages."""

    en: str
    zh: str


# -- punctuation that differs between the languages --------------------------------------------------
_PUNCTUATION: dict[str, Text] = {
    "sep.colon": Text(": ", "："),
    "sep.semicolon": Text("; ", "；"),
    "sep.list": Text(", ", "、"),
}

# -- the TUI: screens, key bar, notices (interviewer/tui) --------------------------------------------
_TUI: dict[str, Text] = {
    "question": Text("Question {n} of {total}", "第 {n}/{total} 题"),
    "follow_up": Text("Follow-up {n}", "追问 {n}"),
    "your_answer": Text("Your answer", "你的回答"),
    "your_answer_to": Text("Your answer to follow-up {n}", "你对追问 {n} 的回答"),
    "answer.more": Text("The rest of the answer ({n} more characters)", "回答的其余部分（还有 {n} 个字符）"),
    "fb.model_answer": Text("What a strong answer covers", "优秀的回答会讲到什么"),
    "fb.no_model_answer": Text("The bank has no model answer for this question yet.", "题库里还没有这道题的参考答案。"),
    "fb.close": Text("Esc closes.", "按 Esc 关闭。"),
    "fb.attempts": Text("Your attempts at this question: ", "你在这道题上的作答："),
    "fb.this_attempt": Text("this one", "本次"),
    "notice.pick_question": Text(
        "Open a question's tab first (] for the next question).", "请先打开某道题的标签页（按 ] 切到下一题）。"
    ),
    "notice.not_in_bank": Text("This question is no longer in the bank.", "题库里已经没有这道题了。"),
    "key.Model answer": Text("Model answer", "参考答案"),
    "key.Retry": Text("Retry", "重答"),
    "key.Read note": Text("Read note", "读笔记"),
    "fb.keys": Text(
        "m model answer · t retry this question · n read the cited note", "m 参考答案 · t 重答这道题 · n 阅读引用的笔记"
    ),
    "notice.no_note": Text("No note to read for this criterion.", "这个评分项没有可读的笔记。"),
    "answer": Text("Answer", "回答"),
    "answer_to": Text("Answer to follow-up {n}", "对追问 {n} 的回答"),
    "grade_of": Text("Grade of question {n}", "第 {n} 题的评分"),
    "summary": Text("Summary", "总结"),
    "skipped": Text("— skipped —", "— 已跳过 —"),
    "resuming": Text("Resuming the interview of {when}.", "继续 {when} 的面试。"),
    "preparing": Text("Preparing…", "准备中…"),
    "preparing_note": Text(
        "Preparing the interview: loading the question bank and the note index…", "正在准备面试：加载题库和笔记索引…"
    ),
    "state.starting": Text("loading…", "加载中…"),
    "state.listening": Text("your turn", "请作答"),
    "state.thinking": Text("interviewer is thinking…", "面试官思考中…"),
    "state.ending": Text("wrapping up…", "收尾中…"),
    "state.ended": Text("finished", "已结束"),
    "state.failed": Text("stopped", "已中止"),
    "grading": Text("grading {n} answer{s}", "评分中：{n} 个回答"),
    "editor.title": Text("Your answer", "你的回答"),
    "editor.placeholder": Text(
        "Type your answer (Markdown and code welcome)…", "在这里输入回答（支持 Markdown 和代码）…"
    ),
    "editor.keys": Text("^s submit · ^n skip · ^g end", "^s 提交 · ^n 跳过 · ^g 结束"),
    "close.covered": Text("Moving on.", "下一题。"),
    "close.budget": Text("Moving on (no more follow-ups on this question).", "下一题（这道题不再追问）。"),
    "close.repeat": Text("Moving on.", "下一题。"),
    "close.model": Text("Moving on.", "下一题。"),
    "close.ended": Text(
        "Interview ended: grading your answers and writing the summary…", "面试结束：正在为你的回答评分并撰写总结…"
    ),
    "close.turn_limit": Text("Turn limit reached: wrapping up.", "已达轮数上限：收尾。"),
    "evidence": Text("Evidence from your answer", "你回答中的依据"),
    "missing": Text("Missing", "遗漏"),
    "nothing_missing": Text("nothing: every key point was covered", "无：所有要点都已覆盖"),
    "read": Text("Read", "推荐阅读"),
    "errors": Text("Wrong claims", "错误说法"),
    "errors.more": Text("… and {n} more", "…… 另有 {n} 处"),
    "unverified": Text("Worth checking, nothing deducted", "值得核对（不扣分）"),
    "unverified.resembles": Text("reads close to: “{claim}”", "接近常见误解：“{claim}”"),
    "no_reference": Text("no reference passage", "没有参考段落"),
    "none": Text("none", "无"),
    "home.new": Text("New interview", "新的面试"),
    "home.tracks": Text(
        "Tracks [dim]· space ticks one; none ticked = every track[/]", "方向 [dim]· 空格勾选；都不勾 = 全部方向[/]"
    ),
    "home.questions": Text("Questions", "题数"),
    "home.difficulty": Text("Difficulty", "难度"),
    "home.any_difficulty": Text("any (adapts)", "不限（自适应）"),
    "home.language": Text("Language", "语言"),
    "home.model": Text("Model", "模型"),
    "home.offline": Text("offline engine", "离线引擎"),
    "home.start": Text("Start interview  ^s", "开始面试  ^s"),
    "home.resume": Text("Resume", "继续"),
    "home.resume_button": Text("Resume  r", "继续  r"),
    "home.no_resume": Text("No interrupted interview.", "没有中断的面试。"),
    "home.asked": Text("{n} asked", "已问 {n} 题"),
    "home.recent": Text("Recent sessions", "最近的面试"),
    "home.no_sessions": Text("No sessions yet: start one on the left.", "还没有面试记录：在左侧开始一场。"),
    "home.opening": Text("opening Home: the form and your sessions…", "正在打开主页：表单和面试记录…"),
    "home.loading": Text("loading the question bank and the note index…", "正在加载题库和笔记索引…"),
    "col.when": Text("When", "时间"),
    "col.score": Text("Score", "得分"),
    "col.status": Text("Status", "状态"),
    "col.tracks": Text("Tracks", "方向"),
    "fb.overall": Text("Overall ", "总分 "),
    "fb.offline": Text("offline", "离线"),
    "fb.skipped_mark": Text(" (skipped)", "（已跳过）"),
    "fb.none_asked": Text("No question was asked.", "本场没有问任何题。"),
    "fb.no_summary": Text("_No summary: the session did not finish._", "_没有总结：这场面试没有完成。_"),
    "fb.skipped": Text("Skipped: counts as 0 in the overall score.", "已跳过：总分中按 0 分计。"),
    "fb.not_graded": Text("Not graded.", "未评分。"),
    "fb.criterion": Text("Criterion", "评分项"),
    "fb.score": Text("Score", "得分"),
    "fb.reason": Text("Reason", "理由"),
    "grade.score": Text("Score ", "得分 "),
    "grade.judge": Text("judge", "评分器"),
    "grade.flags": Text("flags", "标记"),
    "hist.chart": Text("Scores over sessions", "历次得分"),
    "hist.sessions": Text("Sessions", "面试记录"),
    "hist.none": Text("No sessions yet: start an interview from Home.", "还没有面试记录：从首页开始一场面试。"),
    "hist.no_graded": Text("No graded sessions yet.", "还没有评过分的面试。"),
    "hist.graded": Text("{n} graded session{s}", "{n} 场已评分"),
    "hist.trend": Text(" · first {first} → latest ", " · 首场 {first} → 最近 "),
    "hist.best": Text(" ({arrow}{delta}) · best {best}", "（{arrow}{delta}）· 最高 {best}"),
    "hist.practise": Text("Practise next: ", "接下来练习："),
    "col.questions": Text("Qs", "题数"),
    "col.model": Text("Model", "模型"),
    "replay.step": Text("Step {n} of {total}", "第 {n}/{total} 步"),
    "replay.empty": Text("This session has no turns.", "这场面试没有任何轮次。"),
    "step.question": Text("question", "提问"),
    "step.follow-up": Text("follow-up", "追问"),
    "step.answer": Text("answer", "回答"),
    "step.skipped": Text("skipped", "跳过"),
    "step.grade": Text("grade", "评分"),
    "step.summary": Text("summary", "总结"),
    "confirm.yes": Text("Yes  y", "是  y"),
    "confirm.no": Text("No  n", "否  n"),
    "confirm.pause": Text(
        "Pause and leave? The interview stays resumable from Home (r).", "暂停并离开？这场面试可以在首页继续（按 r）。"
    ),
    "confirm.quit": Text(
        "Quit the app? The interview stays resumable from Home (r).", "退出程序？这场面试可以在首页继续（按 r）。"
    ),
    "confirm.end": Text(
        "End the interview now? Answered questions are graded and you get feedback.",
        "现在结束面试？已回答的题目会评分，并给出反馈。",
    ),
    "confirm.skip": Text(
        "Skip this question? A skipped question counts as 0 in the overall score.",
        "跳过这道题？跳过的题目在总分里按 0 分计。",
    ),
    "notice.empty": Text(
        "Your answer is empty: type an answer, or skip the question with ctrl+n.",
        "回答为空：请输入回答，或按 ctrl+n 跳过这道题。",
    ),
    "notice.not_waiting": Text(
        "The interviewer is not waiting for an answer yet; your text stays in the editor.",
        "面试官还没有在等你的回答；你的文字会保留在编辑框里。",
    ),
    "notice.nothing_to_skip": Text("Nothing to skip right now.", "现在没有可以跳过的题目。"),
    "notice.starting": Text(
        "The first question is on its way (the question bank and the note index are loading); "
        "the editor opens with it.",
        "第一道题马上就来（正在加载题库和笔记索引），题目出现后即可在编辑框作答。",
    ),
    "notice.time_up": Text("Time is up for this question: wrap up and submit.", "这道题的时间到了：请收尾并提交。"),
    "notice.no_resume": Text("No interrupted interview to resume.", "没有可以继续的中断面试。"),
    "notice.no_sessions": Text("No sessions yet.", "还没有面试记录。"),
    "notice.cannot_start": Text("Cannot start: {detail}", "无法开始：{detail}"),
    "notice.cannot_practise": Text("Cannot practise: {error}", "无法生成练习：{error}"),
    "notice.not_resumable": Text(
        "That session is {status}; only an interrupted one can be resumed.",
        "这场面试{status}：只有中断的面试可以继续。",
    ),
    "notice.draft_restored": Text("Your unsent draft is back in the editor.", "你上次没有提交的草稿已放回编辑框。"),
    "fb.all_tracks": Text("all tracks", "全部方向"),
    "status.active": Text("active", "进行中"),
    "status.completed": Text("completed", "已完成"),
    "status.abandoned": Text("abandoned", "已放弃"),
    "hist.one": Text(
        "1 graded session so far ({score}/100): the chart starts with the second.",
        "目前 1 场已评分（{score}/100）：第二场起显示曲线。",
    ),
    "key.Submit": Text("Submit", "提交"),
    "key.Skip": Text("Skip", "跳过"),
    "key.End": Text("End", "结束"),
    "key.Pause": Text("Pause", "暂停"),
    "key.Back": Text("Back", "返回"),
    "key.Summary": Text("Summary", "总结"),
    "key.Next question": Text("Next question", "下一题"),
    "key.Prev question": Text("Prev question", "上一题"),
    "key.Replay": Text("Replay", "回放"),
    "key.History": Text("History", "历史"),
    "key.Feedback": Text("Feedback", "反馈"),
    "key.Next": Text("Next", "下一步"),
    "key.Prev": Text("Prev", "上一步"),
    "key.Start": Text("Start", "开始"),
    "key.Resume": Text("Resume", "继续"),
    "key.Help": Text("Help", "帮助"),
    "key.Yes": Text("Yes", "是"),
    "key.No": Text("No", "否"),
    "key.Close": Text("Close", "关闭"),
    "code.title": Text("Code editor", "代码编辑器"),
    "code.editor": Text("Your code", "你的代码"),
    "code.keys": Text(
        "^r run public tests · ^s submit · ^o notes · esc back", "^r 运行公开测试 · ^s 提交 · ^o 说明 · esc 返回"
    ),
    "code.notes": Text("Explanation (optional)", "说明（可选）"),
    "code.notes_placeholder": Text(
        "Design, complexity, trade-offs: graded with the code…", "设计、复杂度、取舍：与代码一起评分…"
    ),
    "code.no_run": Text(
        "Public tests not run yet: ^r runs them (in a sandbox, the editor stays usable).",
        "还没有运行公开测试：按 ^r 运行（在沙箱中，编辑器照常可用）。",
    ),
    "code.running": Text("Running the public tests…", "正在运行公开测试…"),
    "code.result": Text("{status}: {passed}/{total} public tests passed", "{status}：公开测试通过 {passed}/{total}"),
    "code.status.passed": Text("passed", "通过"),
    "code.status.failed": Text("failed", "未通过"),
    "code.status.error": Text("error", "出错"),
    "code.status.timeout": Text("timed out", "超时"),
    "code.status.killed": Text("killed", "被终止"),
    "code.status.skipped": Text("skipped", "已跳过"),
    "code.peak": Text("peak", "内存峰值"),
    "code.output": Text("Output", "输出"),
    "code.skipped": Text("Tests not run", "测试未运行"),
    "code.empty": Text("The code is empty: write your solution first.", "代码为空：请先写出你的实现。"),
    "code.not_now": Text(
        "The code editor opens while the interviewer waits for your answer.", "面试官等待你作答时才能打开代码编辑器。"
    ),
    "code.no_task": Text(
        "This question has no code to run: answer it in the editor.", "这道题没有可运行的代码：请在编辑框中作答。"
    ),
    "code.kept": Text(
        "Code kept: F4 opens the editor again; ^s sends your answer with the code.",
        "代码已保留：按 F4 再次打开编辑器；按 ^s 连同代码提交回答。",
    ),
    "code.sent": Text(
        "[code submitted: {n} lines — the hidden tests run while it is graded]",
        "[已提交代码：{n} 行——评分时运行隐藏测试]",
    ),
    "fb.tests": Text("Hidden tests", "隐藏测试"),
    "key.Run tests": Text("Run tests", "运行测试"),
    "key.Notes": Text("Notes", "说明"),
    "key.Code editor": Text("Code editor", "代码编辑器"),
    "home.practice": Text("Practise what is due  ^t", "练习到期要点  ^t"),
    "key.Practice": Text("Practice", "练习"),
    "practice.planning": Text("Building today's practice plan…", "正在生成今天的练习计划…"),
    "practice.review": Text(
        "Practice: {n} question{s} on the points that are due, least remembered first.",
        "练习：{n} 道题，针对到期的要点，记得最差的优先。",
    ),
    "practice.review_new": Text(
        "Practice: {due} question{s} on the points that are due, then {new} new.",
        "练习：{due} 道题针对到期的要点，另有 {new} 道新题。",
    ),
    "practice.new": Text("Nothing is due: {n} new question{s} instead.", "目前没有到期的要点：改为 {n} 道新题。"),
    "practice.diagnostic": Text(
        "Diagnostic: one question per track (no history yet).", "摸底：每个方向一道题（还没有历史记录）。"
    ),
    "practice.nothing": Text(
        "Nothing to practise: no point is due and every question on these tracks has been asked.",
        "没有可练习的内容：没有到期的要点，这些方向的题目也都问过了。",
    ),
    "practice.next_due": Text(" The next point is due {when}.", "下一个要点 {when} 到期。"),
    "practice.question": Text("Practice {n}/{total}", "练习 第 {n}/{total} 题"),
    "practice.targets": Text("practises: {points}", "练习要点：{points}"),
    "practice.fresh": Text("new material: nothing is due on this question", "新内容：这道题没有到期的要点"),
    "hist.tracks_chart": Text("Retention by track (%)", "各方向记忆保持率（%）"),
    "hist.score_series": Text("score", "得分"),
    "hist.no_tracks": Text(
        "No graded answers yet: the chart starts with the first.", "还没有评过分的回答：第一次评分后显示曲线。"
    ),
    "hist.due": Text("What to study next", "接下来复习"),
    "hist.no_due": Text("Nothing is due now.", "目前没有到期的要点。"),
    "hist.due_more": Text("… and {n} more", "…… 另有 {n} 个"),
    "hist.read": Text("read: {where}", "阅读：{where}"),
    # saving while another process holds the database (tui/screens/interview.py)
    "save.state": Text("saving… (database locked)", "保存中…（数据库被锁定）"),
    "save.locked": Text(
        "The database is locked by another process. Your answer stays in the editor and in {journal} "
        "until it is saved; retrying — the interview goes on as soon as it is.",
        "数据库被其他进程锁定。你的回答保留在编辑框和 {journal} 中，直到保存成功；正在重试——保存后面试继续。",
    ),
    "save.saved": Text("Saved: your answer is in the database.", "已保存：你的回答已写入数据库。"),
}

# -- reports: plain text, Markdown and HTML (interviewer/report.py) -----------------------------------
_REPORT: dict[str, Text] = {
    "report.q": Text("Question", "题目"),
    "report.a": Text("Answer", "回答"),
    "report.f": Text("Follow-up", "追问"),
    "report.score": Text("Score", "得分"),
    "report.criterion": Text("Criterion", "评分项"),
    "report.evidence": Text("Evidence", "证据"),
    "report.missing": Text("Missing", "遗漏"),
    "report.read": Text("Read", "阅读"),
    "report.wrong": Text("Wrong claims", "错误说法"),
    "report.instead": Text("in fact", "实际上"),
    "report.unverified": Text("Worth checking, nothing deducted", "值得核对（不扣分）"),
    "report.resembles": Text("reads close to a common mistake", "接近一个常见误解"),
    "report.if_meant": Text("if you meant that, in fact", "如果你是这个意思，实际上"),
    "report.summary": Text("Summary", "总结"),
    "report.skipped": Text("(skipped)", "（已跳过）"),
    "report.none": Text("(no answer)", "（未回答）"),
    "report.overall": Text("Overall", "总分"),
    "report.judge": Text("judge", "评分器"),
    "report.flags": Text("flags", "标记"),
    "report.progress": Text("Progress", "进步"),
    "report.code": Text("Code", "代码"),
    "report.tests": Text("Hidden tests", "隐藏测试"),
    "report.tests_passed": Text("{passed}/{total} passed", "通过 {passed}/{total}"),
    "report.tests_skipped": Text("not run", "未运行"),
    "report.model_answer": Text("What a strong answer covers", "优秀的回答会讲到什么"),
    "report.study_next": Text("What to study next", "下一步学习"),
    "report.result_wrong": Text("stated wrongly", "说错了"),
    "report.result_missed": Text("missed", "没有提到"),
    "report.result_partial": Text("only partly", "只讲了一部分"),
    "report.back": Text("back for review", "复习时间"),
    "report.by_track": Text("Recall by track", "各方向的记忆保持率"),
    "report.by_track_scores": Text("Score by track", "各方向得分"),
    "report.recall": Text("recall", "记忆保持率"),
}

# -- Textual's own widgets' keys (the editor, scrolling, lists), as the Keys panel lists them in a zh session
_WIDGET_KEYS: dict[str, Text] = {
    "key.Cursor up": Text("Cursor up", "光标上移"),
    "key.Cursor down": Text("Cursor down", "光标下移"),
    "key.Cursor left": Text("Cursor left", "光标左移"),
    "key.Cursor right": Text("Cursor right", "光标右移"),
    "key.Cursor word left": Text("Cursor word left", "光标左移一个词"),
    "key.Cursor word right": Text("Cursor word right", "光标右移一个词"),
    "key.Cursor line start": Text("Cursor line start", "光标到行首"),
    "key.Cursor line end": Text("Cursor line end", "光标到行尾"),
    "key.Cursor page up": Text("Cursor page up", "光标上翻一页"),
    "key.Cursor page down": Text("Cursor page down", "光标下翻一页"),
    "key.Cursor left word select": Text("Cursor left word select", "向左选中一个词"),
    "key.Cursor right word select": Text("Cursor right word select", "向右选中一个词"),
    "key.Cursor line start select": Text("Cursor line start select", "选中到行首"),
    "key.Cursor line end select": Text("Cursor line end select", "选中到行尾"),
    "key.Cursor up select": Text("Cursor up select", "向上选中"),
    "key.Cursor down select": Text("Cursor down select", "向下选中"),
    "key.Cursor left select": Text("Cursor left select", "向左选中"),
    "key.Cursor right select": Text("Cursor right select", "向右选中"),
    "key.Select line": Text("Select line", "选中整行"),
    "key.Select all": Text("Select all", "全选"),
    "key.Delete character left": Text("Delete character left", "删除左侧字符"),
    "key.Delete left to start of word": Text("Delete left to start of word", "向左删除到词首"),
    "key.Delete character right": Text("Delete character right", "删除右侧字符"),
    "key.Delete right to start of word": Text("Delete right to start of word", "向右删除到下一词首"),
    "key.Cut": Text("Cut", "剪切"),
    "key.Copy": Text("Copy", "复制"),
    "key.Paste": Text("Paste", "粘贴"),
    "key.Delete to line start": Text("Delete to line start", "删除到行首"),
    "key.Delete to line end": Text("Delete to line end", "删除到行尾"),
    "key.Delete line": Text("Delete line", "删除整行"),
    "key.Undo": Text("Undo", "撤销"),
    "key.Redo": Text("Redo", "重做"),
    "key.Scroll Up": Text("Scroll Up", "向上滚动"),
    "key.Scroll Down": Text("Scroll Down", "向下滚动"),
    "key.Scroll Left": Text("Scroll Left", "向左滚动"),
    "key.Scroll Right": Text("Scroll Right", "向右滚动"),
    "key.Scroll Home": Text("Scroll Home", "滚动到开头"),
    "key.Scroll End": Text("Scroll End", "滚动到末尾"),
    "key.Page Up": Text("Page Up", "上翻一页"),
    "key.Page Down": Text("Page Down", "下翻一页"),
    "key.Page Left": Text("Page Left", "左翻一页"),
    "key.Page Right": Text("Page Right", "右翻一页"),
    "key.Press button": Text("Press button", "按下按钮"),
    "key.Toggle collapsible": Text("Toggle collapsible", "展开/折叠"),
    "key.Select": Text("Select", "选择"),
    "key.Top": Text("Top", "到顶部"),
    "key.Bottom": Text("Bottom", "到底部"),
    "key.Home": Text("Home", "开头"),
    "key.Show menu": Text("Show menu", "显示菜单"),
    "key.Dismiss menu": Text("Dismiss menu", "关闭菜单"),
    "key.Down": Text("Down", "下移"),
    "key.Up": Text("Up", "上移"),
    "key.Toggle option": Text("Toggle option", "切换选项"),
    "key.Previous tab": Text("Previous tab", "上一个标签页"),
    "key.Next tab": Text("Next tab", "下一个标签页"),
    "key.Focus Next": Text("Focus Next", "下一个控件"),
    "key.Focus Previous": Text("Focus Previous", "上一个控件"),
    "key.Copy selected text": Text("Copy selected text", "复制选中的文字"),
    "key.Move cursor left": Text("Move cursor left", "光标左移"),
    "key.Move cursor left and select": Text("Move cursor left and select", "向左移动并选中"),
    "key.Move cursor left a word": Text("Move cursor left a word", "光标左移一个词"),
    "key.Move cursor left a word and select": Text("Move cursor left a word and select", "向左选中一个词"),
    "key.Move cursor right or accept the completion suggestion": Text(
        "Move cursor right or accept the completion suggestion", "光标右移或接受补全建议"
    ),
    "key.Move cursor right and select": Text("Move cursor right and select", "向右移动并选中"),
    "key.Move cursor right a word": Text("Move cursor right a word", "光标右移一个词"),
    "key.Move cursor right a word and select": Text("Move cursor right a word and select", "向右选中一个词"),
    "key.Go to start": Text("Go to start", "到开头"),
    "key.Go to end": Text("Go to end", "到末尾"),
    "key.Select line start": Text("Select line start", "选中到行首"),
    "key.Select line end": Text("Select line end", "选中到行尾"),
    "key.Delete all to the left": Text("Delete all to the left", "删除左侧全部"),
    "key.Delete all to the right": Text("Delete all to the right", "删除右侧全部"),
    "key.Cut selected text": Text("Cut selected text", "剪切选中的文字"),
    "key.Paste text from the clipboard": Text("Paste text from the clipboard", "从剪贴板粘贴"),
}

# -- the end-of-session summary without a model (agent/summary.py) -----------------------------------
_SUMMARY: dict[str, Text] = {
    "summary.no_grades": Text("No graded answers.", "没有已评分的回答。"),
    "summary.strengths": Text("Strengths", "优势"),
    "summary.no_strong": Text("No question scored 70 or more yet", "暂无 70 分以上的题目"),
    "summary.gaps": Text("Gaps", "不足"),
    "summary.keep_practising": Text("Keep practising harder questions", "保持练习更难的题目"),
}

# -- grades: caps, hidden tests, the offline judge's reasons (interviewer/judge) ---------------------
_JUDGE: dict[str, Text] = {
    "cap.keyword_stuffing": Text(
        "capped at 0: the answer lists terms without explaining them", "答案只是术语罗列，没有解释，封顶 0 分"
    ),
    "cap.off_topic": Text("capped at 0: the answer is off topic", "答案与题目无关，封顶 0 分"),
    "cap.wrong_claim": Text("capped at 0: states a wrong claim about it", "含错误说法，封顶 0 分"),
    "cap.wrong_claim_elsewhere": Text(
        "capped at {cap}: the answer states a wrong claim elsewhere", "答案别处有错误说法，封顶 {cap} 分"
    ),
    "cap.wrong_claims_elsewhere": Text(
        "capped at {cap}: the answer states {n} wrong claims", "答案中有 {n} 处错误说法，封顶 {cap} 分"
    ),
    "cap.too_short": Text("capped at 1: too short to show more", "答案太短，封顶 1 分"),
    "cap.padding": Text("capped at 1: the answer keeps restating itself", "答案反复重述，封顶 1 分"),
    "cap.unquoted": Text(
        "capped at 1: no quote from the answer supports a higher score", "没有回答原文支持更高分，封顶 1 分"
    ),
    "judge.empty": Text("empty answer", "回答为空"),
    "judge.no_references": Text(
        "Graded without reference passages: the note index was unavailable.", "评分时未使用参考资料：笔记索引不可用。"
    ),
    "correctness.name": Text("Correctness (hidden tests)", "正确性（隐藏测试）"),
    "correctness.all": Text("all {total} hidden tests pass", "全部 {total} 个隐藏测试通过"),
    "correctness.some": Text("{passed} of {total} hidden tests pass", "{total} 个隐藏测试中通过 {passed} 个"),
    "correctness.none_run": Text("no hidden test passed ({status})", "没有隐藏测试通过（{status}）"),
    "correctness.no_code": Text(
        "no code was submitted: the hidden tests had nothing to run", "没有提交代码：隐藏测试无从运行"
    ),
    "correctness.skipped": Text("not graded: {why}; left out of the overall", "未评分：{why}；不计入总分"),
    "correctness.fail": Text("✗ {name}: {message}", "✗ {name}：{message}"),
    "correctness.more": Text("… and {n} more failing tests", "…… 另有 {n} 个测试未通过"),
    "correctness.took": Text("{time:.2f} s, peak {mb:.0f} MB", "{time:.2f} 秒，内存峰值 {mb:.0f} MB"),
    "offline.reason.wrong": Text("wrong: “{quote}” — {fix}", "错误：“{quote}”——{fix}"),
    "offline.reason.states": Text("the answer states: “{quote}”", "答案提到：“{quote}”"),
    "offline.reason.gaps": Text("not covered: ", "未涉及："),
    "offline.reason.named": Text("names “{term}” but does not explain: {point}", "提到了“{term}”，但没有讲清：{point}"),
    "offline.reason.near": Text(
        "comes close in “{quote}” but does not state in full: {point}", "“{quote}”有所涉及，但没有讲全：{point}"
    ),
    "offline.reason.near_same": Text(
        "which comes close to, without stating in full: {point}", "这句也有所涉及，但没有讲全：{point}"
    ),
    "offline.reason.join": Text("; ", "；"),
    "offline.reason.more": Text(" …", "等"),
    "offline.reason.nothing": Text("the answer does not address this criterion", "答案没有谈到这一项"),
    "offline.reason.dash": Text(" — ", " —— "),
    "offline.reason.capped": Text(" ({})", "（{}）"),
    "check.ask": Text(
        "A colleague once told me: “{claim}.” Would you agree? Why, or why not?",
        "有同事跟我说过：“{claim}。”你同意吗？为什么？",
    ),
    "check.agreed": Text("agreed that “{claim}”; in fact: {fix}", "认同了“{claim}”这一说法；实际上：{fix}"),
    "offline.summary.covered": Text("Covered {n}/{total} key points", "覆盖 {n}/{total} 个要点"),
    "offline.summary.errors": Text(", {n} wrong claim{s}.", "，{n} 处错误说法。"),
    "offline.summary.end": Text(".", "。"),
    "offline.summary.to_add": Text(" To add: ", "待补充："),
    "offline.summary.self_assessed": Text(
        " Sentences about the answer's own coverage earn nothing (“{quote}”): state each point itself.",
        "描述回答自身覆盖情况的句子不计分（“{quote}”）：请直接讲清每个要点。",
    ),
}

# -- the offline interviewer's follow-ups (agent/followup.py) -----------------------------------------
_FOLLOWUP: dict[str, Text] = {
    "followup.probe": Text(
        "Let's get concrete on {name}: how would you handle that part, and why?",
        "我们具体聊聊「{name}」：这部分你会怎么做？为什么？",
    ),
    "followup.said_prefix": Text("you said", "你说"),
    "followup.challenge": Text(
        'You said "{said}" — walk me through why. {probe}', "你刚才说“{said}”——能讲讲为什么吗？{probe}"
    ),
    "followup.challenge_figure": Text(
        'You said "{said}" — how do you get to {figure}? Walk me through the arithmetic.',
        "你刚才说“{said}”——{figure} 这个数是怎么得出来的？能算一下吗？",
    ),
    "followup.challenge_topic": Text(
        'You said "{said}" — walk me through why. What happens to {topic} then?',
        "你刚才说“{said}”——能讲讲为什么吗？这样的话，「{topic}」会怎样？",
    ),
    "followup.level4": Text(
        "Good. One step further on {name}: a top answer {ask}. Take me there.",
        "回答得很扎实。在「{name}」上再进一步：{ask}——你能展开讲讲吗？",
    ),
    "followup.deeper": Text("Good. One step further on {name}: {ask}", "回答得很扎实。在「{name}」上再进一步：{ask}"),
    # the harder question for a strong answer, by track (the English is said with a lower-case start)
    "followup.deeper.system_design": Text(
        "Say traffic and data grow tenfold. What breaks first in your design, and what would you measure to see it coming?",
        "假设流量和数据量涨到十倍，你的设计里最先出问题的是哪里？你会看什么指标来提前发现？",
    ),
    "followup.deeper.production_mlops": Text(
        "Say this runs at ten times today's load. What fails first, and which metric warns you before users notice?",
        "如果负载涨到现在的十倍，最先出问题的是什么？哪个指标能在用户察觉之前提醒你？",
    ),
    "followup.deeper.llm_fundamentals": Text(
        "Where does this stop holding — at what scale, context length or batch size — and how would you show it?",
        "这在什么情况下不再成立——哪种规模、上下文长度或批大小？你会怎么验证？",
    ),
    "followup.deeper.ml_fundamentals": Text(
        "How would you show this in an experiment: what would you measure, and what result would prove you wrong?",
        "你会怎么用实验证明这一点？测什么？什么结果会说明你错了？",
    ),
    "followup.deeper.training_alignment": Text(
        "How would you know it worked — what do you watch during and after training, and what changes at 10× the model or data?",
        "你怎么判断它真的奏效了？训练中和训练后看什么？模型或数据扩大十倍时会有什么变化？",
    ),
    "followup.deeper.coding": Text(
        "How would you test this, and what would you change if the input were a hundred times larger?",
        "你会怎么测试这段实现？如果输入大一百倍，你要改什么？",
    ),
    "followup.deeper.agents_tools": Text(
        "Say this runs unattended on ten times as many tasks. What fails first, and what would you log to catch it?",
        "如果它无人值守地跑十倍的任务量，最先出问题的是什么？你会记录什么来发现它？",
    ),
    "followup.deeper.behavioral": Text(
        "Looking back, what would you do differently — and how did you know the result held? What did you measure?",
        "回头看，你会有什么不同的做法？你怎么确认结果站得住——当时量化了什么？",
    ),
    "followup.deeper.frontier": Text(
        "What is the strongest argument against this, and what result would change your mind?",
        "反对这个观点最有力的论据是什么？什么样的结果会让你改变看法？",
    ),
    "followup.deeper.generic": Text(
        "What breaks first at ten times the scale, and what would you measure to see it coming?",
        "规模扩大十倍时最先出问题的是什么？你会看什么指标来提前发现？",
    ),
}


# -- the help screen, the command palette and the loading lines, in the screen's language -----------
_TUI_HELP: dict[str, Text] = {
    "help.title": Text("interviewer — keys", "interviewer — 按键"),
    "help.intro": Text(
        "Mock interviews for senior AI / LLM engineering roles. Answer in the editor (code is fine),\n"
        "submit with **ctrl+s** (or **ctrl+j** / **F5**). Grading happens in the background; the\n"
        "feedback screen shows per-criterion scores, evidence from your answer, missing points and the\n"
        "passages to read. **ctrl+p** opens the command palette (new interview, resume, history, replay,\n"
        "themes; **ctrl+t** practises what is due). Press **escape** to close this help.",
        "面向资深 AI / LLM 工程岗位的模拟面试。在编辑框中作答（可以写代码），按 **ctrl+s**"
        "（或 **ctrl+j** / **F5**）提交。评分在后台进行；反馈界面列出每个评分项的得分、你回答中的依据、"
        "遗漏的要点和要读的段落。**ctrl+p** 打开命令面板（新面试、继续、历史、回放、配色主题；"
        "**ctrl+t** 练习到期的要点）。按 **escape** 关闭本帮助。",
    ),
    "help.everywhere": Text("Everywhere", "所有界面"),
    "help.home": Text("Home", "主页"),
    "help.interview": Text("Interview", "面试"),
    "help.code": Text(
        "Code editor (coding questions; F4 in the interview opens it again)",
        "代码编辑器（编程题；面试中按 F4 再次打开）",
    ),
    "help.feedback": Text("Feedback", "反馈"),
    "help.history": Text("History", "历史"),
    "help.replay": Text("Replay", "回放"),
    "help.key": Text("Key", "按键"),
    "help.action": Text("Action", "操作"),
    "key.Command palette": Text("Command palette", "命令面板"),
    "key.palette": Text("palette", "命令面板"),
    "key.Quit": Text("Quit", "退出"),
    "key.Scroll up": Text("Scroll up", "向上滚动"),
    "key.Scroll down": Text("Scroll down", "向下滚动"),
    "key.Indent (in the editor)": Text("Indent (in the editor)", "缩进（在编辑框中）"),
    "key.Page down": Text("Page down", "向下翻页"),
    "key.Page up": Text("Page up", "向上翻页"),
    "key.First": Text("First", "第一步"),
    "key.Last": Text("Last", "最后一步"),
    "cmd.placeholder": Text("Search for commands…", "搜索命令…"),
    "cmd.themes": Text("Search for themes…", "搜索主题…"),
    "fallback.title": Text("{stage}: fell back", "{stage}：已回退"),
    "stage.follow_up": Text("follow-up", "追问"),
    "stage.judge": Text("judge", "评分"),
    "stage.llm": Text("model", "模型"),
    "stage.budget": Text("token budget", "token 预算"),
    "stage.persona": Text("persona", "面试官风格"),
    "stage.retrieval": Text("retrieval", "检索"),
    "stage.summary": Text("summary", "总结"),
    # what a fallback means for the candidate, before its technical reason (zh sessions; English
    # sessions show the reason alone, which says it in English)
    "fallback.budget": Text(
        "The token budget is spent: the offline engine goes on", "token 预算已用完：之后由离线引擎继续"
    ),
    "fallback.llm": Text(
        "The model failed repeatedly: the offline engine goes on", "模型多次调用失败：之后由离线引擎继续"
    ),
    "fallback.judge": Text("Graded offline; the answer is kept", "改用离线评分，回答已保存"),
    "fallback.follow_up": Text("The offline engine chose the follow-up", "追问改由离线引擎决定"),
    "fallback.persona": Text("The follow-up keeps the offline wording", "追问沿用离线措辞"),
    "fallback.retrieval": Text("The notes could not be searched: the interview goes on", "无法检索笔记：面试继续"),
    "fallback.summary": Text("The summary was written offline", "总结改为离线生成"),
    "cmd.New interview": Text("New interview", "新面试"),
    "cmd.Choose tracks, count, difficulty, language and model": Text(
        "Choose tracks, count, difficulty, language and model", "选择方向、题数、难度、语言和模型"
    ),
    "cmd.Resume interview": Text("Resume interview", "继续面试"),
    "cmd.Continue the most recent interrupted interview": Text(
        "Continue the most recent interrupted interview", "继续最近一场中断的面试"
    ),
    "cmd.Practice": Text("Practice", "练习"),
    "cmd.Questions on the key points that are due (spaced repetition)": Text(
        "Questions on the key points that are due (spaced repetition)", "针对到期要点的题目（间隔重复）"
    ),
    "cmd.History": Text("History", "历史"),
    "cmd.Past sessions and scores over time": Text("Past sessions and scores over time", "过往面试和分数走势"),
    "cmd.Replay last session": Text("Replay last session", "回放上一场面试"),
    "cmd.Step through the latest transcript turn by turn": Text(
        "Step through the latest transcript turn by turn", "逐轮回看最近一场面试的记录"
    ),
    "cmd.Feedback for last session": Text("Feedback for last session", "上一场面试的反馈"),
    "cmd.Scores, evidence and what to study next": Text(
        "Scores, evidence and what to study next", "得分、依据和接下来要学的内容"
    ),
    "cmd.Help": Text("Help", "帮助"),
    "cmd.Key bindings of every screen": Text("Key bindings of every screen", "每个界面的按键"),
    "cmd.Submit answer": Text("Submit answer", "提交回答"),
    "cmd.Send the answer in the editor": Text("Send the answer in the editor", "发送编辑框中的回答"),
    "cmd.Skip question": Text("Skip question", "跳过这道题"),
    "cmd.Move on without answering": Text("Move on without answering", "不作答，进入下一题"),
    "cmd.End interview": Text("End interview", "结束面试"),
    "cmd.Stop here; answered questions are graded": Text(
        "Stop here; answered questions are graded", "到此为止；已作答的题目会评分"
    ),
    "cmd.Theme": Text("Theme", "配色主题"),
    "cmd.Change the current theme": Text("Change the current theme", "更换当前配色主题"),
    "cmd.Quit": Text("Quit", "退出"),
    "cmd.Quit the application as soon as possible": Text("Quit the application as soon as possible", "立即退出程序"),
    "cmd.Keys": Text("Keys", "按键面板"),
    "cmd.Show help for the focused widget and a summary of available keys": Text(
        "Show help for the focused widget and a summary of available keys", "显示当前控件的帮助和可用按键"
    ),
    "cmd.Hide the keys and widget help panel": Text("Hide the keys and widget help panel", "隐藏按键和控件帮助面板"),
    "cmd.Maximize": Text("Maximize", "最大化"),
    "cmd.Maximize the focused widget": Text("Maximize the focused widget", "最大化当前控件"),
    "cmd.Minimize": Text("Minimize", "还原"),
    "cmd.Minimize the widget and restore to normal size": Text(
        "Minimize the widget and restore to normal size", "把控件还原为正常大小"
    ),
    "cmd.Screenshot": Text("Screenshot", "截图"),
    "cmd.Save an SVG 'screenshot' of the current screen": Text(
        "Save an SVG 'screenshot' of the current screen", "把当前界面保存为 SVG 截图"
    ),
    "title.home": Text("mock interviews for AI/LLM engineers", "AI/LLM 工程师模拟面试"),
    "title.starting": Text("starting", "准备中"),
    "title.feedback": Text("feedback", "反馈"),
    "title.replay": Text("replay", "回放"),
    "title.history": Text("history", "历史"),
    "warm.ready": Text("ready · {engine}", "就绪 · {engine}"),
    "warm.first_index": Text("building the note index (first run)…", "正在建立笔记索引（首次运行）…"),
    "warm.indexing": Text("indexing notes {done}/{total}…", "正在索引笔记 {done}/{total}…"),
    "warm.bank_failed": Text("the question bank could not be loaded", "题库无法加载"),
    "loading.session": Text("Loading the session…", "正在加载这场面试…"),
    "loading.transcript": Text("Loading the transcript…", "正在加载面试记录…"),
    "fail.start": Text("Could not start the interview: {error}", "无法开始面试：{error}"),
    "fail.stopped": Text(
        "The interview stopped: {error}. It can be resumed from Home.", "面试中断：{error}。可以在主页继续。"
    ),
}


def _merge(*areas: dict[str, Text]) -> dict[str, Text]:
    out: dict[str, Text] = {}
    for area in areas:
        twice = out.keys() & area.keys()
        if twice:
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        out.update(area)
    return out


CATALOG: Mapping[str, Text] = _merge(_PUNCTUATION, _TUI, _TUI_HELP, _WIDGET_KEYS, _REPORT, _SUMMARY, _JUDGE, _FOLLOWUP)
"""Every message by key."""


def has(key: str) -> bool:
    """Whether the catalog has a message ``key`` (for keys built from data, like a track's id)."""
    return key in CATALOG


def msg(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English unless ``lang`` is ``"zh"``), with ``values`` filled
    in. Raises ``KeyError`` for a key the catalog lacks."""
    try:
        entry = CATALOG[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in interviewer/messages.py") from None
    text = entry.zh if lang == "zh" else entry.en
    return text.format(**values) if values else text


def translated(area: str, text: str, lang: str) -> str:
    """``text`` (an English label from data or a library: a key's description, a command, a status)
    in ``lang`` when the catalog has ``area.text``, else ``text`` as it is."""
    key = f"{area}.{text}"
    return msg(key, lang) if key in CATALOG else text


def table(area: str, lang: str) -> dict[str, str]:
    """The messages whose key starts with ``area`` + ``"."``, in ``lang``, keyed by the rest of the key
    (``table("report", "en")["score"] == msg("report.score", "en")``); texts are not formatted."""
    prefix = area + "."
    return {key[len(prefix) :]: msg(key, lang) for key in CATALOG if key.startswith(prefix)}
