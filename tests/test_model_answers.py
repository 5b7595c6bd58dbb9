"""Every question's model answer — what the app shows as "what a strong answer covers" — must itself
grade as a strong answer with the offline judge, in both languages, with no flag and no error: a
model answer the judge marks down is either a weak model answer or a judge that misreads real answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import load_bank
from interviewer.domain import Lang, Question

PASS = 85.0
"""The overall a model answer must reach (the rubric's level 3-4 band)."""

_QUESTIONS: list[Question] = sorted(load_bank(builtin=True, extra=[]).questions.values(), key=lambda q: q.id)


@pytest.fixture(scope="module")
def judge(tmp_path_factory: pytest.TempPathFactory):
    import os

    home: Path = tmp_path_factory.mktemp("model-answers-home")
    old = os.environ.get("INTERVIEWER_HOME")
    os.environ["INTERVIEWER_HOME"] = str(home)
    try:
        from interviewer.config import load_settings
        from interviewer.services import Services

        yield Services(load_settings()).offline_judge
    finally:
        if old is None:
            os.environ.pop("INTERVIEWER_HOME", None)
        else:
            os.environ["INTERVIEWER_HOME"] = old


def test_every_question_has_a_model_answer_in_both_languages() -> None:
    missing = [q.id for q in _QUESTIONS if q.model_answer is None or not q.model_answer.zh or not q.model_answer.en]
    assert missing == []


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("question", _QUESTIONS, ids=[q.id for q in _QUESTIONS])
def test_the_model_answer_grades_as_a_strong_answer(judge, question: Question, lang: Lang) -> None:
    assert question.model_answer is not None
    grade = judge.grade(question, question.model_answer.get(lang), lang)
    weak = {c.id: c.reason for c in grade.criteria if c.score < 3}
    assert grade.flags == [] and grade.errors == []
    assert grade.overall >= PASS, f"{question.id} [{lang}] {grade.overall}: {weak}"
