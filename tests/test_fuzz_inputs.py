"""Fuzzing the files a user hands the app: answers files, bank questions and notes, session imports.

Whatever the bytes, the loaders either load or raise their own clear error (AnswersFileError,
bank issues, StoreError / exit 2 naming the file); never another exception. Bounded and
derandomised, so the run is the same in CI every time and takes seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    FollowUpAsked,
    QuestionAsked,
    QuestionClosed,
    SessionEnded,
    SessionStarted,
)
from interviewer.agent.headless import AnswersFileError, load_answers
from interviewer.bank import Bank, load_bank
from interviewer.cli.main import main
from interviewer.domain import CriterionGrade, Grade, Session
from interviewer.report import transcript_markdown
from interviewer.store.db import Store, StoreError
from interviewer.store.exchange import export_session, import_session

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# -- inputs ---------------------------------------------------------------------------------------------------
YAML_BITS = [
    "&a ", "*a", "*b", "<<: *a\n", "!!python/object/apply:os.system ['id']", "!!binary aGk=", "!!timestamp x",
    "!!set {a, b}", "!!omap [a: 1]", "!foo ", "? ", "[", "]", "{", "}", "- ", ": ", "\n", "\t", "  ", "---\n",
    "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "'", '"', "|\n", ">-\n", "#", "\x00", "\x1b[2J", "\ufeff",
    "\u202e", "2024-13-45", "1e999", "0x", "~", "null", "yes", ".inf", "question", "answer",
    "follow_ups", "code-react-agent", "id", "rubric", "criteria", "key_points",
]  # fmt: skip

VALID_ANSWERS = """\
- question: code-react-agent
  answer: "A ReAct agent loops over thought, action and observation."
  follow_ups: ["max_steps", "a fake LLM"]
- answer: |
    Second answer
    on two lines
"""

_json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    _json_leaf, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4), max_leaves=16
)


@st.composite
def spliced(draw: st.DrawFn, base: str) -> str:
    """``base`` with a few YAML-significant fragments (or random text) spliced in at random places."""
    text = base
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        bit = draw(st.sampled_from(YAML_BITS) | st.text(max_size=6))
        cut = draw(st.integers(0, 3))
        text = text[:at] + bit + text[at + cut :]
    return text


def yaml_inputs(base: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=200),
        st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=3), max_size=30).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
        ),
        JSON_VALUES.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
        spliced(base).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


# -- answers files ----------------------------------------------------------------------------------------------
@FUZZ
@given(raw=yaml_inputs(VALID_ANSWERS))
def test_answers_loader_loads_or_names_the_problem(tmp_path: Path, raw: bytes) -> None:
    file = tmp_path / "answers.yaml"
    file.write_bytes(raw)
    try:
        answers = load_answers(file)
    except AnswersFileError as exc:
        assert str(exc).startswith(str(file)) and "\n" not in str(exc).strip(), str(exc)
        return
    assert answers and all(isinstance(a.answer, str) for a in answers)


# -- bank questions and notes -------------------------------------------------------------------------------------
_QUESTIONS = paths.questions_dir()
VALID_QUESTION = (
    yaml.safe_dump(
        yaml.safe_load(next(iter(sorted(_QUESTIONS.glob("*.yaml")))).read_text("utf-8"))[:1], allow_unicode=True
    )
    if _QUESTIONS.is_dir()
    else "- id: x\n"
)
VALID_NOTE = "---\nid: fuzz-note\ntitle: Fuzz\ntags: [a, b]\n---\n# Heading\n\nBody text.\n"


@FUZZ
@given(question=yaml_inputs(VALID_QUESTION), note=yaml_inputs(VALID_NOTE))
def test_bank_loader_reports_every_problem_as_an_issue(tmp_path: Path, question: bytes, note: bytes) -> None:
    root = tmp_path / "bank"
    for sub in ("questions", "notes"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "questions" / "q.yaml").write_bytes(question)
    (root / "notes" / "n.md").write_bytes(note)
    bank = load_bank([root], builtin=False)
    for issue in bank.issues:
        assert str(issue).startswith(str(root)) and "\n" not in str(issue), str(issue)


# -- imports ---------------------------------------------------------------------------------------------------------
AT = datetime(2024, 3, 1, tzinfo=UTC)


def _export() -> dict[str, Any]:
    """A real export of a two-question session (one skipped) with a rescore."""
    store = Store(paths.db_file())
    sid = "f0f1f2f3f4f5"
    q1, q2 = "code-react-agent", "llm-lost-in-the-middle"
    grade = Grade(question_id=q1, overall=60.0, criteria=[CriterionGrade(id="loop", score=2, evidence=["loops"])])
    for event in (
        SessionStarted(session_id=sid, session=Session(id=sid, started_at=AT, tracks=["coding"]), at=AT),
        QuestionAsked(session_id=sid, question_id=q1, index=1, total=2, text="Q1?", at=AT),
        AnswerReceived(session_id=sid, question_id=q1, text="It loops.", at=AT),
        FollowUpAsked(session_id=sid, question_id=q1, follow_up_index=1, text="Stop?", at=AT),
        AnswerReceived(session_id=sid, question_id=q1, follow_up_index=1, text="max_steps", at=AT),
        QuestionClosed(session_id=sid, question_id=q1, reason="covered", at=AT),
        AnswerGraded(session_id=sid, question_id=q1, grade=grade, at=AT),
        QuestionAsked(session_id=sid, question_id=q2, index=2, total=2, text="Q2?", at=AT),
        QuestionClosed(session_id=sid, question_id=q2, reason="skipped", at=AT),
        SessionEnded(session_id=sid, status="completed", overall=60.0, summary="ok", at=AT),
    ):
        store.record(event)
    store.add_grades(sid, [grade.model_copy(update={"overall": 70.0, "judge": "llm:x"})], origin="rescore")
    data = export_session(store, sid)
    store.delete(sid)
    store.close()
    return json.loads(json.dumps(data))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_exports(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(_paths(data)))
        if not where:
            data = draw(JSON_VALUES)
            continue
        parent = data
        for part in where[:-1]:
            parent = parent[part]
        key = where[-1]
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "text"]))
        if action == "replace":
            parent[key] = draw(JSON_VALUES)
        elif action == "text":
            parent[key] = draw(st.text(alphabet=string.printable + "\x00\x1b\u202e/.", max_size=30))
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
    return data


_BASE: dict[str, Any] = {}


@pytest.fixture
def export_data(isolated_home: Path) -> dict[str, Any]:
    if not _BASE:
        _BASE.update(_export())
    return _BASE


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_import_stores_a_whole_session_or_nothing(export_data: dict[str, Any], data: st.DataObject) -> None:
    doc = data.draw(mutated_exports(export_data) | JSON_VALUES)
    store = Store(paths.db_file())
    try:
        before = {r.id for r in store.sessions(limit=-1)}
        try:
            sid = import_session(store, doc)
        except StoreError as exc:
            assert "\n" not in str(exc) and "Traceback" not in str(exc)
            assert {r.id for r in store.sessions(limit=-1)} == before  # nothing half-imported
            return
        session = store.load(sid)  # what was imported reads back
        assert session.id == sid
        transcript_markdown(session, Bank())
        store.delete(sid)
    finally:
        store.close()


@settings(FUZZ, max_examples=60)
@given(raw=st.binary(max_size=300) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_import_command_exits_2_naming_the_file(tmp_path: Path, raw: bytes) -> None:
    file = tmp_path / "in.json"
    file.write_bytes(raw)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["import", str(file)])
    assert rc == 2 and err.getvalue().startswith("interviewer: error:") and str(file) in err.getvalue()
