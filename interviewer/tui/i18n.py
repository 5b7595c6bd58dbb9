"""The words of the conversation and feedback, in the session's language (zh or en).

Screens ask ``say(lang, key, **values)``; keys missing in Chinese fall back to English, so a new
label never shows up blank. Key bindings and menus stay English (Textual binds them statically).
"""

from __future__ import annotations

from typing import Any

_EN = {
    "question": "Question {n} of {total}",
    "follow_up": "Follow-up {n}",
    "your_answer": "Your answer",
    "your_answer_to": "Your answer to follow-up {n}",
    "answer": "Answer",
    "answer_to": "Answer to follow-up {n}",
    "grade_of": "Grade of question {n}",
    "summary": "Summary",
    "skipped": "— skipped —",
    "resuming": "Resuming the interview of {when}.",
    "preparing": "Preparing…",
    "preparing_note": "Preparing the interview: loading the question bank and the note index…",
    "state.starting": "loading…",
    "state.listening": "your turn",
    "state.thinking": "interviewer is thinking…",
    "state.ending": "wrapping up…",
    "state.ended": "finished",
    "state.failed": "stopped",
    "grading": "grading {n} answer{s}",
    "editor.title": "Your answer",
    "editor.placeholder": "Type your answer (Markdown and code welcome)…",
    "close.covered": "Moving on.",
    "close.budget": "Moving on (no more follow-ups on this question).",
    "close.repeat": "Moving on.",
    "close.model": "Moving on.",
    "close.ended": "Interview ended: grading your answers and writing the summary…",
    "close.turn_limit": "Turn limit reached: wrapping up.",
    "evidence": "Evidence from your answer",
    "missing": "Missing",
    "nothing_missing": "nothing: every key point was covered",
    "read": "Read",
    "no_reference": "no reference passage",
    "none": "none",
}

_ZH = {
    "question": "第 {n}/{total} 题",
    "follow_up": "追问 {n}",
    "your_answer": "你的回答",
    "your_answer_to": "你对追问 {n} 的回答",
    "answer": "回答",
    "answer_to": "对追问 {n} 的回答",
    "grade_of": "第 {n} 题的评分",
    "summary": "总结",
    "skipped": "— 已跳过 —",
    "resuming": "继续 {when} 的面试。",
    "preparing": "准备中…",
    "preparing_note": "正在准备面试：加载题库和笔记索引…",
    "state.starting": "加载中…",
    "state.listening": "请作答",
    "state.thinking": "面试官思考中…",
    "state.ending": "收尾中…",
    "state.ended": "已结束",
    "state.failed": "已中止",
    "grading": "评分中：{n} 个回答",
    "editor.title": "你的回答",
    "editor.placeholder": "在这里输入回答（支持 Markdown 和代码）…",
    "close.covered": "下一题。",
    "close.budget": "下一题（这道题不再追问）。",
    "close.repeat": "下一题。",
    "close.model": "下一题。",
    "close.ended": "面试结束：正在为你的回答评分并撰写总结…",
    "close.turn_limit": "已达轮数上限：收尾。",
    "evidence": "你回答中的依据",
    "missing": "遗漏",
    "nothing_missing": "无：所有要点都已覆盖",
    "read": "推荐阅读",
    "no_reference": "没有参考段落",
    "none": "无",
}

_WORDS = {"en": _EN, "zh": _ZH}


def say(lang: str, key: str, **values: Any) -> str:
    """The text for ``key`` in ``lang`` (English when missing), with ``values`` filled in."""
    text = _WORDS.get(lang, _EN).get(key) or _EN[key]
    return text.format(**values) if values else text
