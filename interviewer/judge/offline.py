"""The offline judge: grades what an answer claims against the rubric, from bundled embeddings, no LLM.

The answer is cut into units: sentences and clauses of its prose, and for code its comments and
the words of its identifiers. For each key point:

- **errors first**: a unit that states one of the key point's misconceptions (closer to the
  misconception than to the truth, or using its tell-tale phrase), negates the point ("we had no
  rollback plan"), states a misconception's wrong figure ("10M 768-d float32 vectors take ~3 GB"),
  or binds the point to a rival subject ("GQA shares one K/V head across all
  heads") is an error. The point earns nothing, its criterion is capped at 1 (``caps.apply_caps``),
  and the error is reported with the correction and the note to read. An error is never evidence.
- **coverage** combines the best calibrated similarity between the remaining units and the key
  point (both languages) with the key point's alias terms.

A criterion's score follows the coverage of its key points; length adds nothing. The same
coverage tells the agent which key points are still missing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.bank.exemplars import exemplar_sentences
from interviewer.domain import (
    ClaimDoubt,
    Criterion,
    CriterionGrade,
    Grade,
    KeyPoint,
    Lang,
    Misconception,
    Question,
)
from interviewer.judge import appeals, assessment, checks, claims, doubts, feedback, figures, guards
from interviewer.judge.calibration import CALIBRATION, Table, calibrated
from interviewer.judge.caps import apply_caps, cap_reason
from interviewer.judge.checks import Exchange
from interviewer.judge.coverage import (
    COVERED,
    TOUCHED,
    Coverage,
    Doubt,
    FoundError,
    KeyPointCoverage,
    level_from_coverage,
)
from interviewer.judge.references import ReferenceFinder
from interviewer.judge.units import Unit, answer_units, in_answer, most_relevant, rubric_words
from interviewer.messages import msg
from interviewer.rag.embedders import Embedder
from interviewer.textproc import (
    contains_term,
    has_cjk,
    normalize,
)

CLAIM_FLOOR = 0.6
"""Calibrated similarity at which a unit is clearly about a key point (for negation and subject checks)."""
FIGURE_FLOOR = 0.3
"""Calibrated similarity at which a unit that reads as a key point more than as any other may state one
of its misconceptions by its wrong figure: the figure is the evidence ("10M passages at 768 dims in fp32
come to roughly 3GB" reads only loosely as the memory estimate it gets wrong). Measured with no floor
at all, the figure rule read none of 12,269 correct sentences (``evals/figure_reads.py``)."""
RIVAL_MARGIN = 0.25
"""A sentence binds a key point to a rival subject only when it reads as that point clearly more than as
any of the rival's own points (a correct sentence about the rival is close to both)."""
READ_UNITS = 72
"""Units embedded per answer at most (~60 ms each on a 2-core laptop: ~4.5 s). A longer answer is read
sentence by sentence without clauses, and if it still has more, through the READ_UNITS sentences that share
the most words with the rubric (key points, aliases, misconceptions) — a 30k-character paste is graded
in seconds on what it says about the question, not on its length."""
UNIT_CACHE = 5000
"""Answer units whose vectors a judge keeps (~1.5 KB each); past it the cache starts afresh."""


def _alias_score(hits: int, total: int) -> float:
    if total == 0:
        return 0.0
    return min(1.0, hits / min(2, total))


@dataclass
class _Targets:
    vectors: np.ndarray
    """Rows: [question zh, question en, kp1 zh, kp1 en, ..., m1 zh, m1 en, ..., e1 zh, e1 en, ...] where e
    are the model-answer sentences taken as exemplars."""
    misconceptions: list[tuple[int, Misconception]]
    """(key point index, misconception) for each misconception row pair, in order."""
    exemplars: list[int] = field(default_factory=list)
    """Key point index of each exemplar row pair (a key point's example or a model-answer sentence; its
    other language's row is zero)."""
    examples: int = 0
    """How many of the exemplars, first, are key points' own examples (``KeyPoint.examples``)."""
    words: frozenset[str] = frozenset()
    """The rubric's words (question, key points, aliases, misconceptions): what a very long answer is
    read through (see READ_UNITS)."""
    subjects: tuple[str, ...] = ()
    """Every subject name the question's key points declare: a tell-tale phrase with one between its
    parts binds nothing (``claims.alias_hit``)."""
    protected: list[tuple[str, ...]] = field(default_factory=list)
    """For each misconception, in order: the names a part of its phrases may not lie inside
    (``claims.protected_terms``)."""
    assessing: list[bool] = field(default_factory=list)
    """For each key point: it is itself about assessment (rubrics, marks), so a sentence that speaks of
    assessment may earn it (``assessment.assesses``)."""
    truths: list[tuple[figures.Figure, ...]] = field(default_factory=list)
    """For each key point: the figures it and its misconceptions' corrections give (``figures.truths``)."""
    wrong_figures: list[tuple[figures.Figure, ...]] = field(default_factory=list)
    """For each misconception, in order: the wrong figures it states (``figures.wrong``)."""
    known: tuple[figures.Figure, ...] = ()
    """Every figure the question's rubric and model answer give as true: a sentence's figure that agrees
    with one of them is never called wrong."""

    def fold(self, scores: np.ndarray, n: int) -> np.ndarray:
        """Calibrated scores with each key point's column raised to its best exemplar's. The key points'
        own examples count in full for an answer that touches one of the points by itself (TOUCHED), and
        less the further it stays from all of them: they say how a story about this subject states a
        point, and a story about something else (a data warehouse's bill for "a time you cut inference
        cost") matches their form alone. The weight is continuous, so text added to an answer cannot
        switch the examples on for all of it."""
        base = 1 + n + len(self.misconceptions)
        touched = float(scores[:, 1 : 1 + n].max()) if n and len(scores) else 0.0
        weight = min(1.0, touched / TOUCHED)
        for e, i in enumerate(self.exemplars):
            column = scores[:, base + e] * weight if e < self.examples else scores[:, base + e]
            np.maximum(scores[:, 1 + i], column, out=scores[:, 1 + i])
        return scores


@dataclass(frozen=True)
class _Foreign:
    """A misconception of a neighbouring question, with what its own question's patterns need."""

    misconception: Misconception
    topic: tuple[str, ...]
    """Its key point's aliases: a unit must name one for the misconception to be read in it."""
    protected: tuple[str, ...]
    """The names a part of its phrases may not lie inside (``claims.protected_terms``)."""
    subjects: tuple[str, ...]
    """Both questions' subjects (one between a phrase's parts breaks it)."""


EXEMPLAR_MIN = 0.5
"""Calibrated similarity at which a model-answer sentence is taken as a concrete way of stating the key
point it is closest to. Rubric key points are abstract ("names a bet that failed and how they found
out"); candidates tell the story ("I killed auto-fix: users reverted most of its patches"). The bank's
model answer says each point the way a strong candidate would, so its sentences are matched too."""
EXEMPLAR_MARGIN = 0.05
"""…and only when it is closer to that key point than to any other by this much (a sentence that
serves two points equally is evidence of neither)."""


class OfflineJudge:
    """Grades answers against a question's rubric with no LLM."""

    name = "offline"

    def __init__(
        self,
        embedder: Embedder,
        references: ReferenceFinder | None = None,
        calibration: Table | None = None,
        note: str = "",
        neighbours: Callable[[Question], Sequence[Question]] | None = None,
    ) -> None:
        self.embedder = embedder
        self.neighbours = neighbours
        """The questions whose misconceptions are checked too (``Bank.neighbours``); None: none."""
        self.references = references
        self.calibration = calibration or CALIBRATION
        self.note = note
        """Said in every grade's summary when the judge is not using the configured embedder."""
        self.appeal_reader = appeals.reader_for(embedder.spec)
        """Reads sentences addressed to the grader by meaning (None: this embedder has no trained reader)."""
        self._targets_cache: dict[str, _Targets] = {}
        self._foreign_cache: dict[str, list[_Foreign]] = {}
        self._unit_cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- embeddings ------------------------------------------------------------------------
    def _targets(self, question: Question) -> _Targets:
        """Embeddings of the question, its key points and their misconceptions, cached per question."""
        with self._lock:
            cached = self._targets_cache.get(question.id)
        if cached is not None:
            return cached
        texts = [question.text.zh, question.text.en]
        mis: list[tuple[int, Misconception]] = []
        pairs = question.rubric.key_points()
        for _, kp in pairs:
            texts.extend([kp.text.zh, kp.text.en])
        for i, (_, kp) in enumerate(pairs):
            for m in kp.misconceptions:
                texts.extend([m.text.zh, m.text.en])
                mis.append((i, m))
        vectors = self.embedder.embed_queries(texts)
        exemplars, rows = self._exemplars(question, vectors[2 : 2 + 2 * len(pairs)])
        targets = _Targets(
            np.vstack([vectors, *rows]) if rows else vectors,
            mis,
            exemplars,
            sum(len(kp.examples.all()) for _, kp in pairs),
            rubric_words(question),
            tuple(claims.all_subjects(question)),
            [claims.protected_terms(pairs[i][1], m) for i, m in mis],
            [any(assessment.assesses(t) for t in (kp.text.zh, kp.text.en, *kp.aliases.all())) for _, kp in pairs],
            [figures.truths(kp) for _, kp in pairs],
            [figures.wrong(m, pairs[i][1]) for i, m in mis],
            figures.known(question),
        )
        with self._lock:
            self._targets_cache[question.id] = targets
        return targets

    def _exemplars(self, question: Question, kp_vectors: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
        """The key points' own examples, and model-answer sentences assigned to the key point each states
        (see EXEMPLAR_MIN), as row pairs."""
        owners: list[int] = []
        rows: list[np.ndarray] = []
        if not len(kp_vectors):
            return owners, rows
        said = [
            (i, zh, text)
            for i, (_, kp) in enumerate(question.rubric.key_points())
            for zh, texts in ((True, kp.examples.zh), (False, kp.examples.en))
            for text in texts
        ]
        for (i, zh, _), vec in zip(
            said, self.embedder.embed_queries([t for *_, t in said]) if said else [], strict=True
        ):
            zero = np.zeros_like(vec)
            owners.append(i)
            rows.append(np.vstack([vec, zero] if zh else [zero, vec]))
        if question.model_answer is None:
            return owners, rows
        for lang in ("zh", "en"):
            found = exemplar_sentences(question.model_answer.get(lang))
            if not found:
                continue
            vecs = self.embedder.embed_queries(found)
            sc = calibrated(vecs @ kp_vectors.T, [lang] * len(found), self.calibration)
            for r in range(len(found)):
                order = np.argsort(-sc[r])
                best = float(sc[r, order[0]])
                second = float(sc[r, order[1]]) if len(order) > 1 else 0.0
                if best >= EXEMPLAR_MIN and best - second >= EXEMPLAR_MARGIN:
                    zero = np.zeros_like(vecs[r])
                    owners.append(int(order[0]))
                    rows.append(np.vstack([vecs[r], zero] if lang == "zh" else [zero, vecs[r]]))
        return owners, rows

    def prepare(self, question: Question) -> None:
        """Embed the question's key points and compile its claim patterns ahead of time (called when
        the question is asked, so the first answer's turn does not wait for either)."""
        self._targets(question)
        claims.compile_patterns(question)
        for other in self.neighbours(question) if self.neighbours else []:
            claims.compile_patterns(other)

    def _foreign(self, question: Question) -> list[_Foreign]:
        """The misconceptions of the questions that share a reference note with ``question``."""
        with self._lock:
            cached = self._foreign_cache.get(question.id)
        if cached is not None:
            return cached
        out: list[_Foreign] = []
        for other in self.neighbours(question) if self.neighbours else []:
            subjects = tuple(dict.fromkeys([*claims.all_subjects(question), *claims.all_subjects(other)]))
            for _, kp in other.rubric.key_points():
                out.extend(
                    _Foreign(m, tuple(kp.aliases.all()), claims.protected_terms(kp, m), subjects)
                    for m in kp.misconceptions
                )
        with self._lock:
            self._foreign_cache[question.id] = out
        return out

    def _foreign_errors(
        self,
        question: Question,
        pairs: list[tuple[Criterion, KeyPoint]],
        units: list[Unit],
        scores: np.ndarray,
        skip: set[int],
    ) -> list[tuple[int, int, FoundError]]:
        """(unit, key point, error) for each unit that states a neighbouring question's misconception
        (see ``neighbours``): a wrong claim is wrong in any question. It is charged to this question's
        key point the unit is closest to; each such misconception counts once."""
        foreign = self._foreign(question)
        if not foreign:
            return []
        whole = normalize(" ".join(u.text for u in units if not u.code))
        squeezed = whole.replace(" ", "")
        live = [
            f
            for f in foreign
            if any(
                (p := claims.alias_pattern(a)) is not None and p.search(squeezed if has_cjk(a) else whole)
                for a in f.misconception.aliases.all()
            )
        ]
        out: list[tuple[int, int, FoundError]] = []
        seen: set[int] = set()
        n = len(pairs)
        for ui, unit in enumerate(units):
            if not live or ui in skip or unit.code or claims.reports(unit.sentence):
                continue
            low = normalize(unit.text)
            for f in live:
                # Its phrase alone may be wrong only in its own question's context ("直接终止任务" is wrong
                # for a bad tool call, fine for a detected loop): the unit must name that key point's topic.
                if not any(contains_term(low, a) for a in f.topic):
                    continue
                hit = claims.alias_hit(
                    unit.text,
                    f.misconception.aliases,
                    f.subjects,
                    f.protected,
                    unit.context,
                    claims.compared_objects(f.misconception),
                )
                if hit is None:
                    continue
                i = int(np.argmax(scores[ui, 1 : 1 + n]))
                if id(f.misconception) not in seen:
                    seen.add(id(f.misconception))
                    criterion, kp = pairs[i]
                    out.append((ui, i, FoundError(criterion, kp, unit.quote, "misconception", f.misconception, hit)))
                break
        return out

    def _embed_units(self, units: list[str]) -> np.ndarray:
        """Embed answer units, reusing earlier ones: a follow-up decision re-reads the answers
        given so far, and the final grade reads them all again."""
        with self._lock:
            known = {u: self._unit_cache[u] for u in units if u in self._unit_cache}
        todo = [u for u in dict.fromkeys(units) if u not in known]
        if todo:
            known.update(zip(todo, self.embedder.embed_queries(todo), strict=True))
            with self._lock:
                if len(self._unit_cache) + len(todo) > UNIT_CACHE:  # a long session: start afresh
                    self._unit_cache.clear()
                self._unit_cache.update((u, known[u]) for u in todo)
        return np.vstack([known[u] for u in units])

    def graded_text(self, question: Question, answer: str) -> str:
        """What a full grade of ``answer`` reads: the answer itself, or for one of more than READ_UNITS
        units the sentences it is read through (so reading ahead embeds nothing the grade skips)."""
        if len(answer_units(answer)) <= READ_UNITS:
            return answer
        return "\n".join(u.text for u in self._read(question, answer))

    def _read(self, question: Question, answer: str, fine: bool = True) -> list[Unit]:
        """The units of ``answer`` the judge embeds: all of them, or for an answer of more than
        READ_UNITS its READ_UNITS most rubric-relevant sentences."""
        units = answer_units(answer, fine)
        if len(units) <= READ_UNITS:
            return units
        return most_relevant(answer_units(answer, fine=False), self._targets(question).words, READ_UNITS)

    def units_read(self, question: Question, answer: str, fine: bool = True) -> list[str]:
        """The unit texts ``coverage`` embeds for ``answer`` (``fine``: a grade; ``fine=False``: a
        follow-up decision): reading ahead embeds exactly these, and nothing a grade skips (a long
        answer's clauses, the sentences it is not read through)."""
        units = self._read(question, answer, fine)
        return list(dict.fromkeys(u.text for u in units))

    def read_appeals(self, text: str, question: Question | None = None) -> list[str]:
        """The sentences of ``text`` the appeal reader flags as addressed to the grader: what the
        injection guard cuts out beside what its patterns find (``guards.check(appeals=...)``)."""
        if self.appeal_reader is None:
            return []

        def worth_reading(said: list[str]) -> list[str]:
            # A long answer is graded through its READ_UNITS most relevant sentences: the reader reads
            # those (or, with no question, those already embedded), never a model pass over a whole paste.
            if len(said) <= READ_UNITS:
                return said
            if question is not None:
                graded = set(self.units_read(question, text))
                return [s for s in said if s in graded]
            with self._lock:
                return [s for s in said if s in self._unit_cache]

        return appeals.flagged(self.appeal_reader, text, self._embed_units, worth_reading)

    def guard(self, answer: str, vocab: set[str], question: Question | None = None) -> guards.GuardReport:
        """The guards' report on ``answer``, appeals read by meaning as well as by pattern."""
        return guards.check(answer, vocab, lambda text: self.read_appeals(text, question))

    def _set_aside(self, sentences: list[str], question: Question) -> list[bool]:
        """Which ``sentences`` read as talk about the answer rather than its topic (the appeal reader's
        ``set_aside``): like a self-assessment, they earn no key point. None on a question that asks for
        the candidate's own experience: there what they did and what came of it is the topic."""
        if self.appeal_reader is None or question.experience:
            return [False] * len(sentences)
        return appeals.set_aside(self.appeal_reader, sentences, self._embed_units)

    def embed_units(self, units: list[str]) -> None:
        """Embed answer unit texts into the judge's cache (see ``units_read``)."""
        if units:
            self._embed_units(units)

    def embedded(self, unit: str) -> bool:
        """Whether reading ``unit`` runs no model: it was embedded before (read ahead, read by an
        earlier decision) or its vector is bundled (the bank's model answers)."""
        with self._lock:
            if unit in self._unit_cache:
                return True
        bundled = getattr(self.embedder, "bundled", None)  # only a cached embedder knows its bundle
        return bool(bundled(unit)) if callable(bundled) else False

    def precompute(self, draft: str) -> None:
        """Embed the units of an answer still being typed, so grading it on submit is instant."""
        read = [*answer_units(draft), *answer_units(draft, fine=False)]
        units = list(dict.fromkeys(u.text for u in read))
        if units:
            self._embed_units(units)
        assessment.self_assessed(draft, [u.sentence for u in read])  # its sentences' readings are cached for the grade

    # -- claims and coverage -----------------------------------------------------------------
    def _error_in(
        self,
        question: Question,
        pairs: list[tuple[Criterion, KeyPoint]],
        i: int,
        unit: Unit,
        score_row: np.ndarray,
        targets: _Targets,
    ) -> tuple[float, FoundError] | None:
        """The strongest wrong claim ``unit`` makes about key point ``i`` (with its strength), or None."""
        criterion, kp = pairs[i]
        kp_score = float(score_row[1 + i])
        refuted = claims.refutes(unit.sentence)
        best: tuple[float, FoundError] | None = None
        for (owner, m), protected in zip(targets.misconceptions, targets.protected, strict=True):
            if owner != i:
                continue
            hit = claims.alias_hit(
                unit.text, m.aliases, targets.subjects, protected, unit.context, claims.compared_objects(m)
            )
            if hit is not None and (best is None or kp_score > best[0] - 1.0):
                best = (1.0 + kp_score, FoundError(criterion, kp, unit.quote, "misconception", m, hit))
        # A misconception said by its number, in any words: embeddings barely see figures, and a wrong
        # figure ("10M 768-d float32 vectors are ~3 GB") reads like the right one ("~31 GB").
        if (
            best is None
            and kp_score >= FIGURE_FLOOR
            and kp_score >= float(score_row[1 : 1 + len(pairs)].max())
            and not refuted
        ):
            for (owner, m), wrongs in zip(targets.misconceptions, targets.wrong_figures, strict=True):
                if owner != i:
                    continue
                said = figures.stated_wrong(unit.text, wrongs, targets.truths[i], targets.known)
                if said is not None:
                    return kp_score, FoundError(criterion, kp, unit.quote, "wrong_figure", m, said.text)
        if best is not None or kp_score < CLAIM_FLOOR:
            return best
        rival = claims.wrong_subject(unit.text, question, kp)
        if rival is not None:
            rival_points = [
                j for j, (_, other) in enumerate(pairs) if other.subject and rival in claims.subject_terms(other)
            ]
            if not rival_points or max(float(score_row[1 + j]) for j in rival_points) < kp_score - RIVAL_MARGIN:
                return kp_score, FoundError(criterion, kp, unit.quote, "wrong_subject", None, rival)
        if (
            not claims.has_negation(kp.text.en)
            and not claims.has_negation(kp.text.zh)
            and not claims.drops(kp.text.en)
            and not claims.drops(kp.text.zh)
            and not refuted
            and not claims.about_rival(unit.text, question, kp)
        ):
            term = claims.negated_term(unit.text, kp.aliases.all())
            if term is not None:
                return kp_score, FoundError(criterion, kp, unit.quote, "negation", None, term)
        return None

    def coverage(self, question: Question, answer: str, use_aliases: bool = True, fine: bool = True) -> Coverage:
        """Key-point coverage of ``answer`` and the wrong claims it makes. ``fine=False`` reads whole
        sentences only (no sub-clauses): fewer embeddings, for the follow-up decision that must come
        back within a keystroke's time."""
        units = self._read(question, answer, fine)
        if not units and answer.strip():
            units = [Unit(answer.strip()[:2000], answer.strip()[:2000], answer.strip()[:2000])]
        pairs = question.rubric.key_points()
        if not units:
            return Coverage([KeyPointCoverage(c, k, 0.0, 0.0, [], None) for c, k in pairs], 0.0)
        targets = self._targets(question)
        raw = self._embed_units([u.text for u in units]) @ targets.vectors.T
        n = len(pairs)
        scores = targets.fold(calibrated(raw, ["zh" if has_cjk(u.text) else "en" for u in units], self.calibration), n)
        relevance = float(scores[:, : 1 + n].max())
        # Errors: at most one per unit (its strongest). A key point may be wrong in more than one way
        # (two misconceptions stated in two sentences are two wrong claims); the same misconception or
        # negation said twice, or one sentence read as a whole and by its clauses, counts once.
        errors: dict[tuple[int, str], tuple[float, FoundError, str]] = {}
        bad: set[int] = set()
        withheld: set[tuple[int, int]] = set()
        for ui, unit in enumerate(units):
            if unit.code:
                continue
            found = [(i, e) for i in range(n) if (e := self._error_in(question, pairs, i, unit, scores[ui], targets))]
            if not found:
                continue
            # A sentence naming a rival subject earns that point nothing but is no error: measured on the
            # eval sets and the bank's model answers, most such sentences were correct statements that name
            # several systems at once (7 false errors for 1 true one).
            for i, (_, err) in found:
                if err.kind == "wrong_subject":
                    withheld.add((ui, i))
            found = [(i, e) for i, e in found if e[1].kind != "wrong_subject"]
            if not found:
                continue
            i, (strength, err) = max(found, key=lambda f: f[1][0])
            bad.add(ui)
            key = (i, err.misconception.id if err.misconception else err.kind)
            if key not in errors or strength > errors[key][0]:
                errors[key] = (strength, err, unit.sentence)
        errors = _one_per_sentence(errors)
        # Neighbouring questions' misconceptions cost ~0.1 s on a long answer: the full grade checks them,
        # the follow-up decision (``fine=False``, within a keystroke's time) only this question's.
        foreign = self._foreign_errors(question, pairs, units, scores, bad) if fine else []
        bad.update(ui for ui, _, _ in foreign)
        good = [ui for ui in range(len(units)) if ui not in bad]
        # A sentence about the answer's assessment ("✓ KV cache", "the answer above also addressed GQA",
        # "以上已详细阐述 RoPE"), or a line of a short paragraph that holds one (the rows of a "| Topic |
        # Explained above |" table), names points without stating them: it earns none that is not itself
        # about assessment.
        # So does a prose sentence the appeal reader takes for talk about the answer rather than its topic
        # (the reader was trained on prose, and the guard hands it prose only).
        said = [units[ui].sentence for ui in good]
        prose = ["" if units[ui].code else units[ui].sentence for ui in good]
        assessing = np.array(assessment.self_assessed(answer, said), dtype=bool) | np.array(
            self._set_aside(prose, question), dtype=bool
        )
        plain = [ui for ui, a in zip(good, assessing, strict=True) if not a]
        norms = {
            kept: normalize(
                " ".join(
                    units[ui].text if units[ui].code else units[ui].sentence for ui in kept if not units[ui].derived
                )
            )
            for kept in (tuple(good), tuple(plain))
        }
        points: list[KeyPointCoverage] = []
        wrong_points = {i for i, _ in errors}
        leans = doubts.lean_matrix(raw, scores, units, n, targets.misconceptions)
        doubted = doubts.doubted(leans, targets.misconceptions, n)
        for i, (criterion, kp) in enumerate(pairs):
            if i in wrong_points or not good:
                points.append(KeyPointCoverage(criterion, kp, 0.0, 0.0, [], None))
                continue
            col = scores[good, 1 + i] * np.array([0.0 if (ui, i) in withheld else 1.0 for ui in good], dtype=np.float32)
            about_assessment = targets.assessing[i]
            if not about_assessment:
                col[assessing] = 0.0
            best = good[int(col.argmax())]
            sim = float(raw[best, 2 + 2 * i : 4 + 2 * i].max())
            aliases = list(dict.fromkeys([*kp.aliases.en, *kp.aliases.zh]))
            shown = _evidence_unit(units, good, col, aliases, doubted[:, i])
            norm = norms[tuple(good) if about_assessment else tuple(plain)]
            hits = [a for a in aliases if contains_term(norm, a, inflected=True)] if use_aliases else []
            sem = float(col.max())
            alias = _alias_score(len(hits), len(aliases)) if use_aliases else 0.0
            # Meaning counts most; terms alone cannot cover a point, but confirm a close paraphrase.
            cov = round(min(1.0, 0.7 * sem + 0.3 * alias + (0.15 if sem > 0.3 and hits else 0.0)), 3)
            evidence = units[shown].quote if cov >= COVERED else None  # rounded first: covered() reads the rounded
            nearest = units[shown].quote if TOUCHED <= cov < COVERED and sem > 0 else None
            points.append(KeyPointCoverage(criterion, kp, cov, round(sim, 4), hits, evidence, nearest))
        ordered = sorted(errors.items(), key=lambda e: (-pairs[e[0][0]][0].weight, e[0][0], -e[1][0]))
        in_doubt = doubts.found(leans, units, good, pairs, targets.misconceptions, wrong_points)
        self_assessed = list(dict.fromkeys(units[ui].sentence for ui, a in zip(good, assessing, strict=True) if a))
        errors_found = [*(e for _, (_, e, _) in ordered), *(e for _, _, e in foreign)]
        return Coverage(points, relevance, errors_found, in_doubt, self_assessed)

    # -- grading ---------------------------------------------------------------------------
    def grade(
        self,
        question: Question,
        answer: str,
        lang: Lang = "en",
        exchanges: Sequence[Exchange | tuple[str, str]] | None = None,
    ) -> Grade:
        """Grade ``answer`` (all the candidate said on the question). ``exchanges``, the same replies
        paired with what each answered, let the doubt checks count: a reply that agrees with a
        misconception the interviewer put to the candidate is a wrong claim (``judge/checks.py``)."""
        vocab = {a.lower() for _, kp in question.rubric.key_points() for a in kp.aliases.all()}
        report = self.guard(answer, vocab, question)
        flags = list(report.flags)
        if report.has("empty"):
            return self._zero(question, flags, lang, msg("judge.empty", lang))
        # A term list proves nothing by its terms: under keyword stuffing only meaning counts.
        cov = self.coverage(question, report.clean_text, use_aliases="keyword_stuffing" not in flags)
        if exchanges:
            cov = _with_checks(question, cov, exchanges)
        if cov.relevance < 0.25 and cov.ratio() < 0.15:
            flags.append("off_topic")
        error_criteria = {e.criterion.id for e in cov.errors}
        raw_scores = {c.id: self._level(cov, c) for c in question.rubric.criteria}
        n_errors = len(cov.errors)
        scores = apply_caps(raw_scores, flags, error_criteria, n_errors=n_errors)
        criteria = [
            self._criterion(
                question,
                c,
                cov,
                scores[c.id],
                # the answer-wide cap for several wrong claims is named only where it lowered the score
                cap_reason(c.id, flags, error_criteria, lang, n_errors if scores[c.id] < raw_scores[c.id] else 0),
                answer,
                lang,
            )
            for c in question.rubric.criteria
        ]
        overall = 100.0 * sum(c.weight * scores[c.id] / 4 for c in question.rubric.criteria)
        summary = feedback.summary(cov, lang) + (f" ({self.note})" if self.note else "")
        return Grade(
            question_id=question.id,
            overall=round(overall, 1),
            criteria=criteria,
            flags=sorted(set(flags), key=guards_order),
            judge="offline",
            rubric_version=question.rubric.version,
            summary=summary,
            errors=[e.claim_error(lang) for e in cov.errors if in_answer(e.quote, answer)],
            unverified=doubts.unverified(cov, answer, lang),
        )

    def suspects(self, question: Question, answer: str, lang: Lang) -> list[ClaimDoubt]:
        """The sentences of ``answer`` this reader takes for a listed misconception (its errors) or
        finds reading close to one (its doubts), errors first, at most ``doubts.MAX_SUSPECTS``: for a model
        judge to verify (``llm_judge``), since the reader cannot tell a claim from its denial."""
        cov = self.coverage(question, answer)
        found = [Doubt(e.criterion, e.key_point, e.misconception, e.quote, 1.0) for e in cov.errors if e.misconception]
        return doubts.shown_doubts([*found, *cov.open_doubts()], answer, lang, doubts.MAX_SUSPECTS)

    @staticmethod
    def _level(cov: Coverage, criterion: Criterion) -> int:
        mine = [p for p in cov.points if p.criterion.id == criterion.id]
        c = sum(p.coverage for p in mine) / len(mine)
        level = level_from_coverage(c)
        if level == 0 and max(p.coverage for p in mine) >= TOUCHED:
            level = 1  # touches a point without covering the criterion: the "vague" level
        return level

    def _criterion(
        self,
        question: Question,
        criterion: Criterion,
        cov: Coverage,
        score: int,
        capped: str,
        answer: str,
        lang: Lang,
    ) -> CriterionGrade:
        mine = [p for p in cov.points if p.criterion.id == criterion.id]
        covered = [p for p in mine if p.coverage >= COVERED]
        missing = [p for p in mine if p.coverage < COVERED]
        wrong = [e for e in cov.errors if e.criterion.id == criterion.id]
        evidence = [q for q in dict.fromkeys(p.evidence for p in covered if p.evidence) if in_answer(q, answer)]
        if score == 0:
            evidence = []
        refs = self.references.for_criterion(question, criterion) if self.references else []
        return CriterionGrade(
            id=criterion.id,
            score=score,
            reason=feedback.reason(score, covered, missing, wrong, capped, lang, answer),
            evidence=evidence,
            missing=[p.key_point.text.get(lang) for p in missing],
            missing_ids=[p.key_point.id for p in missing],
            covered_ids=[p.key_point.id for p in covered] if score > 0 else [],
            references=refs,
        )

    def _zero(self, question: Question, flags: list[str], lang: Lang, reason: str) -> Grade:
        criteria = [
            CriterionGrade(
                id=c.id,
                score=0,
                reason=reason,
                missing=[k.text.get(lang) for k in c.key_points],
                missing_ids=[k.id for k in c.key_points],
                references=self.references.for_criterion(question, c) if self.references else [],
            )
            for c in question.rubric.criteria
        ]
        return Grade(
            question_id=question.id,
            overall=0.0,
            criteria=criteria,
            flags=flags,
            judge="offline",
            rubric_version=question.rubric.version,
            summary=reason,
        )


def _with_checks(question: Question, cov: Coverage, exchanges: Sequence[Exchange | tuple[str, str]]) -> Coverage:
    """``cov`` with the replies to doubt checks read: agreeing with the misconception put to the
    candidate is a wrong claim about its key point (which then earns nothing); rejecting it clears any
    error the reply's own words made about that misconception (a candidate who says "no: X is a myth"
    quotes X)."""
    errors, points, doubts = list(cov.errors), list(cov.points), list(cov.doubts)
    for exchange in exchanges:
        asked, said = checks.as_pair(exchange)
        found = checks.checked(question, asked)
        if found is None or not said.strip():
            continue
        criterion, kp, m = found
        verdict = checks.verdict(said)
        if verdict is not None:  # settled by the candidate's own reply
            doubts = [d for d in doubts if d.misconception is not m]
        if verdict == "disagree":
            errors = [e for e in errors if not (e.misconception is m and e.quote in said)]
        elif verdict == "agree" and not any(e.misconception is m for e in errors):
            errors.append(FoundError(criterion, kp, checks.first_sentence(said), "agreed", m))
            points = [
                KeyPointCoverage(p.criterion, p.key_point, 0.0, 0.0, [], None) if p.key_point is kp else p
                for p in points
            ]
    return Coverage(points, cov.relevance, errors, doubts, cov.self_assessed)


EVIDENCE_SLACK = 0.3
"""How much less a sentence may score on a key point than the answer's best one and still be the one
quoted for it, when it says the point in the point's own terms or is not in doubt (see
``_evidence_unit``). The score is the best sentence's either way."""


def _evidence_unit(
    units: list[Unit], good: list[int], col: np.ndarray, aliases: Sequence[str], doubted: np.ndarray
) -> int:
    """The unit to quote for a key point: among those scoring within EVIDENCE_SLACK of the best, one that
    names the point in its own terms before one that only reads close to it ("Distill into an 8B…" for
    distillation, not "a small draft model from the same family"), then one not in doubt before one that
    is (a grade quotes for a point the sentence it lists as worth checking only when no other will do),
    then the best score."""
    top = float(col.max())

    def rank(k: int) -> tuple[bool, bool, float]:
        named = bool(claims.mentions(units[good[k]].sentence, aliases, inflected=True))
        return (named, not bool(doubted[good[k]]), float(col[k]))

    near = [k for k in range(len(good)) if col[k] > 0 and col[k] >= top - EVIDENCE_SLACK]
    return good[max(near, key=rank)] if near else good[int(col.argmax())]


def _one_per_sentence(
    errors: dict[tuple[int, str], tuple[float, FoundError, str]],
) -> dict[tuple[int, str], tuple[float, FoundError, str]]:
    """The strongest error per key point and sentence: a sentence and its clauses are read apart, so
    one claim could otherwise count twice against the same key point."""
    best: dict[tuple[int, str], tuple[tuple[int, str], float]] = {}
    for key, (strength, _, sentence) in errors.items():
        spot = (key[0], sentence)
        if spot not in best or strength > best[spot][1]:
            best[spot] = (key, strength)
    keep = {key for key, _ in best.values()}
    return {key: value for key, value in errors.items() if key in keep}


def guards_order(flag: str) -> int:
    from interviewer.domain.grade import FLAGS

    return FLAGS.index(flag) if flag in FLAGS else len(FLAGS)
