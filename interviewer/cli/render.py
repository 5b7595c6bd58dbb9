"""Plain-text output of sessions and grades for the terminal (terminal controls neutralised)."""

from __future__ import annotations

from typing import TextIO

from interviewer.bank import Bank
from interviewer.domain import Grade, Lang, Question, Session
from interviewer.report import grade_lines, transcript_markdown
from interviewer.safetext import safe_text


def print_grade(grade: Grade, question: Question, lang: Lang, out: TextIO) -> None:
    out.write(safe_text(f"{question.id}: {question.prompt(lang)}\n"))
    out.write(safe_text("\n".join(grade_lines(grade, question, lang)) + "\n"))


def print_transcript(session: Session, bank: Bank, lang: Lang, out: TextIO) -> None:
    text = transcript_markdown(session, bank, lang, escape_html=False)
    for qid in session.asked():
        grade = session.grades.get(qid)
        if grade:
            text += f"\n--- {qid} ---\n" + "\n".join(grade_lines(grade, bank.questions.get(qid), lang, bank)) + "\n"
    text += f"\nsession {session.id} saved\n"
    out.write(safe_text(text))
