"""Headless interviews: answers come from a YAML file instead of a person.

```yaml
- question: QUESTION_ID        # optional: without it, answers go to questions in the order asked
  answer: "main answer"
  code_file: solution.py       # optional: code submitted with the answer (a coding question's
                               # solution), relative to the answers file
  follow_ups: ["answer to the 1st follow-up", "answer to the 2nd"]
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from interviewer.agent.events import FollowUpAsked, QuestionAsked
from interviewer.agent.loop import Reply
from interviewer.bank.yamlpos import YamlError, line_of, load_with_lines


class AnswersFileError(Exception):
    pass


@dataclass
class ScriptedAnswer:
    question: str | None
    answer: str
    follow_ups: list[str] = field(default_factory=list)
    line: int = 0
    code: str = ""
    """The text of ``code_file``, read when the answers file is loaded."""


def load_answers(file: Path) -> list[ScriptedAnswer]:
    """Parse and check an answers file; errors name the file and line."""
    try:
        data, lines = load_with_lines(file)
    except FileNotFoundError:
        raise AnswersFileError(f"{file}: no such file") from None
    except YamlError as exc:
        raise AnswersFileError(str(exc)) from None
    if not isinstance(data, list) or not data:
        raise AnswersFileError(f"{file}:1: expected a non-empty list of {{question, answer, follow_ups}} entries")
    out: list[ScriptedAnswer] = []
    first_line: dict[str, int] = {}
    for i, item in enumerate(data):
        line = line_of(lines, (i,))
        if not isinstance(item, dict):
            raise AnswersFileError(f"{file}:{line}: entry {i + 1} must be a mapping with an 'answer'")
        unknown = set(item) - {"question", "answer", "follow_ups", "code_file"}
        if unknown:
            raise AnswersFileError(f"{file}:{line}: entry {i + 1} has unknown field(s) {sorted(unknown)}")
        code = _read_code(file, item.get("code_file"), f"{file}:{line_of(lines, (i, 'code_file'))}: entry {i + 1}")
        answer = item.get("answer", "" if code else None)
        if not isinstance(answer, str):
            raise AnswersFileError(f"{file}:{line_of(lines, (i, 'answer'))}: entry {i + 1}: 'answer' must be a string")
        follow_ups = item.get("follow_ups") or []
        if not isinstance(follow_ups, list) or not all(isinstance(f, str) for f in follow_ups):
            raise AnswersFileError(
                f"{file}:{line_of(lines, (i, 'follow_ups'))}: entry {i + 1}: 'follow_ups' must be a list of strings"
            )
        qid = item.get("question")
        if qid is not None and not isinstance(qid, str):
            raise AnswersFileError(f"{file}:{line_of(lines, (i, 'question'))}: entry {i + 1}: 'question' must be an id")
        if qid is not None:
            if qid in first_line:
                raise AnswersFileError(
                    f"{file}:{line_of(lines, (i, 'question'))}: entry {i + 1}: question {qid!r} is already answered "
                    f"at line {first_line[qid]}; give each question one entry (follow-up answers go in its follow_ups)"
                )
            first_line[qid] = line_of(lines, (i, "question"))
        out.append(ScriptedAnswer(qid, answer, list(follow_ups), line, code))
    return out


MAX_CODE_BYTES = 256_000
"""Largest code file an answer may carry (a solution, not a data set)."""


def _read_code(answers_file: Path, value: object, where: str) -> str:
    """The text of an entry's ``code_file`` (relative to the answers file); '' without one."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise AnswersFileError(f"{where}: 'code_file' must be a path to a file")
    path = answers_file.parent / value
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AnswersFileError(f"{where}: code_file {path}: no such file") from None
    except OSError as exc:
        raise AnswersFileError(f"{where}: code_file {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CODE_BYTES:
        raise AnswersFileError(f"{where}: code_file {path} is {len(raw)} bytes; at most {MAX_CODE_BYTES} are taken")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(f"{where}: code_file {path} is not UTF-8 text (byte offset {exc.start})") from None
    if "\x00" in text:
        raise AnswersFileError(f"{where}: code_file {path} holds a NUL byte: a binary file, not code")
    if not text.strip():
        raise AnswersFileError(f"{where}: code_file {path} is empty")
    return text


class ScriptedAnswers:
    """An AnswerSource replaying a list of scripted answers."""

    def __init__(self, answers: list[ScriptedAnswer]) -> None:
        self.answers = answers
        self.by_question = {a.question: a for a in answers if a.question}
        self.unbound = [a for a in answers if not a.question]
        self.current: dict[str, ScriptedAnswer] = {}

    @property
    def forced(self) -> list[str]:
        return [a.question for a in self.answers if a.question]

    async def reply(self, prompt: QuestionAsked | FollowUpAsked) -> Reply:
        qid = prompt.question_id
        if isinstance(prompt, QuestionAsked):
            scripted = self.by_question.get(qid) or (self.unbound.pop(0) if self.unbound else None)
            if scripted is None:
                return Reply("end")
            self.current[qid] = scripted
            if scripted.code:
                return Reply("answer", scripted.answer, code=scripted.code)
            return Reply("answer", scripted.answer) if scripted.answer.strip() else Reply("skip")
        scripted = self.current.get(qid)
        k = prompt.follow_up_index - 1
        if scripted is None or k >= len(scripted.follow_ups):
            return Reply("pass")
        return Reply("answer", scripted.follow_ups[k])
