"""Plain-text output of sessions and grades for the terminal."""

from __future__ import annotations

from typing import TextIO

from interviewer.bank import Bank
from interviewer.domain import Grade, Lang, Question, Session
from interviewer.report import grade_lines, transcript_markdown
from interviewer.tui.format import claim_error_lines


def print_grade(grade: Grade, question: Question, lang: Lang, out: TextIO) -> None:
    out.write(f"{question.id}: {question.prompt(lang)}\n")
    out.write("".join(f"{line}\n" for line in claim_error_lines(grade.errors, lang)))  # wrong claims first
    out.write("\n".join(grade_lines(grade, question, lang)) + "\n")


def print_transcript(session: Session, bank: Bank, lang: Lang, out: TextIO) -> None:
    out.write(transcript_markdown(session, bank, lang))
    for qid in session.asked():
        grade = session.grades.get(qid)
        if grade:
            out.write(f"\n--- {qid} ---\n")
            out.write("\n".join(grade_lines(grade, bank.questions.get(qid), lang, bank)) + "\n")
    out.write(f"\nsession {session.id} saved\n")
