"""What the interviewer reads of an answer before its next turn, and reading the rest ahead of grading.

The next turn must come back within a keystroke's time whatever the answer's length, and every
sentence the judge reads costs an embedding. So the follow-up decision reads a bounded,
representative part (``representative``): the opening sentence of each answer, then one by one the
sentence naming the most key points not named yet (by weight), then the sentences naming most rubric
terms, in the answer's order. The whole answer is graded later, in the background; its sentences
are embedded ahead of that in small batches (``read_ahead``) that give way to a decision
(``foreground``): the embedder is one lock, and a thread re-taking it batch after batch would
otherwise starve the decision waiting for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from interviewer.domain import Question
from interviewer.textproc import contains_term, normalize, split_code, split_sentences

DECISION_SENTENCES = 8
"""Most sentences the follow-up decision reads of an answer longer than ``DECISION_CHARS`` that was not
read ahead in full (a paste): each costs the judge's claim checks (~15 ms of CPU) and, unless read
before, an embedding (~55 ms of CPU with e5-small), and the candidate waits for them. 18 sentences made
a 30k-character paste's next turn 0.3-0.4 s of CPU (bank sentences, vectors bundled) and ~1 s with
sentences never seen; the sentences are chosen to name as many key points as possible (see
``representative``), so 8 name most of a rubric's (median 11) that a paste names at all."""
DECISION_FRESH = 5
"""Of those, most that are not embedded yet (see ``representative``'s ``known``): a paste's sentences
were never seen, and the candidate waits ~55 ms of CPU for each (8 of them made a 30k paste's next
turn ~0.45 s of CPU). Sentences read ahead or bundled (the bank's model answers) are free and fill
the rest of ``DECISION_SENTENCES``. Measured on 40 questions (half the model answer, never-seen
sentences, buried in an 8k paste), a follow-up asked about a point the answer covers: reading 18 or 8
sentences 8 times, 5 fresh 9, 4 fresh 12, 3 fresh 17."""
DECISION_CHARS = 2600
"""Most characters of prose the follow-up decision reads; an answer this short is read whole (a strong
spoken answer — the bank's model answers: 13-21 sentences, 0.6-2.5k characters — or the decision
could not tell it is strong; a typed one was read ahead while it was typed)."""
SENTENCE_CHARS = 300
"""A longer sentence (a paste without punctuation) is read up to here: embedding cost grows with it."""
DECISION_CODE_CHARS = 4000
"""Most characters of code blocks it reads besides (a coding answer's code is what it shows)."""
BATCH_SENTENCES = 2
"""Sentences embedded per batch when reading ahead: a decision waits for one batch at most. e5 runs
the texts of a batch one per core: on two cores a batch of 3 took as long as 4 (72 sentences: 8.0-8.8 s
wall in batches of 3, 6.5-7.8 s in batches of 2, the same 4 s of CPU, load ~5)."""


class Foreground:
    """Work the candidate is waiting for (the next turn). Reading ahead pauses while there is any."""

    def __init__(self) -> None:
        self._active = 0
        self._idle = threading.Condition()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._idle:
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def wait(self, stop: threading.Event | None = None, timeout: float = 30.0) -> None:
        """Block while foreground work runs (at most ``timeout``; background work must finish)."""
        with self._idle:
            self._idle.wait_for(lambda: self._active == 0 or (stop is not None and stop.is_set()), timeout)


foreground = Foreground()
"""The process's foreground gate: the interview loop holds it from a submit to the next turn."""


class Reader(Protocol):
    """The offline judge's read-ahead: embeds the units of a text and keeps them."""

    def precompute(self, draft: str) -> None: ...


def _terms(question: Question) -> list[tuple[float, list[str]]]:
    """(weight, normalised terms) per key point, highest weight first."""
    out = []
    for criterion, kp in question.rubric.key_points():
        terms = [t for t in dict.fromkeys(normalize(a) for a in kp.aliases.all()) if t]
        out.append((criterion.weight / max(1, len(criterion.key_points)), terms))
    return sorted(out, key=lambda t: -t[0])


_read: dict[str, None] = {}
"""Texts ``read_ahead`` has embedded in full (oldest first, bounded): the decision reads them whole."""
_READ_KEEP = 64
_read_lock = threading.Lock()


def _remember(text: str) -> None:
    with _read_lock:
        _read[text] = None
        while len(_read) > _READ_KEEP:
            del _read[next(iter(_read))]


def was_read(text: str) -> bool:
    """Whether ``text`` was read ahead in full (every sentence is embedded already)."""
    with _read_lock:
        return text in _read


def representative(question: Question, answers: Sequence[str], known: Callable[[str], bool] | None = None) -> str:
    """The part of ``answers`` a follow-up decision reads: all of it when short or read ahead, else at most
    ``DECISION_SENTENCES`` sentences / ``DECISION_CHARS`` characters chosen as described above, one
    per line, in the order given; then code blocks, as far as ``DECISION_CODE_CHARS`` allows.

    ``known`` says whether a sentence is embedded already (read ahead, bundled): given, at most
    ``DECISION_FRESH`` of the sentences read are not (each is an embedding the candidate waits for)."""
    texts = [a for a in answers if a.strip()]
    whole = "\n".join(texts)
    if len(whole) <= DECISION_CHARS or all(len(t) <= DECISION_CHARS or was_read(t) for t in texts):
        return whole
    found: list[tuple[int, int, str]] = []  # (answer, position, sentence)
    blocks: list[str] = []
    for ai, text in enumerate(texts):
        prose, code = split_code(text)
        found += [(ai, si, s) for si, s in enumerate(split_sentences(prose))]
        blocks += code
    norms = [normalize(s) for _, _, s in found]
    points = _terms(question)
    chosen: list[int] = []
    size = 0
    fresh = 0
    free: dict[int, bool] = {}

    def costs(i: int) -> bool:
        """Whether reading sentence ``i`` embeds it (always, when nothing says what is embedded)."""
        if known is None:
            return False
        if i not in free:
            free[i] = known(_cut(found[i][2]))
        return not free[i]

    def fits(i: int) -> bool:
        if i in chosen or len(chosen) >= DECISION_SENTENCES:
            return False
        if chosen and size + min(len(found[i][2]), SENTENCE_CHARS) > DECISION_CHARS:
            return False
        return not (costs(i) and fresh >= DECISION_FRESH)

    def take(i: int) -> bool:
        nonlocal size, fresh
        if not fits(i):
            return False
        chosen.append(i)
        size += min(len(found[i][2]), SENTENCE_CHARS)
        fresh += costs(i)
        return True

    for i, (_, si, _) in enumerate(found):
        if si == 0:
            take(i)
    # Each sentence is searched once for every rubric term (a 30k-character paste has ~300 sentences,
    # a rubric ~40 terms); the per-point and overall counts below are then set look-ups.
    distinct = list(dict.fromkeys(t for _, terms in points for t in terms))
    named = [frozenset(t for t in distinct if t in n and contains_term(n, t)) for n in norms]
    naming = [i for i, terms in enumerate(named) if terms]
    # Then the sentences naming the most key points not named yet (by weight), one at a time: a
    # sentence naming three points reads for three, and the budget reaches further into the rubric.
    named_points = [
        frozenset(p for p, (_, terms) in enumerate(points) if any(t in found_terms for t in terms))
        for found_terms in named
    ]
    seen: set[int] = set()
    for i in chosen:
        seen |= named_points[i]
    while len(chosen) < DECISION_SENTENCES:
        gain = [
            (sum(points[p][0] for p in named_points[i] - seen), len(named[i]), -i)
            for i in naming
            if named_points[i] - seen and fits(i)
        ]
        if not gain:
            break
        _, _, neg = max(gain)
        if not take(-neg):
            break
        seen |= named_points[-neg]
    every = [t for _, terms in points for t in terms]
    hits = [sum(1 for t in every if t in terms) if terms else 0 for terms in named]
    ranked = sorted(range(len(found)), key=lambda i: (-hits[i], i))
    for i in ranked:
        if len(chosen) >= DECISION_SENTENCES:
            break
        take(i)
    lines = [_cut(found[i][2]) for i in sorted(chosen)]
    left = DECISION_CODE_CHARS
    for block in blocks:
        if len(block) > left:
            break
        lines.append(block)
        left -= len(block)
    return "\n".join(lines)


def _cut(sentence: str) -> str:
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    cut = sentence[:SENTENCE_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > SENTENCE_CHARS * 0.6 else cut


def batches(text: str) -> list[str]:
    """``text`` cut into small batches for reading ahead: runs of ``BATCH_SENTENCES`` prose
    sentences (the same sentences the judge reads in the whole), then each code block."""
    prose, blocks = split_code(text)
    sentences = split_sentences(prose)
    runs = ["\n".join(sentences[i : i + BATCH_SENTENCES]) for i in range(0, len(sentences), BATCH_SENTENCES)]
    return runs + blocks


def read_ahead(
    reader: Reader, question: Question, text: str, stop: threading.Event | None = None, delay_s: float = 0.0
) -> None:
    """Embed what the decision on ``text`` reads, then the rest of it batch by batch (grading it
    later is then quick), until ``stop`` is set. Runs in a worker thread, after ``delay_s``: a
    submitted answer is read ahead once the next turn is drawn (embedding takes both cores, and the
    turn waited for them: a 4k-character answer's clauses cost its next turn ~0.3 s of CPU).

    A reader that says which units it reads (``units_read``, ``embed_units``: the judge) is given
    exactly those — the decision's sentences, then the grade's units, ``BATCH_SENTENCES`` at a time —
    and nothing a grade skips: a 30k-character answer is graded through its READ_UNITS most relevant
    sentences, and embedding the clauses of every sentence too made its grade wait ~4 times as long."""
    if delay_s > 0:
        if stop is None:
            time.sleep(delay_s)
        elif stop.wait(delay_s):
            return
    foreground.wait(stop)
    units_read = getattr(reader, "units_read", None)
    embed = getattr(reader, "embed_units", None)
    if units_read is not None and embed is not None:
        embed(units_read(question, representative(question, [text]), False))
        graded = units_read(question, text)
        for start in range(0, len(graded), BATCH_SENTENCES):
            foreground.wait(stop)
            if stop is not None and stop.is_set():
                return
            embed(graded[start : start + BATCH_SENTENCES])
        _remember(text)
        return
    reader.precompute(representative(question, [text]))
    graded = getattr(reader, "graded_text", None)  # a very long answer is graded on a selection of it
    for batch in batches(graded(question, text) if graded is not None else text):
        foreground.wait(stop)
        if stop is not None and stop.is_set():
            return
        reader.precompute(batch)
    _remember(text)
