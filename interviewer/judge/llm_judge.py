"""The LLM judge: rubric + key points + level descriptors + reference passages in, per-criterion
reasoning, evidence and score out. Evidence must be quoted from the answer: a quote that is not a
real substring is dropped, and a criterion left without evidence cannot score above 1."""

from __future__ import annotations

import re
import statistics

from pydantic import BaseModel, Field

from interviewer.domain import CriterionGrade, Grade, Lang, Question
from interviewer.judge import guards
from interviewer.judge.references import ReferenceFinder
from interviewer.llm.base import ChatModel
from interviewer.llm.prompts import messages as prompt_messages


class CriterionVerdict(BaseModel):
    # json_schema_extra only bounds the schema sent to grammar-constrained servers (ids are short slugs)
    id: str = Field(json_schema_extra={"maxLength": 64})
    reasoning: str = Field(description="what the answer says and misses for this criterion, before scoring")
    evidence: list[str] = Field(default_factory=list, description="exact quotes copied from the answer")
    covered_key_points: list[str] = Field(
        default_factory=list, json_schema_extra={"items": {"type": "string", "maxLength": 64}}
    )
    score: int = Field(ge=0, le=4)


class JudgeReply(BaseModel):
    criteria: list[CriterionVerdict]
    summary: str = ""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def real_quotes(quotes: list[str], answer: str) -> list[str]:
    """Keep only quotes that occur in the answer (whitespace- and case-insensitive), as they appear there."""
    hay = _norm(answer)
    out: list[str] = []
    for q in quotes:
        q = q.strip().strip('"“”「」')
        if len(_norm(q)) >= 4 and _norm(q) in hay and q not in out:
            out.append(q)
    return out


class LLMJudge:
    def __init__(
        self, llm: ChatModel, references: ReferenceFinder | None = None, samples: int = 1, temperature: float = 0.0
    ) -> None:
        self.llm = llm
        self.references = references
        self.samples = samples
        self.temperature = temperature

    @property
    def name(self) -> str:
        return f"llm:{self.llm.name}"

    def _messages(self, question: Question, answer: str, lang: Lang) -> list[dict[str, str]]:
        criteria = []
        refs: list[dict[str, str]] = []
        for c in question.rubric.criteria:
            chunk_ids = self.references.for_criterion(question, c) if self.references else []
            for cid in chunk_ids:
                if cid not in [r["id"] for r in refs]:
                    refs.append({"id": cid, "text": self.references.text(cid)[:700] if self.references else ""})
            criteria.append(
                {
                    "id": c.id,
                    "name": c.name.get(lang),
                    "weight": c.weight,
                    "key_points": [{"id": k.id, "text": k.text.get(lang)} for k in c.key_points],
                    "levels": [lv.get(lang) for lv in c.levels],
                }
            )
        return prompt_messages(
            "judge", lang, question=question.prompt(lang), criteria=criteria, references=refs[:8], answer=answer
        )

    async def _sample(self, question: Question, answer: str, lang: Lang) -> JudgeReply:
        return await self.llm.structured(
            self._messages(question, answer, lang),
            JudgeReply,
            purpose="judge",
            temperature=self.temperature,
            max_tokens=2000,
        )

    async def grade(self, question: Question, answer: str, lang: Lang) -> Grade:
        vocab = {a.lower() for _, kp in question.rubric.key_points() for a in kp.aliases.all()}
        report = guards.check(answer, vocab)
        text = report.clean_text
        replies = [await self._sample(question, text, lang) for _ in range(self.samples)]
        cap = 1 if ("keyword_stuffing" in report.flags or "too_short" in report.flags) else 4
        criteria: list[CriterionGrade] = []
        overalls: list[float] = []
        per_sample_scores: list[dict[str, int]] = []
        for reply in replies:
            scores: dict[str, int] = {}
            for v in reply.criteria:
                quotes = real_quotes(v.evidence, text)
                score = min(v.score, cap)
                if not quotes:
                    score = min(score, 1)
                scores[v.id] = score
            per_sample_scores.append(scores)
            overalls.append(100 * sum(c.weight * scores.get(c.id, 0) / 4 for c in question.rubric.criteria))
        first = {v.id: v for v in replies[0].criteria}
        for c in question.rubric.criteria:
            values = [s.get(c.id, 0) for s in per_sample_scores]
            score = int(statistics.median_low(values))
            verdict: CriterionVerdict | None = first.get(c.id)
            covered = set(verdict.covered_key_points) if verdict else set()
            if score <= 1:
                covered = set()
            missing = [k for k in c.key_points if k.id not in covered]
            criteria.append(
                CriterionGrade(
                    id=c.id,
                    score=score,
                    reason=verdict.reasoning if verdict else "",
                    evidence=real_quotes(verdict.evidence, text) if verdict and score > 0 else [],
                    missing=[k.text.get(lang) for k in missing],
                    missing_ids=[k.id for k in missing],
                    covered_ids=[k.id for k in c.key_points if k.id in covered],
                    references=self.references.for_criterion(question, c) if self.references else [],
                    spread=float(max(values) - min(values)) if len(values) > 1 else None,
                )
            )
        overall = 100 * sum(c.weight * g.score / 4 for c, g in zip(question.rubric.criteria, criteria, strict=True))
        return Grade(
            question_id=question.id,
            overall=round(overall, 1),
            criteria=criteria,
            flags=report.flags,  # type: ignore[arg-type]
            judge=self.name,
            rubric_version=question.rubric.version,
            summary=replies[0].summary,
            spread=round(max(overalls) - min(overalls), 1) if len(overalls) > 1 else None,
        )
