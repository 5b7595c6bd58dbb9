"""Issue 15, long answers: the follow-up decision reads a bounded, representative part of the
answer (the next turn comes back at once whatever its length), the grade still reads all of it, and
the rest is embedded ahead in small batches."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.agent.events import AnswerGraded, FollowUpAsked
from interviewer.agent.headless import ScriptedAnswer, ScriptedAnswers
from interviewer.agent.loop import InterviewPlan
from interviewer.agent.reading import (
    BATCH_SENTENCES,
    DECISION_CHARS,
    DECISION_SENTENCES,
    batches,
    read_ahead,
    representative,
    was_read,
)
from interviewer.textproc import split_sentences

FILLER = [
    "We had a long planning meeting about the roadmap for the next quarter.",
    "The team discussed staffing, the on-call rota and the office move.",
    "Several people asked about the budget for conferences and training.",
    "Nobody had strong opinions about the colour of the new dashboards.",
]


def padded(core: list[str], n: int = 300) -> str:
    """``core`` sentences buried at the start, middle and end of ``n`` filler sentences."""
    body = [FILLER[i % len(FILLER)] for i in range(n)]
    for k, sentence in enumerate(core):
        body.insert((k + 1) * n // (len(core) + 1), sentence)
    return " ".join(body)


@pytest.fixture(scope="module")
def bank() -> Any:
    from interviewer.bank.loader import load_bank

    return load_bank()


ONE_POINT_EACH = [
    "The chunk size matters a lot.",
    "Split along the headings of each page.",
    "Merge the lists with reciprocal rank fusion.",
    "Then a cross-encoder orders the top fifty.",
    "Track recall@k on a labelled set.",
    "Ragas scores it offline every night.",
]
"""Sentences of a RAG answer that each name one key point of sd-rag-pipeline."""


def test_a_short_answer_is_read_whole(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    answers = ["I'd chunk the docs and use hybrid search.", "Then rerank the top 50 with a cross-encoder."]
    assert representative(question, answers) == "\n".join(answers)


def test_a_long_answer_is_read_in_a_bounded_part_that_keeps_what_names_the_rubric(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    core = []
    for _, kp in question.rubric.key_points():
        term = next(iter(kp.aliases.en), "")
        if term:
            core.append(f"For this I would rely on {term} and measure it.")
        if len(core) == 4:
            break
    text = padded(core)
    assert len(text) > 20_000
    read = representative(question, [text])
    lines = read.splitlines()
    assert len(lines) <= DECISION_SENTENCES and len(read) <= DECISION_CHARS + len(lines)
    assert lines[0] == split_sentences(text)[0]  # the opening sentence
    for sentence in core:  # each buried sentence naming a key point is read
        assert sentence in lines, sentence


def test_code_is_read_beside_the_prose(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    code = "```python\ndef retrieve(q):\n    # hybrid search then rerank\n    return rerank(search(q))\n```"
    read = representative(question, [code, padded([])])
    assert code in read


def test_batches_hold_every_sentence_once_in_order() -> None:
    text = padded(["A sentence that matters."], 50) + "\n\n```python\nx = 1\n```\n"
    got = batches(text)
    assert got[-1] == "```python\nx = 1\n```"
    sentences = [s for b in got[:-1] for s in b.split("\n")]
    assert sentences == split_sentences(text.split("```")[0])
    assert all(len(b.split("\n")) <= BATCH_SENTENCES for b in got[:-1])


class Recorder:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def precompute(self, draft: str) -> None:
        self.texts.append(draft)


def test_read_ahead_reads_the_decision_part_first_then_stops_when_asked(bank: Any) -> None:
    import threading

    question = bank.questions["sd-rag-pipeline"]
    text = padded([], 100)
    first = representative(question, [text])
    reader = Recorder()
    read_ahead(reader, question, text)
    assert reader.texts[0] == first
    assert "\n".join(reader.texts[1:]).split("\n") == split_sentences(text)
    stop = threading.Event()
    stop.set()
    stopped = Recorder()
    other = padded(["One more sentence."], 120)
    read_ahead(stopped, question, other, stop)
    assert stopped.texts == [representative(question, [other])]
    assert not was_read(other) and len(representative(question, [other])) < len(other)


def test_read_ahead_starts_after_its_delay_and_not_at_all_when_stopped_meanwhile(bank: Any) -> None:
    """A submitted answer is read ahead once the next turn is drawn (``Limits.grade_delay_s``): an
    interview that stops before then reads nothing."""
    import threading

    question = bank.questions["sd-rag-pipeline"]
    text = padded(["A sentence only this test reads."], 100)
    stop = threading.Event()
    timer = threading.Timer(0.05, stop.set)
    timer.start()
    reader = Recorder()
    read_ahead(reader, question, text, stop, delay_s=600.0)  # returns as soon as stop is set
    timer.join()
    assert reader.texts == [] and not was_read(text)
    first = representative(question, [text])
    read_ahead(reader, question, text, threading.Event(), delay_s=0.01)
    assert reader.texts and reader.texts[0] == first and was_read(text)


def test_an_answer_read_ahead_in_full_is_then_read_whole(bank: Any) -> None:
    question = bank.questions["sd-rag-pipeline"]
    text = padded(["Hybrid retrieval with BM25 and dense vectors."], 150)
    assert representative(question, [text]) != text and not was_read(text)
    read_ahead(Recorder(), question, text)
    assert was_read(text)
    assert representative(question, [text, "A short follow-up answer."]) == text + "\nA short follow-up answer."


async def test_the_decision_reads_a_bounded_part_and_the_grade_reads_everything(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = services.bank.questions["sd-rag-pipeline"]
    judge = services.offline_judge
    read: list[int] = []
    coverage = judge.coverage

    def recording(q: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        read.append(len(text))
        return coverage(q, text, *args, **kwargs)

    monkeypatch.setattr(judge, "coverage", recording)
    model = question.model_answer.en
    # the model answer's sentences spread through 14k characters of filler (within the judge's own
    # cap of units read, MAX_UNITS, which a 30k answer exceeds)
    answer = padded(split_sentences(model), 200)
    assert len(answer) > 13_000
    source = ScriptedAnswers([ScriptedAnswer(question.id, answer, ["I'd measure it.", "Not sure."])])
    plan = InterviewPlan(count=1, lang="en", forced=[question.id])
    events = [e async for e in services.interviewer(plan).events(source)]
    assert [e for e in events if isinstance(e, FollowUpAsked)]
    decisions, grading = read[:-1], read[-1]
    # the first decision reads a bounded part (later ones may read it whole once it was read ahead)
    assert decisions and decisions[0] <= DECISION_CHARS + DECISION_SENTENCES * 2
    assert grading >= len(answer)  # the grade reads the whole answer
    grade = next(e.grade for e in events if isinstance(e, AnswerGraded))
    late = [m for m in split_sentences(model) if answer.index(m) > len(answer) // 2]
    quoted = " ".join(q for c in grade.criteria for q in c.evidence)
    assert any(m[:60] in quoted for m in late), "the grade quotes the second half of the answer"


class SpyEmbedder:
    """An embedder that records every text it is asked to embed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.spec = inner.spec
        self.texts: list[str] = []

    @property
    def identity(self) -> str:
        return str(self.inner.identity)

    def embed_queries(self, texts: list[str]) -> Any:
        self.texts += texts
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Any:
        return self.inner.embed_passages(texts)


def test_reading_ahead_embeds_what_the_grade_reads_and_nothing_it_skips(services: Any) -> None:
    """A long answer is graded through its READ_UNITS most relevant sentences, never their clauses:
    reading ahead embedded the clauses of every one of them too (a 30k paste: 277 embeddings where
    the decision and the grade read 84), and the grade waited for them."""
    from interviewer.judge.offline import READ_UNITS, OfflineJudge
    from interviewer.judge.service import Judge
    from interviewer.judge.units import answer_units

    question = services.bank.questions["sd-rag-pipeline"]
    spy = SpyEmbedder(services.offline_judge.embedder)
    judge = Judge(OfflineJudge(spy))  # a fresh unit cache
    judge.prepare(question)
    text = " ".join(
        f"In week {i} we re-ran the retrieval evaluation, compared BM25 with dense search, and kept "
        f"the reranker on the top {i + 20} chunks."
        + (" We also tuned chunk sizes, overlap and the prompt." if i % 2 else "")
        for i in range(80)
    )
    assert len(judge.units_read(question, text)) == READ_UNITS < len(answer_units(text, fine=False))
    assert len(answer_units(text)) > 2 * len(answer_units(text, fine=False))  # its sentences have clauses
    decision = judge.units_read(question, representative(question, [text]), fine=False)
    spy.texts.clear()
    read_ahead(judge, question, text)
    read = list(spy.texts)
    assert set(read) == set(decision) | set(judge.units_read(question, text))
    assert len(read) <= READ_UNITS + DECISION_SENTENCES
    spy.texts.clear()
    judge.offline.grade(question, text)
    assert spy.texts == []  # the grade finds every unit it reads embedded already


async def test_the_decision_chooses_what_it_reads_off_the_event_loop(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Choosing a long answer's representative part scans every sentence (~30 ms for a 30k paste):
    it runs in the decision's worker thread, not on the event loop drawing the submitted answer."""
    import threading

    from interviewer.agent import loop

    question = services.bank.questions["sd-rag-pipeline"]
    threads: list[threading.Thread] = []
    choose = representative

    def recording(q: Any, answers: Any, known: Any = None) -> str:
        threads.append(threading.current_thread())
        return choose(q, answers, known)

    monkeypatch.setattr(loop, "representative", recording)
    answer = padded(split_sentences(question.model_answer.en), 60)
    source = ScriptedAnswers([ScriptedAnswer(question.id, answer, ["I'd measure it."])])
    plan = InterviewPlan(count=1, lang="en", forced=[question.id])
    events = [e async for e in services.interviewer(plan).events(source)]
    assert [e for e in events if isinstance(e, AnswerGraded)]
    assert threads and threading.main_thread() not in threads


def _points_named(question: Any, text: str) -> set[str]:
    from interviewer.textproc import contains_term, normalize

    norm = normalize(text)
    return {kp.id for _, kp in question.rubric.key_points() if any(contains_term(norm, a) for a in kp.aliases.en)}


def test_a_pasted_answer_is_read_through_the_sentences_naming_the_most_key_points(bank: Any) -> None:
    """The decision's budget of sentences goes to those naming key points not named yet: a sentence
    naming three points is read once for all three, instead of three sentences each naming one of them
    twice — which left two points the answer names unread (the per-point pick did) and a follow-up
    could ask about what the answer had said."""
    question = bank.questions["sd-rag-pipeline"]
    combined = "I would keep the HNSW vectors in pgvector and ask for citations."
    doubles = [
        "We tuned HNSW and IVF carefully.",
        "Either pgvector or Qdrant would do the job.",
        "Add citations and keep the answer grounded.",
    ]
    singles = ONE_POINT_EACH[: DECISION_SENTENCES - 2]
    text = padded([*doubles, *singles, combined])
    named = _points_named(question, text)
    assert len(named) == len(singles) + 3 > DECISION_SENTENCES - 1  # more points than sentences left to read
    read = representative(question, [text])
    assert len(read.splitlines()) <= DECISION_SENTENCES
    assert combined in read.splitlines()
    assert _points_named(question, read) == named


async def test_an_answer_with_no_follow_up_left_is_not_read_before_the_next_question(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no follow-up left to ask the next turn is the next question whatever the answer says: the
    decision does not read it (for a long paste that was up to a second of embedding); the grade does."""
    question = services.bank.questions["sd-rag-pipeline"]
    judge = services.offline_judge
    reads: list[bool] = []
    coverage = judge.coverage

    def recording(q: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(bool(kwargs.get("fine", True)))
        return coverage(q, text, *args, **kwargs)

    monkeypatch.setattr(judge, "coverage", recording)
    monkeypatch.setattr(services.settings, "max_follow_ups", 0)
    source = ScriptedAnswers([ScriptedAnswer(question.id, "I'd chunk the docs and use hybrid search.", [])])
    plan = InterviewPlan(count=1, lang="en", forced=[question.id])
    events = [e async for e in services.interviewer(plan).events(source)]
    assert not [e for e in events if isinstance(e, FollowUpAsked)]
    assert [e for e in events if isinstance(e, AnswerGraded)]
    assert reads == [True]  # the grade's reading only: no decision read it


def test_a_pasted_answer_is_read_through_few_sentences_not_embedded_yet(bank: Any) -> None:
    """Each sentence the decision reads that is not embedded yet is an embedding the candidate waits
    for (~55 ms of CPU): of a paste never seen, at most DECISION_FRESH are read; sentences already
    embedded (read ahead, bundled) are free and fill the rest."""
    from interviewer.agent.reading import DECISION_FRESH

    question = bank.questions["sd-rag-pipeline"]
    text = padded(ONE_POINT_EACH)
    unknown = representative(question, [text], known=lambda unit: False)
    assert 0 < len(unknown.splitlines()) <= DECISION_FRESH
    assert len(representative(question, [text]).splitlines()) > DECISION_FRESH  # no budget without `known`
    read = representative(question, [text], known=lambda unit: unit in ONE_POINT_EACH).splitlines()
    assert all(sentence in read for sentence in ONE_POINT_EACH)  # the embedded ones cost nothing
    assert len([line for line in read if line not in ONE_POINT_EACH]) <= DECISION_FRESH


def test_the_judge_says_which_units_it_reads_without_the_model(services: Any) -> None:
    """What a decision's budget counts as free: units the judge embedded before and bundled ones."""
    judge = services.judge()
    question = services.bank.questions["sd-rag-pipeline"]
    new = "Our retrieval stack indexes every wiki page twice a day, zebra-striped."
    assert not judge.embedded(new)
    judge.embed_units([new])
    assert judge.embedded(new)
    bundled = split_sentences(question.model_answer.en)[0]
    assert judge.embedded(bundled)
