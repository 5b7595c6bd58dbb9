"""The offline judge: rubric coverage from bundled embeddings and alias terms, no LLM.

For each key point, coverage combines (a) the best e5 similarity between the answer's
sentences/clauses and the key point's text in both languages, and (b) how many of the key
point's alias terms the answer uses. A criterion's score follows the weighted coverage of its
key points; length adds nothing. Guards (empty, off-topic, keyword stuffing, padding,
injection) cap scores. The same coverage tells the agent which key points are still missing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.domain import Criterion, CriterionGrade, Grade, KeyPoint, Lang, Question
from interviewer.judge import guards
from interviewer.judge.references import ReferenceFinder
from interviewer.rag.embedders import Embedder
from interviewer.textproc import clauses, contains_term, has_cjk, normalize, sentences

# Similarity calibration for multilingual-e5-small, whose cosines crowd into 0.8-0.95 and sit
# higher for Chinese-Chinese pairs than for English-English or cross-lingual ones. Per pair of
# (answer language, key-point language): at LOW a sentence says nothing about the key point,
# at HIGH it states it. Derived from the question bank alone by evals/calibrate_offline_judge.py
# (floor = best similarity to key points of other tracks; LOW = floor - 0.01, HIGH = floor + 0.045),
# never fitted to the judge eval set.
CALIBRATION: dict[tuple[str, str], tuple[float, float]] = {
    ("zh", "zh"): (0.887, 0.942),
    ("zh", "en"): (0.824, 0.879),
    ("en", "zh"): (0.822, 0.877),
    ("en", "en"): (0.849, 0.904),
}
COVERED = 0.5
"""Coverage at which a key point counts as covered."""
MAX_UNITS = 400
"""Sentences read per answer: a pasted 200 KB answer is graded on its first ~400 sentences, in seconds."""
TOUCHED = 0.25
"""Coverage at which a key point counts as mentioned, if vaguely."""


@dataclass
class KeyPointCoverage:
    criterion: Criterion
    key_point: KeyPoint
    coverage: float
    similarity: float
    alias_hits: list[str]
    evidence: str | None


@dataclass
class Coverage:
    """What an answer covers of a question's rubric."""

    points: list[KeyPointCoverage] = field(default_factory=list)
    relevance: float = 0.0
    """Best calibrated score (0..1) of any answer unit against the question or its key points."""

    def missing(self) -> list[KeyPointCoverage]:
        return [p for p in self.points if p.coverage < COVERED]

    def covered(self) -> list[KeyPointCoverage]:
        return [p for p in self.points if p.coverage >= COVERED]

    def ratio(self) -> float:
        total = sum(p.criterion.weight / len(p.criterion.key_points) for p in self.points)
        got = sum(p.criterion.weight / len(p.criterion.key_points) * p.coverage for p in self.points)
        return got / total if total else 0.0


def calibrated(sims: np.ndarray, unit_langs: list[str]) -> np.ndarray:
    """Map raw cosines (units x [zh, en, zh, en, ...] targets) to 0..1 'states it' scores, taking
    for each unit and target pair the better of its zh and en versions."""
    out = np.zeros((sims.shape[0], sims.shape[1] // 2), dtype=np.float32)
    for i, lang in enumerate(unit_langs):
        for j, target_lang in enumerate(("zh", "en")):
            lo, hi = CALIBRATION[(lang, target_lang)]
            out[i] = np.maximum(out[i], np.clip((sims[i, j::2] - lo) / (hi - lo), 0.0, 1.0))
    return out


def _alias_score(hits: int, total: int) -> float:
    if total == 0:
        return 0.0
    return min(1.0, hits / min(2, total))


def level_from_coverage(c: float) -> int:
    if c < 0.12:
        return 0
    if c < 0.35:
        return 1
    if c < 0.6:
        return 2
    if c < 0.82:
        return 3
    return 4


class OfflineJudge:
    """Grades answers against a question's rubric with no LLM."""

    name = "offline"

    def __init__(self, embedder: Embedder, references: ReferenceFinder | None = None) -> None:
        self.embedder = embedder
        self.references = references
        self._kp_cache: dict[str, np.ndarray] = {}
        self._unit_cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # -- embeddings ------------------------------------------------------------------------
    def _targets(self, question: Question) -> np.ndarray:
        """Embeddings of [question zh, question en, kp1 zh, kp1 en, ...], cached per question."""
        with self._lock:
            cached = self._kp_cache.get(question.id)
        if cached is not None:
            return cached
        texts = [question.text.zh, question.text.en]
        for _, kp in question.rubric.key_points():
            texts.extend([kp.text.zh, kp.text.en])
        vectors = self.embedder.embed_queries(texts)
        with self._lock:
            self._kp_cache[question.id] = vectors
        return vectors

    def prepare(self, question: Question) -> None:
        """Embed the question's key points ahead of time (called when the question is asked)."""
        self._targets(question)

    def _embed_units(self, units: list[str]) -> np.ndarray:
        """Embed answer sentences, reusing earlier ones: a follow-up decision re-reads the answers
        given so far, and the final grade reads them all again."""
        with self._lock:
            todo = [u for u in dict.fromkeys(units) if u not in self._unit_cache]
        if todo:
            vectors = self.embedder.embed_queries(todo)
            with self._lock:
                if len(self._unit_cache) > 5000:
                    self._unit_cache.clear()
                self._unit_cache.update(zip(todo, vectors, strict=True))
        with self._lock:
            return np.vstack([self._unit_cache[u] for u in units])

    def precompute(self, draft: str) -> None:
        """Embed the sentences of an answer still being typed, so grading it on submit is instant."""
        units = list(dict.fromkeys([*clauses(draft)[:MAX_UNITS], *sentences(draft)[:MAX_UNITS]]))
        if units:
            self._embed_units(units)

    # -- coverage --------------------------------------------------------------------------
    def coverage(self, question: Question, answer: str, use_aliases: bool = True, fine: bool = True) -> Coverage:
        """Key-point coverage of ``answer``. ``fine=False`` reads whole sentences only (no sub-clauses):
        fewer embeddings, for the follow-up decision that must come back within a keystroke's time."""
        units = (clauses(answer) if fine else sentences(answer))[:MAX_UNITS]
        if not units and answer.strip():
            units = [answer.strip()[:2000]]
        pairs = question.rubric.key_points()
        if not units:
            return Coverage([KeyPointCoverage(c, k, 0.0, 0.0, [], None) for c, k in pairs], 0.0)
        targets = self._targets(question)
        unit_vecs = self._embed_units(units)
        raw = unit_vecs @ targets.T  # (units, [q zh, q en, kp1 zh, kp1 en, ...])
        scores = calibrated(raw, ["zh" if has_cjk(u) else "en" for u in units])  # (units, 1 + kps)
        relevance = float(scores.max()) if scores.size else 0.0
        norm = normalize(answer)
        points: list[KeyPointCoverage] = []
        for i, (criterion, kp) in enumerate(pairs):
            col = scores[:, 1 + i]
            best_unit = int(col.argmax())
            sim = float(raw[best_unit, 2 + 2 * i : 4 + 2 * i].max())
            aliases = list(dict.fromkeys([*kp.aliases.en, *kp.aliases.zh]))
            hits = [a for a in aliases if contains_term(norm, a)]
            sem = float(col.max())
            alias = _alias_score(len(hits), len(aliases)) if use_aliases else 0.0
            if not use_aliases:
                hits = []
            # Meaning counts most; terms alone cannot cover a point, but confirm a close paraphrase.
            cov = min(1.0, 0.7 * sem + 0.3 * alias + (0.15 if sem > 0.3 and hits else 0.0))
            evidence = units[best_unit] if cov >= COVERED else None
            points.append(KeyPointCoverage(criterion, kp, round(cov, 3), round(sim, 4), hits, evidence))
        return Coverage(points, relevance)

    # -- grading ---------------------------------------------------------------------------
    def grade(self, question: Question, answer: str, lang: Lang = "en") -> Grade:
        vocab = {a.lower() for _, kp in question.rubric.key_points() for a in kp.aliases.all()}
        report = guards.check(answer, vocab)
        flags = list(report.flags)
        if report.has("empty"):
            return self._zero(question, flags, lang, "empty answer" if lang == "en" else "回答为空")
        # A term list proves nothing by its terms: under keyword stuffing only meaning counts.
        cov = self.coverage(question, report.clean_text, use_aliases="keyword_stuffing" not in flags)
        ratio = cov.ratio()
        if cov.relevance < 0.25 and ratio < 0.15:
            flags.append("off_topic")
        cap = 4
        if "off_topic" in flags:
            cap = 0
        elif "keyword_stuffing" in flags:
            cap = 0  # a list of terms with no explanation demonstrates no criterion
        elif "too_short" in flags or "padding" in flags:
            cap = 1  # too short to show more, or restating itself: by definition the "vague" level
        criteria = [self._criterion(question, c, cov, cap, lang) for c in question.rubric.criteria]
        overall = 100.0 * sum(c.weight * g.score / 4 for c, g in zip(question.rubric.criteria, criteria, strict=True))
        return Grade(
            question_id=question.id,
            overall=round(overall, 1),
            criteria=criteria,
            flags=sorted(set(flags), key=guards_order),  # type: ignore[arg-type]
            judge="offline",
            rubric_version=question.rubric.version,
            summary=_summary(cov, lang),
        )

    def _criterion(
        self, question: Question, criterion: Criterion, cov: Coverage, cap: int, lang: Lang
    ) -> CriterionGrade:
        mine = [p for p in cov.points if p.criterion.id == criterion.id]
        c = sum(p.coverage for p in mine) / len(mine)
        level = level_from_coverage(c)
        if level == 0 and max(p.coverage for p in mine) >= TOUCHED:
            level = 1  # touches a point without covering the criterion: the "vague" level
        score = min(cap, level)
        covered = [p for p in mine if p.coverage >= COVERED]
        missing = [p for p in mine if p.coverage < COVERED]
        evidence = list(dict.fromkeys(p.evidence for p in covered if p.evidence)) if score > 0 else []
        refs = self.references.for_criterion(question, criterion) if self.references else []
        return CriterionGrade(
            id=criterion.id,
            score=score,
            reason=_reason(criterion, covered, missing, score, cap, lang),
            evidence=evidence,
            missing=[p.key_point.text.get(lang) for p in missing],
            missing_ids=[p.key_point.id for p in missing],
            covered_ids=[p.key_point.id for p in covered],
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
            flags=flags,  # type: ignore[arg-type]
            judge="offline",
            rubric_version=question.rubric.version,
            summary=reason,
        )


def guards_order(flag: str) -> int:
    from interviewer.domain.grade import FLAGS

    return FLAGS.index(flag) if flag in FLAGS else len(FLAGS)


def _reason(
    criterion: Criterion,
    covered: Sequence[KeyPointCoverage],
    missing: Sequence[KeyPointCoverage],
    score: int,
    cap: int,
    lang: Lang,
) -> str:
    level = criterion.levels[score].get(lang)
    if lang == "zh":
        parts = [f"{score}/4：{level}", f"覆盖 {len(covered)}/{len(covered) + len(missing)} 个要点"]
        if cap < 4 and score == cap:
            parts.append("（因答案被标记而封顶）")
    else:
        parts = [f"{score}/4: {level}", f"covers {len(covered)} of {len(covered) + len(missing)} key points"]
        if cap < 4 and score == cap:
            parts.append("(capped by a flag on the answer)")
    return "; ".join(parts[:2]) + (" " + parts[2] if len(parts) > 2 else "")


def _summary(cov: Coverage, lang: Lang) -> str:
    covered, missing = cov.covered(), cov.missing()
    if lang == "zh":
        return f"覆盖 {len(covered)}/{len(cov.points)} 个要点。" + (
            "待补充：" + "；".join(p.key_point.text.zh for p in missing[:3]) if missing else ""
        )
    return f"Covered {len(covered)}/{len(cov.points)} key points." + (
        " To add: " + "; ".join(p.key_point.text.en for p in missing[:3]) if missing else ""
    )
