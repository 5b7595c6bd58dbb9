"""The LLM judge: rubric + key points (with their misconceptions) + level descriptors + reference
passages in; wrong claims, then per-criterion reasoning, evidence and score out.

- Evidence must be quoted from the answer: a quote that is not a real substring is dropped, and a
  criterion left without evidence cannot score above 1 (``caps.apply_caps``, the policy both judges
  share, also applies the guard flags).
- Conflict rule: a claim that contradicts the reference or states a misconception earns nothing; the
  model lists it under ``errors`` with the answer's words and the correction. An error whose quote
  is not in the answer is dropped; a kept one caps its criterion at 1 and its quote never counts
  as evidence.
- The answer (and each follow-up answer) sits behind a per-call random delimiter, and delimiter-like
  text inside it is neutralised, so an answer cannot close its fence and talk to the judge.
- With a ``suspects`` reader (the offline judge's), the sentences it takes for a listed
  misconception, or finds reading close to one, are put to the model to verify, fenced like the
  answer: the offline reader finds them but cannot tell a claim from its denial; the model can.
- ``samples > 1`` run concurrently at a temperature above 0; the median per criterion is reported
  with the spread.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from interviewer.domain import (
    ClaimDoubt,
    ClaimError,
    Criterion,
    CriterionGrade,
    Grade,
    KeyPoint,
    Lang,
    Misconception,
    Question,
)
from interviewer.judge import guards
from interviewer.judge.caps import apply_caps, cap_reason
from interviewer.judge.checks import Exchange, as_pair
from interviewer.judge.references import ReferenceFinder
from interviewer.llm.base import ChatModel
from interviewer.llm.prompts import messages as prompt_messages
from interviewer.messages import msg

MAX_FIELD_CHARS = 500
"""Longest string the judge's reply may hold in any field (reasoning, quote, correction, summary)."""
SAMPLE_TEMPERATURE = 0.7
"""Temperature of self-consistency samples (``samples > 1``); a single sample is taken at 0."""
MIN_ERROR_QUOTE = 8
"""Shortest quote (characters) an error may cite: enough for a claim ("DPO需要奖励模型"), not a bare term."""
MAX_REFERENCES = 8
REFERENCE_CHARS = 700


def _cut(limit: int) -> BeforeValidator:
    """Strings cut to ``limit`` (a model without a grammar may overrun the schema's maxLength)."""
    return BeforeValidator(lambda v: v[:limit] if isinstance(v, str) else v)


Id = Annotated[str, _cut(64), Field(json_schema_extra={"maxLength": 64})]
Text = Annotated[str, _cut(MAX_FIELD_CHARS), Field(json_schema_extra={"maxLength": MAX_FIELD_CHARS})]


class ErrorVerdict(BaseModel):
    """A wrong claim the answer makes: its exact words and what is true instead."""

    criterion: Id
    key_point: Id
    quote: Text = Field(description="the wrong claim, copied exactly from the answer")
    correction: Text = Field(description="what is true instead")
    misconception: Id = Field(default="", description="id of the listed misconception, if one")


class CriterionVerdict(BaseModel):
    # the bounds go into the schema sent to grammar-constrained servers, which bound nothing themselves
    id: Id
    reasoning: Text = Field(description="what the answer says and misses for this criterion, before scoring")
    evidence: list[Text] = Field(
        default_factory=list, description="exact quotes copied from the answer", json_schema_extra={"maxItems": 4}
    )
    covered_key_points: list[Id] = Field(default_factory=list, json_schema_extra={"maxItems": 5})
    score: int = Field(ge=0, le=4)


class JudgeReply(BaseModel):
    # wrong claims come first: the model names them before it scores the criteria they cap. The list
    # stays optional in the schema: required, a grammar-constrained small model (SmolLM2) fills it
    # with repeats until it runs out of tokens
    errors: list[ErrorVerdict] = Field(default_factory=list, json_schema_extra={"maxItems": 8})
    criteria: list[CriterionVerdict] = Field(json_schema_extra={"maxItems": 6})
    summary: Text = ""


# -- quotes ---------------------------------------------------------------------------------------
_FOLD = str.maketrans({"‹": "<", "›": ">", "＜": "<", "＞": ">", "〈": "<", "〉": ">", "⁅": "[", "⁆": "]"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().lower()


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """``_norm(text)`` (without the strip) and, per character of it, the index in ``text`` it came from."""
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                out.append(" ")
                index.append(i)
            space = True
            continue
        space = False
        for low in ch.translate(_FOLD).lower():
            out.append(low)
            index.append(i)
    return "".join(out), index


def locate(quote: str, text: str) -> str | None:
    """The span of ``text`` that ``quote`` copies (whitespace-, case- and look-alike-insensitive), as it
    appears in ``text``; None when ``quote`` is not in it (or too short to mean anything)."""
    needle = _norm(quote.strip().strip('"“”「」'))
    if len(needle) < 4:
        return None
    hay, index = _normalised_with_map(text)
    at = hay.find(needle)
    if at < 0:
        return None
    return text[index[at] : index[at + len(needle) - 1] + 1]


def real_quotes(quotes: Sequence[str], answer: str) -> list[str]:
    """Keep only quotes that occur in the answer, each as it appears there."""
    out: list[str] = []
    for q in quotes:
        span = locate(q, answer)
        if span is not None and span not in out:
            out.append(span)
    return out


def _overlaps(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    return bool(na and nb) and (na in nb or nb in na)


# -- the fence ------------------------------------------------------------------------------------
_DELIMITER_LIKE = re.compile(
    r"<{3,}|>{3,}"  # <<<ANSWER_…>>>-style fences
    r"|<\|[^<>|\n]{0,40}\|>"  # chat-template tokens: <|im_end|>, <|eot_id|>
    r"|</?[A-Za-z_][\w:.-]{0,40}(\s[^<>\n]{0,80})?/?>"  # tags: </untrusted_answer>, <system>, </s>
    r"|<<\s*/?\s*SYS\s*>>|\[\s*/?\s*INST\s*\]",  # Llama-2 markers
    re.IGNORECASE,
)
_LOOKALIKE = str.maketrans({"<": "‹", ">": "›", "[": "⁅", "]": "⁆"})


def neutralise(text: str) -> str:
    """``text`` with every delimiter-like piece (fences, tags, chat-template tokens) defanged: its
    angle and square brackets become look-alikes. The rest is untouched, so code reads as written;
    quotes copied from the neutralised form still match the answer (``locate`` folds look-alikes)."""
    return _DELIMITER_LIKE.sub(lambda m: m.group(0).translate(_LOOKALIKE), text)


def fence_tag() -> str:
    """A fresh random fence tag per call: the answer cannot know it, so it cannot forge its end."""
    return f"ANSWER_{secrets.token_hex(8)}"


# -- the judge ------------------------------------------------------------------------------------


@dataclass
class _Sample:
    """One judge reply, checked against the answer."""

    reply: JudgeReply
    verdicts: dict[str, CriterionVerdict]
    evidence: dict[str, list[str]]
    errors: list[ClaimError]
    raw: dict[str, int]
    capped: dict[str, int]


class LLMJudge:
    def __init__(
        self,
        llm: ChatModel,
        references: ReferenceFinder | None = None,
        samples: int = 1,
        temperature: float | None = None,
        max_tokens: int = 2000,
        suspects: Callable[[Question, str, Lang], list[ClaimDoubt]] | None = None,
        appeals: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.llm = llm
        self.suspects = suspects
        self.appeals = appeals
        """Reads sentences addressed to the grader by meaning (the offline judge's), for the injection guard."""
        self.max_tokens = max_tokens
        self.references = references
        self.samples = max(1, samples)
        self.temperature = temperature if temperature is not None else (SAMPLE_TEMPERATURE if samples > 1 else 0.0)

    @property
    def name(self) -> str:
        return f"llm:{self.llm.name}"

    # -- the prompt --------------------------------------------------------------------------
    def _references(self, question: Question) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
        by_criterion: dict[str, list[str]] = {}
        refs: list[dict[str, str]] = []
        for c in question.rubric.criteria:
            ids = self.references.for_criterion(question, c) if self.references else []
            by_criterion[c.id] = ids
            for cid in ids:
                if cid not in [r["id"] for r in refs] and self.references is not None:
                    refs.append({"id": cid, "text": self.references.text(cid)[:REFERENCE_CHARS]})
        return by_criterion, refs[:MAX_REFERENCES]

    def messages(
        self,
        question: Question,
        exchanges: Sequence[Exchange],
        lang: Lang,
        references: list[dict[str, str]] | None = None,
        tag: str | None = None,
        compact: bool = False,
        suspects: Sequence[ClaimDoubt] = (),
    ) -> list[dict[str, str]]:
        """The judge's messages for one call; ``exchanges`` hold the (already guarded) answers,
        ``suspects`` the sentences of them to verify against the misconception each resembles.
        ``compact``: for a model whose context the full prompt overflows — no reference passages, no
        level descriptors, at most COMPACT_MISCONCEPTIONS misconceptions per key point, without their
        corrections (the conflict rule and the answer stay whole)."""
        tag = tag or fence_tag()
        keep = COMPACT_MISCONCEPTIONS if compact else None
        criteria = []
        for c in question.rubric.criteria:
            criteria.append(
                {
                    "id": c.id,
                    "name": c.name.get(lang),
                    "weight": c.weight,
                    "key_points": [
                        {
                            "id": k.id,
                            "text": k.text.get(lang),
                            "subject": ", ".join((k.subject.zh if lang == "zh" else k.subject.en) or k.subject.all())
                            if k.subject
                            else "",
                            "misconceptions": [
                                {
                                    "id": m.id,
                                    "text": m.text.get(lang),
                                    "correction": "" if compact else m.correction.get(lang),
                                }
                                for m in k.misconceptions[:keep]
                            ],
                        }
                        for k in c.key_points
                    ],
                    "levels": [] if compact else [lv.get(lang) for lv in c.levels],
                }
            )
        turns = [
            {"question": neutralise(e.question), "answer": neutralise(e.answer), "follow_up": i}
            for i, e in enumerate(exchanges)
        ]
        return prompt_messages(
            "judge",
            lang,
            question=question.prompt(lang),
            criteria=criteria,
            references=[] if compact else references or [],
            exchanges=turns,
            suspects=[
                {"misconception": d.misconception, "key_point": d.key_point, "quote": neutralise(d.quote)}
                for d in suspects
            ],
            open=f"<<<{tag}>>>",
            close=f"<<<END_{tag}>>>",
        )

    async def _samples(
        self,
        question: Question,
        turns: Sequence[Exchange],
        lang: Lang,
        passages: list[dict[str, str]],
        compact: bool,
        suspects: Sequence[ClaimDoubt] = (),
    ) -> tuple[list[JudgeReply], BaseException | None]:
        calls = [
            self.messages(question, turns, lang, passages, compact=compact, suspects=suspects)
            for _ in range(self.samples)
        ]
        results = await asyncio.gather(*(self._sample(m) for m in calls), return_exceptions=True)
        replies = [r for r in results if isinstance(r, JudgeReply)]
        failure = next((r for r in results if isinstance(r, BaseException)), None)
        return replies, failure

    async def _suspects(self, question: Question, seen: str, lang: Lang) -> list[ClaimDoubt]:
        """The reader's sentences to verify in ``seen``; none when there is no reader or it fails
        (the model then reads the answer unaided, as before)."""
        if self.suspects is None:
            return []
        try:
            return await asyncio.to_thread(self.suspects, question, seen, lang)
        except Exception:  # a hint, never a reason to lose the grade
            return []

    async def _sample(self, msgs: list[dict[str, str]]) -> JudgeReply:
        return await self.llm.structured(
            msgs, JudgeReply, purpose="judge", temperature=self.temperature, max_tokens=self.max_tokens
        )

    # -- checking a reply ----------------------------------------------------------------------
    def _errors(
        self, question: Question, reply: JudgeReply, seen: str, answer: str, lang: Lang, refs: dict[str, list[str]]
    ) -> list[ClaimError]:
        """The reply's errors that quote the answer, tied to a real key point, one per key point."""
        points = {k.id: (c, k) for c, k in question.rubric.key_points()}
        criteria = {c.id: c for c in question.rubric.criteria}
        out: list[ClaimError] = []
        for e in reply.errors:
            quote = locate(e.quote, seen)
            quote = locate(quote, answer) if quote else None  # in what the judge saw and in the answer
            if quote is None or len(_norm(quote)) < MIN_ERROR_QUOTE:
                continue  # a wrong claim is a statement, not a stray word
            kp: KeyPoint | None = None
            criterion: Criterion | None = criteria.get(e.criterion.strip())
            if e.key_point.strip() in points:
                criterion, kp = points[e.key_point.strip()]
            if criterion is None:
                continue
            if kp is not None and any(x.key_point == kp.id for x in out):
                continue
            mis = _misconception(kp, e.misconception, quote) if kp else None
            if mis is not None:
                correction, reference = mis.correction.get(lang), mis.note
            else:
                correction = e.correction.strip() or (kp.text.get(lang) if kp else "")
                reference = (refs.get(criterion.id) or question.notes)[0]
            out.append(
                ClaimError(
                    criterion=criterion.id,
                    key_point=kp.id if kp else "",
                    quote=quote,
                    correction=correction[:MAX_FIELD_CHARS],
                    reference=reference,
                    misconception=mis.id if mis else None,
                    kind="misconception" if mis else "conflict",
                )
            )
        return out

    def _check(
        self,
        question: Question,
        reply: JudgeReply,
        seen: str,
        answer: str,
        flags: list[str],
        lang: Lang,
        refs: dict[str, list[str]],
    ) -> _Sample:
        errors = self._errors(question, reply, seen, answer, lang, refs)
        verdicts = {v.id: v for v in reply.criteria}
        evidence: dict[str, list[str]] = {}
        raw: dict[str, int] = {}
        for c in question.rubric.criteria:
            v = verdicts.get(c.id)
            quotes = [q for q in real_quotes(v.evidence, seen) if locate(q, answer)] if v else []
            quotes = [locate(q, answer) or q for q in quotes]
            # an error's words are never evidence
            evidence[c.id] = [q for q in quotes if not any(_overlaps(q, e.quote) for e in errors)]
            raw[c.id] = v.score if v else 0
        capped = apply_caps(
            raw,
            flags,
            {e.criterion for e in errors},
            unquoted=[cid for cid, q in evidence.items() if not q],
            n_errors=len(errors),
        )
        return _Sample(reply, verdicts, evidence, errors, raw, capped)

    # -- grading ----------------------------------------------------------------------------------
    async def grade(
        self,
        question: Question,
        answer: str,
        lang: Lang,
        exchanges: Sequence[Exchange | tuple[str, str]] | None = None,
    ) -> Grade:
        """Grade ``answer`` (all the candidate said on the question, joined). ``exchanges``: each
        prompt (the question, then each follow-up) with the answer it got; the judge sees them as
        the conversation. Without them the answer is shown as the reply to the question."""
        vocab = {a.lower() for _, kp in question.rubric.key_points() for a in kp.aliases.all()}
        report = guards.check(answer, vocab, self.appeals)
        flags = list(report.flags)
        if "empty" in flags:
            return self._empty(question, flags, lang)
        turns = _turns(question, answer, lang, exchanges, report, vocab, self.appeals)
        seen = "\n\n".join(t.answer for t in turns)
        (refs, passages), leads = await asyncio.gather(
            asyncio.to_thread(self._references, question), self._suspects(question, seen, lang)
        )
        replies, failure = await self._samples(question, turns, lang, passages, compact=False, suspects=leads)
        if not replies and _overflowed(failure):
            # the model's context is smaller than the full prompt (a local 4k model, a 12-point rubric):
            # ask once more with the compact prompt before the caller falls back to the offline judge
            replies, failure = await self._samples(question, turns, lang, passages, compact=True, suspects=leads)
        if not replies:
            assert failure is not None
            raise failure
        samples = [self._check(question, r, seen, answer, flags, lang, refs) for r in replies]

        # an error counts when at least half the samples report it (on the same key point)
        errors = _agreed_errors(samples)
        error_criteria = {e.criterion for e in errors}
        medians = {
            c.id: int(statistics.median_low([s.capped[c.id] for s in samples])) for c in question.rubric.criteria
        }
        final = apply_caps(medians, flags, error_criteria, n_errors=len(errors))
        criteria: list[CriterionGrade] = []
        for c in question.rubric.criteria:
            score = final[c.id]
            values = [s.capped[c.id] for s in samples]
            pick = next((s for s in samples if s.capped[c.id] == medians[c.id]), samples[0])
            verdict = pick.verdicts.get(c.id)
            wrong = {e.key_point for e in errors if e.criterion == c.id}
            covered = set(verdict.covered_key_points) - wrong if verdict and score > 1 else set()
            missing = [k for k in c.key_points if k.id not in covered]
            raw = int(statistics.median_low([s.raw[c.id] for s in samples]))
            why = ""
            if score < raw:
                why = cap_reason(c.id, flags, error_criteria, lang, len(errors)) or msg("cap.unquoted", lang)
            reason = (verdict.reasoning.strip() if verdict else "") + (f" ({why})" if why else "")
            criteria.append(
                CriterionGrade(
                    id=c.id,
                    score=score,
                    reason=reason.strip(),
                    evidence=pick.evidence[c.id] if score > 0 else [],
                    missing=[k.text.get(lang) for k in missing],
                    missing_ids=[k.id for k in missing],
                    covered_ids=[k.id for k in c.key_points if k.id in covered],
                    references=refs.get(c.id, []),
                    spread=float(max(values) - min(values)) if len(values) > 1 else None,
                )
            )
        overall = 100 * sum(c.weight * final[c.id] / 4 for c in question.rubric.criteria)
        overalls = [100 * sum(c.weight * s.capped[c.id] / 4 for c in question.rubric.criteria) for s in samples]
        weights = {c.id: c.weight for c in question.rubric.criteria}
        return Grade(
            question_id=question.id,
            overall=round(overall, 1),
            criteria=criteria,
            flags=flags,
            judge=self.name,
            rubric_version=question.rubric.version,
            summary=samples[0].reply.summary,
            spread=round(max(overalls) - min(overalls), 1) if len(overalls) > 1 else None,
            errors=sorted(errors, key=lambda e: -weights.get(e.criterion, 0)),
        )

    def _empty(self, question: Question, flags: list[str], lang: Lang) -> Grade:
        reason = msg("judge.empty", lang)
        return Grade(
            question_id=question.id,
            overall=0.0,
            criteria=[
                CriterionGrade(
                    id=c.id,
                    score=0,
                    reason=reason,
                    missing=[k.text.get(lang) for k in c.key_points],
                    missing_ids=[k.id for k in c.key_points],
                )
                for c in question.rubric.criteria
            ],
            flags=flags,
            judge=self.name,
            rubric_version=question.rubric.version,
            summary=reason,
        )


def _turns(
    question: Question,
    answer: str,
    lang: Lang,
    exchanges: Sequence[Exchange | tuple[str, str]] | None,
    report: guards.GuardReport,
    vocab: set[str],
    appeals: Callable[[str], Sequence[str]] | None = None,
) -> list[Exchange]:
    """The conversation the judge sees, each answer with the text addressed to the grader removed."""
    if not exchanges:
        return [Exchange(question.prompt(lang), report.clean_text)]
    out: list[Exchange] = []
    for e in exchanges:
        asked, said = as_pair(e)
        clean = guards.check(said, vocab, appeals).clean_text if said.strip() else ""
        out.append(Exchange(asked, guards.cut(clean, report.injected)))  # what was cut from the whole answer goes too
    return out


COMPACT_MISCONCEPTIONS = 2
"""Misconceptions per key point in the compact prompt (the bank lists up to five)."""


def _overflowed(failure: BaseException | None) -> bool:
    """The call failed because the prompt did not fit the model's context window."""
    text = f"{getattr(failure, 'kind', '')} {failure}".lower()
    return failure is not None and any(
        s in text for s in ("contextwindow", "context length", "context window", "maximum context", "too many tokens")
    )


def _misconception(kp: KeyPoint, named: str, quote: str) -> Misconception | None:
    """The bank misconception of ``kp`` an error states: the one the model named, else one whose
    alias the quote contains."""
    for m in kp.misconceptions:
        if named.strip() and m.id == named.strip():
            return m
    low = _norm(quote)
    for m in kp.misconceptions:
        if any(a.strip() and _norm(a) in low for a in m.aliases.all()):
            return m
    return None


def _agreed_errors(samples: list[_Sample]) -> list[ClaimError]:
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], ClaimError] = {}
    for s in samples:
        for e in s.errors:
            key = (e.criterion, e.key_point or _norm(e.quote))
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, e)
    return [first[k] for k in first if 2 * counts[k] >= len(samples)]
