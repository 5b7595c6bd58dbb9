"""Exports of a coding answer: the code and the hidden-test run, with hostile code kept inert (a fence it
cannot close, HTML escaped, terminal controls neutralised)."""

from __future__ import annotations

import re

from interviewer.bank import load_bank
from interviewer.domain import CriterionGrade, Grade, Session, Turn
from interviewer.report import grade_lines, transcript_html, transcript_markdown

QID = "code-sliding-window-attention"
HOSTILE = 'FENCE = "```"\nHTML = "</code></pre><script>alert(1)</script>"\nESC = "\x1b[31mred\x1b[0m"\n'
RUN = {
    "status": "failed",
    "hidden": True,
    "passed": 1,
    "total": 2,
    "time_s": 0.25,
    "peak_mb": 40.0,
    "detail": "",
    "tests": [
        {"name": "test_ok", "passed": True, "message": ""},
        {"name": "test_bad", "passed": False, "message": "<img src=x onerror=alert(1)> expected 4"},
    ],
}


def _session() -> Session:
    grade = Grade(
        question_id=QID,
        overall=40.0,
        criteria=[
            CriterionGrade(id="correctness", score=2, reason="1 of 2 hidden tests pass", evidence=["✗ test_bad: x"]),
            CriterionGrade(id="mask-correctness", score=2),
        ],
        tests=RUN,
    )
    return Session(
        id="abc123abc123",
        turns=[
            Turn(question_id=QID, role="interviewer", kind="question", text="Implement it."),
            Turn(question_id=QID, role="candidate", kind="answer", text="My solution.", code=HOSTILE),
        ],
        grades={QID: grade},
    )


def test_markdown_fence_outlasts_the_code() -> None:
    md = transcript_markdown(_session(), load_bank())
    fences = re.findall(r"(?m)^(`{3,})python$", md)
    assert fences == ["````"]  # longer than the code's own ```
    body = md.split("````python\n", 1)[1].split("\n````", 1)[0]
    assert 'FENCE = "```"' in body and "</code></pre><script>" in body  # inside the block, verbatim
    assert "\x1b" not in md
    assert "**Hidden tests: 1/2 passed (failed, 0.25 s, 40 MB)**" in md
    assert "- ✗ test_bad: &lt;img src=x onerror=alert(1)&gt; expected 4" in md
    assert "| Correctness (hidden tests) | ██░░ 2/4 | ✗ test_bad: x |" in md  # evidence not quoted


def test_html_escapes_code_and_messages() -> None:
    html = transcript_html(_session(), load_bank())
    assert "<script>" not in html and "<img" not in html and "\x1b" not in html
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;" in html
    assert '<pre class="code"><code>' in html and "1/2 passed" in html


def test_plain_grade_lines_list_the_tests() -> None:
    lines = grade_lines(_session().grades[QID], None, "zh")
    text = "\n".join(lines)
    assert "正确性（隐藏测试）" in text and "隐藏测试：通过 1/2" in text and "✗ test_bad" in text
