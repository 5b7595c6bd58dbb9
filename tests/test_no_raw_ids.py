"""Issue 14: where a person reads — the feedback screen's texts, the Markdown, HTML and text exports,
the human fields of the JSON export — criteria, key points, misconceptions, notes and passages are
named, never shown by id (`positional-encoding-rope-alibi::rope-rotating-query-and-key-pairs-0`).

Real sessions: the offline interviewer over the real bank and note index, with answers that cover
some points, miss others and make a wrong claim, in both languages."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.domain import Question, Session
from interviewer.report import grade_lines, transcript_html, transcript_markdown
from interviewer.tui import format as fmt
from interviewer.tui.widgets import criterion_detail

CASES = [
    (
        "en",
        "llm-rope-vs-alibi",
        "RoPE only encodes absolute position. ALiBi adds a linear bias to the attention scores, so it "
        "extrapolates to longer contexts. Llama uses RoPE.",
    ),
    (
        "zh",
        "sd-rag-pipeline",
        "我会先把文档切块，用向量数据库检索前几个块，再交给大模型生成答案。评估的话看用户反馈。",
    ),
]


def ids_of(question: Question, bank: Any, chunk_ids: set[str]) -> set[str]:
    """The ids a person must not read: key points, misconceptions, criteria, notes and passages of
    the question, except those that are ordinary words or read the same in the bank's own prose."""
    ids = set(chunk_ids)
    for criterion in question.rubric.criteria:
        ids.add(criterion.id)
        for kp in criterion.key_points:
            ids.add(kp.id)
            ids |= {m.id for m in kp.misconceptions if getattr(m, "id", None)}
    ids |= set(question.notes)
    prose = " ".join(
        [
            question.text.en,
            question.text.zh,
            *(k.text.en + " " + k.text.zh for _, k in question.rubric.key_points()),
            *(bank.notes[n].meta.title for n in question.notes if n in bank.notes),
        ]
    ).lower()
    return {i for i in ids if re.search(r"[-_:]", i) and i.lower() not in prose}


def raw_ids_in(text: str, ids: set[str]) -> list[str]:
    return sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text))


@pytest.fixture(scope="module")
def sessions(built_index: Any, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Session, Any]]:
    """Run once: one offline session per case, in a home of its own, with the services that made it."""
    import asyncio
    import shutil

    from interviewer.config import load_settings
    from interviewer.services import Services

    home = tmp_path_factory.mktemp("raw-ids-home")
    shutil.copytree(built_index / "index", home / "index")
    settings = load_settings()
    settings.home = home
    services = Services(settings)
    out = []
    for lang, qid, answer in CASES:
        source = ScriptedAnswers([ScriptedAnswer(qid, answer, ["不确定。" if lang == "zh" else "Not sure."] * 2)])
        plan = InterviewPlan(count=1, lang=lang, forced=[qid])  # type: ignore[arg-type]
        session = asyncio.run(services.interviewer(plan).run(source))
        out.append((session, services))
    return out


def test_sessions_have_what_the_check_needs(sessions: list[tuple[Session, Any]]) -> None:
    for session, _ in sessions:
        grade = next(iter(session.grades.values()))
        assert any(c.references for c in grade.criteria), "passages to read"
        assert any(c.missing for c in grade.criteria), "points missed"
    assert any(g.errors for s, _ in sessions for g in s.grades.values()), "a wrong claim"


def test_exports_and_feedback_name_things_instead_of_showing_ids(sessions: list[tuple[Session, Any]]) -> None:
    from interviewer.store.exchange import export_session

    for session, services in sessions:
        bank = services.bank
        chunks = services.retriever.by_id
        titles = {nid: n.meta.title for nid, n in bank.notes.items()}
        for qid, grade in session.grades.items():
            question = bank.questions[qid]
            refs = {r for c in grade.criteria for r in c.references}
            ids = ids_of(question, bank, refs | {e.reference for e in grade.errors if e.reference})
            lang = session.lang
            texts = {
                "markdown": transcript_markdown(session, bank),
                "terminal transcript": transcript_markdown(session, bank, escape_html=False),
                "html": transcript_html(session, bank),
                "grade text": "\n".join(grade_lines(grade, question, lang, bank)),
                "feedback detail": "\n".join(
                    criterion_detail(grade, i, question, lang, chunks, titles) for i in range(len(grade.criteria))
                ),
            }
            if grade.errors:
                texts["feedback errors"] = "\n".join(fmt.claim_error_lines(grade.errors, lang, titles))
            exported = json.loads(json.dumps(export_session(services.store, session.id), default=str))
            human = []
            for event in exported.get("events", []):
                g = event.get("grade")
                if g:
                    human += [g.get("summary", "")]
                    for c in g.get("criteria", []):
                        human += [c.get("reason", ""), *c.get("missing", []), *c.get("evidence", [])]
                    human += [e.get("correction", "") for e in g.get("errors", [])]
                if event.get("type") == "session_ended":
                    human.append(event.get("summary", ""))
            texts["json human fields"] = "\n".join(human)
            for where, text in texts.items():
                assert text.strip(), where
                assert not raw_ids_in(text, ids), f"{session.lang} {qid} {where}: {raw_ids_in(text, ids)}"
