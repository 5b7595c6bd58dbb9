"""Deciding between a follow-up and moving on, the way an interviewer who listened would.

Offline, in this order:

1. **Push back** once per question on a wrong claim the judge found ("You said … — walk me
   through why."), without telling the answer; a claim about a practice target first.
2. **Practice targets** (``InterviewPlan.targets``: the key points a practice session is due to
   review) that the answers missed or stated wrongly, in the plan's order (weakest first), before
   anything else: a seed or the point's probe, as for a gap.
3. **A strong answer is pushed harder**: one deepening follow-up (a seed aimed at a point made only
   weakly, the level-4 descriptor of the weakest criterion, or a "what breaks at 10×" probe). A
   strong answer need not be complete (``STRONG_COVERAGE``): the harder question comes before the
   gaps.
4. **Check a doubtful claim** once per question: when a sentence reads closer to one of a key
   point's misconceptions than to the point (``Coverage.doubts``; too unsure to call it an error),
   the interviewer puts the misconception to the candidate ("A colleague once told me: “…”. Would
   you agree?"). Agreeing with it is graded as stating it (``judge/checks.py``); a fluent answer
   whose wording no tell-tale phrase catches is caught here, by asking, as a human would. In an
   answer that already stated a wrong claim (step 1), the check comes before step 3: one false claim
   makes the others worth asking about before going deeper. Then the interviewer moves on once the
   answers cover nearly everything.
5. **Gaps**: the highest-weight key point still missing, asked with the seed written for it only
   when the answer gives the seed its premise (``FollowUpSeed.requires``, or the answer at least
   touched the point), else with the point's human-written probe, which asks how the candidate would
   do it. A seed or probe is never aimed at a point the answers already cover.

With an LLM: the model decides from the question, the answers, the covered points with their
evidence, the missing points, the wrong claims with their corrections, the sentences in doubt and
retrieved notes; its choice is checked (a known point, not a covered one unless the answer is strong
or a sentence about it is in doubt, not a point already probed, not a repeat, an open practice target
while one is left) and replaced by the offline choice when it fails the checks.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.domain import Criterion, FollowUpSeed, Lang, Question
from interviewer.judge.checks import check_text
from interviewer.judge.coverage import COVERED, TOUCHED, Coverage, FoundError, KeyPointCoverage
from interviewer.messages import has, msg
from interviewer.textproc import contains_term, normalize, tokenize

STRONG_COVERAGE = 0.7
"""Weighted rubric coverage from which an answer counts as strong (a grade around 75): it gets one
deepening follow-up before any question about its gaps. Model answers of the bank sit at 0.7-1.0;
at 0.8 a strong answer that left one point out was only ever asked about that point."""
MOVE_ON_COVERAGE = 0.8
"""Weighted rubric coverage from which nothing is left worth asking after the deepening: move on."""
WEAK = 0.7
"""Coverage under which a covered key point was made only weakly: a deepening seed may still aim at it."""
QUOTE_CHARS = {"en": 110, "zh": 48}
"""Longest quote of the candidate's words in a push-back."""
CHECK_COVERAGE = 0.15
"""Weighted rubric coverage from which an answer says enough for its claims to be worth checking."""
MAX_FOLLOW_UP_CHARS = 400
"""Longest follow-up the interviewer asks (the model's is cut to it; the schema sent says so too)."""
MAX_REASONING_CHARS = 400

Source = Literal["llm", "seed", "probe", "challenge", "deepen", "check"]


@dataclass
class Decision:
    action: Literal["follow_up", "move_on"]
    reason: Literal["covered", "budget", "repeat", "model", "follow_up"] = "follow_up"
    text: str = ""
    criterion: str = ""
    key_point: str = ""
    source: Source = "seed"


class LLMDecision(BaseModel):
    """Structured reply of the follow-up decision prompt (reasoning comes first)."""

    # json_schema_extra bounds the schema sent to the model; the client cuts longer strings to it
    reasoning: str = Field(
        description="one or two sentences on what the answers still miss",
        json_schema_extra={"maxLength": MAX_REASONING_CHARS},
    )
    action: Literal["follow_up", "move_on"]
    key_point_id: str = Field(
        default="",
        description="id of the missing key point the follow-up targets",
        json_schema_extra={"maxLength": 64},  # ids are short slugs; bounds grammar-constrained decoding
    )
    question: str = Field(
        default="",
        description="the follow-up question to ask, empty when moving on",
        json_schema_extra={"maxLength": MAX_FOLLOW_UP_CHARS},
    )


def clip_follow_up(text: str, limit: int = MAX_FOLLOW_UP_CHARS) -> str:
    """Model text made into a follow-up: whitespace collapsed, cut to ``limit`` characters (at a word
    boundary when there is one near the end, with an ellipsis)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def similar(a: str, b: str, threshold: float = 0.6) -> bool:
    """Whether two follow-ups say the same thing (token overlap; works for zh via jieba)."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    if not ta or not tb:
        return a.strip() == b.strip()
    return len(ta & tb) / min(len(ta), len(tb)) >= threshold


def strong(coverage: Coverage) -> bool:
    """Whether the answers so far make a strong answer (the interviewer pushes harder)."""
    return coverage.ratio() >= STRONG_COVERAGE


def missing_by_weight(coverage: Coverage, probed: Collection[str]) -> list[KeyPointCoverage]:
    """Missing key points not yet probed: highest weight per key point first; among equals, points the
    answer touched first (dig into what was said), then the rubric's order (its basics come first)."""
    order = {p.key_point.id: i for i, p in enumerate(coverage.points)}
    points = [p for p in coverage.missing() if p.key_point.id not in probed]
    return sorted(
        points,
        key=lambda p: (
            -round(p.criterion.weight / len(p.criterion.key_points), 4),
            p.coverage < TOUCHED,
            order[p.key_point.id],
        ),
    )


def open_targets(coverage: Coverage, targets: Sequence[str], probed: Collection[str]) -> list[KeyPointCoverage]:
    """The practice targets still worth a follow-up: missed (not covered) or stated wrongly, not yet
    probed, in the order given (the plan puts the weakest first). Ids the rubric lacks are ignored."""
    by_id = {p.key_point.id: p for p in coverage.points}
    wrong = {e.key_point.id for e in coverage.errors}
    out: list[KeyPointCoverage] = []
    for kp in dict.fromkeys(targets):
        point = by_id.get(kp)
        if point is not None and kp not in probed and (point.coverage < COVERED or kp in wrong):
            out.append(point)
    return out


# -- wording -------------------------------------------------------------------------------------
def _topic(point: KeyPointCoverage, lang: Lang) -> str:
    terms = point.key_point.aliases.zh if lang == "zh" else point.key_point.aliases.en
    if terms:
        return terms[0]
    name = point.criterion.name.get(lang)
    return name if lang == "zh" else _lower_first(name)


def _lower_first(text: str) -> str:
    """'How RoPE works' -> 'how RoPE works'; acronyms ('NF4 format', 'RAG') keep their case."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def probe_text(point: KeyPointCoverage, lang: Lang) -> str:
    """The follow-up for a key point: its human-written probe, else a plain question about its topic
    that names the topic, not the answer."""
    if point.key_point.probe is not None:
        return point.key_point.probe.get(lang)
    name = point.criterion.name.get(lang)  # the area, not the key point's terms: they would give it away
    return msg("followup.probe", lang, name=name if lang == "zh" else _lower_first(name))


def quote_of(text: str, lang: Lang) -> str:
    """The candidate's words, short enough to say back: whole words, an ellipsis where cut."""
    text = " ".join(text.split()).strip(" \"'“”「」")
    text = text.rstrip("。.;；，,")
    limit = QUOTE_CHARS[lang]
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,，;；:：") + "…"


def challenge_text(error: FoundError, lang: Lang) -> str:
    """A push-back on a wrong claim: say back what was said, ask why, then ask about the point the
    claim gets wrong (its probe) — never the correction. A wrong figure is asked for its arithmetic."""
    said = quote_of(error.quote, lang)
    if error.kind == "wrong_figure" and error.detail:  # a number: ask how they got it
        return msg("followup.challenge_figure", lang, said=said, figure=error.detail)
    point = KeyPointCoverage(error.criterion, error.key_point, 0.0, 0.0, [], None)
    probe = error.key_point.probe.get(lang) if error.key_point.probe is not None else ""
    if probe and not probe.lower().startswith(msg("followup.said_prefix", lang)):
        return msg("followup.challenge", lang, said=said, probe=probe)
    return msg("followup.challenge_topic", lang, said=said, topic=_topic(point, lang))


def _level4_ask(criterion: Criterion, lang: Lang) -> str:
    """The criterion's level-4 descriptor ('Also discusses long-range decay') as something to ask
    for, or '' when it does not read as an addition to a correct answer."""
    desc = criterion.levels[4].get(lang).strip().rstrip("。.")
    if lang == "zh":
        if not desc.startswith("还") or len(desc) < 6:
            return ""
        rest = desc[1:]
        ask = rest[1:] if rest.startswith("能") else rest
    elif not desc.startswith("Also ") or len(desc) < 16:
        return ""
    else:
        ask = desc[0].lower() + desc[1:]
    return msg("followup.level4", lang, name=_criterion_name(criterion, lang), ask=ask)


def _criterion_name(criterion: Criterion, lang: Lang) -> str:
    """The criterion's name as said mid-sentence ('RoPE' stays, 'How RoPE works' -> 'how RoPE works')."""
    return criterion.name.zh if lang == "zh" else _lower_first(criterion.name.en)


def deepening_text(question: Question, criterion: Criterion, lang: Lang) -> str:
    """A harder follow-up for a strong answer, aimed at ``criterion`` (its weakest)."""
    ask = _level4_ask(criterion, lang)
    if ask:
        return ask
    key = f"followup.deeper.{question.track}"
    harder = msg(key if has(key) else "followup.deeper.generic", lang)
    if lang != "zh":
        harder = harder[0].lower() + harder[1:]  # said mid-sentence
    return msg("followup.deeper", lang, name=_criterion_name(criterion, lang), ask=harder)


# -- premises --------------------------------------------------------------------------------------
def _seeds_for(question: Question, point: KeyPointCoverage) -> list[FollowUpSeed]:
    exact = [f for f in question.follow_ups if f.key_point == point.key_point.id]
    general = [f for f in question.follow_ups if f.criterion == point.criterion.id and f.key_point is None]
    return exact + general


def seed_fits(seed: FollowUpSeed, coverage: Coverage, answer: str) -> bool:
    """Whether the answer gives the seed its premise: one of its ``requires`` terms, or (without
    them) the seed's key point — or, for a seed without one, its criterion — at least touched."""
    if seed.requires is not None:
        terms = seed.requires.all()
        if not terms:
            return True
        text = normalize(answer)
        return any(contains_term(text, t) for t in terms)
    points = [
        p
        for p in coverage.points
        if (p.key_point.id == seed.key_point if seed.key_point else p.criterion.id == seed.criterion)
    ]
    return any(p.coverage >= TOUCHED or p.alias_hits for p in points)


def _fresh(text: str, asked: list[str]) -> bool:
    return bool(text) and not any(similar(text, earlier) for earlier in asked)


_NEGATOR_EN = r"(?:no|not|never|without|lacks?|skip(?:ped)?)"
_NEGATOR_ZH = r"(?:没有|没|不|无|未|缺乏|缺少|跳过)"


def sure(error: FoundError) -> bool:
    """Whether an error is clear enough to say back to the candidate: a misconception's tell-tale
    phrase or wrong figure, or a term negated right before it ("no rollback plan", "没有灰度"). A claim matched by
    meaning alone costs the candidate its point in the grade but is not pushed back on: challenging
    a correct sentence would be worse than letting one pass. (A point bound to a rival subject only
    withholds credit; the offline judge reports no error for it.)"""
    if error.kind in ("misconception", "wrong_figure"):  # a tell-tale phrase, or the misconception's number
        return bool(error.detail)
    if error.kind == "negation" and error.detail:
        text, term = normalize(error.quote), re.escape(normalize(error.detail))
        if re.search(r"[\u3400-\u9fff]", error.detail):
            return re.search(rf"{_NEGATOR_ZH}.{{0,2}}{term}", text) is not None
        return re.search(rf"\b{_NEGATOR_EN}\s+(?:\w+\s+)?{term}", text) is not None
    return False


# -- the decision --------------------------------------------------------------------------------
def _challenge(
    coverage: Coverage, asked: list[str], probed: Collection[str], lang: Lang, targets: Collection[str] = ()
) -> Decision | None:
    """A push-back on the first clear wrong claim not yet probed; claims about practice targets first."""
    errors = sorted(coverage.errors, key=lambda e: e.key_point.id not in targets)  # stable: the judge's order
    for error in errors:
        if error.key_point.id in probed or not error.quote.strip() or not sure(error):
            continue
        text = challenge_text(error, lang)
        if _fresh(text, asked):
            return Decision(
                "follow_up", text=text, criterion=error.criterion.id, key_point=error.key_point.id, source="challenge"
            )
    return None


def _check(coverage: Coverage, asked: list[str], probed: Collection[str], lang: Lang) -> Decision | None:
    """The misconception the answer most likely states, put to the candidate (see ``judge/checks.py``)."""
    if coverage.ratio() < CHECK_COVERAGE:
        return None
    for doubt in coverage.doubts:
        if doubt.key_point.id in probed:
            continue
        text = check_text(doubt.misconception, lang)
        if _fresh(text, asked):
            return Decision(
                "follow_up", text=text, criterion=doubt.criterion.id, key_point=doubt.key_point.id, source="check"
            )
    return None


def _deepen(
    question: Question, coverage: Coverage, asked: list[str], probed: Collection[str], answer: str, lang: Lang
) -> Decision | None:
    """One harder follow-up for a strong answer: a seed on a point made only weakly, else the weakest
    criterion's level-4 descriptor or a scale/measurement probe."""
    weak = sorted(
        (p for p in coverage.points if p.coverage < WEAK and p.key_point.id not in probed),
        key=lambda p: (p.coverage, -p.criterion.weight),
    )
    for point in weak:
        for seed in _seeds_for(question, point):
            text = seed.text.get(lang)
            if seed_fits(seed, coverage, answer) and _fresh(text, asked):
                return Decision(
                    "follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="deepen"
                )

    def mean(c: Criterion) -> float:
        mine = [p.coverage for p in coverage.points if p.criterion.id == c.id]
        return sum(mine) / len(mine) if mine else 1.0

    for criterion in sorted(question.rubric.criteria, key=lambda c: (mean(c), -c.weight)):
        text = deepening_text(question, criterion, lang)
        if _fresh(text, asked):  # aimed past the criterion's key points, at none of them
            return Decision("follow_up", text=text, criterion=criterion.id, key_point="", source="deepen")
    return None


def offline_decision(
    question: Question,
    coverage: Coverage,
    asked: list[str],
    probed: Collection[str],
    remaining: int,
    lang: Lang,
    answer: str = "",
    done: Collection[str] = (),
    targets: Sequence[str] = (),
) -> Decision:
    """The next follow-up, or moving on. ``answer``: the answers so far (for seed premises);
    ``done``: the sources of this question's earlier follow-ups (one push-back, one deepening);
    ``targets``: the key points this practice session is due to review (asked about first)."""
    if remaining <= 0:
        return Decision("move_on", "budget")
    if "challenge" not in done:
        challenge = _challenge(coverage, asked, probed, lang, targets)
        if challenge is not None:
            return challenge
    for point in open_targets(coverage, targets, probed):
        aimed = _ask_about(question, point, coverage, asked, answer, lang)
        if aimed is not None:
            return aimed
    # An answer that already stated a wrong claim has its doubtful ones checked before it is pushed deeper;
    # any other strong answer is pushed deeper first (most doubts about a correct answer are unfounded).
    check = _check(coverage, asked, probed, lang) if "check" not in done else None
    if check is not None and ("challenge" in done or coverage.errors):
        return check
    if strong(coverage) and "deepen" not in done:
        deeper = _deepen(question, coverage, asked, probed, answer, lang)
        if deeper is not None:
            return deeper
    if check is not None:
        return check
    if coverage.ratio() >= MOVE_ON_COVERAGE:
        return Decision("move_on", "covered")
    for point in missing_by_weight(coverage, probed):
        decision = _ask_about(question, point, coverage, asked, answer, lang)
        if decision is not None:
            return decision
    return Decision("move_on", "covered" if not coverage.missing() else "repeat")


def _ask_about(
    question: Question, point: KeyPointCoverage, coverage: Coverage, asked: list[str], answer: str, lang: Lang
) -> Decision | None:
    """A follow-up on one key point: a seed whose premise the answer gives, else the point's probe;
    None when each would repeat an earlier follow-up."""
    for seed in _seeds_for(question, point):
        text = seed.text.get(lang)
        if seed_fits(seed, coverage, answer) and _fresh(text, asked):
            return Decision(
                "follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="seed"
            )
    text = probe_text(point, lang)
    # fallback probes share their wording, so only the same text again counts as a repeat
    if (text not in asked) if point.key_point.probe is None else _fresh(text, asked):
        return Decision(
            "follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="probe"
        )
    return None


def check_llm_decision(
    question: Question,
    reply: LLMDecision,
    coverage: Coverage,
    asked: list[str],
    probed: Collection[str] | None = None,
    targets: Sequence[str] = (),
) -> Decision | None:
    """The model's decision if it passes the guards, else None (the caller uses the offline one).

    Rejected: a follow-up without text, one targeting an unknown key point, one targeting a covered
    point of an answer that is not strong (a strong answer may be pushed on any point; a point with a
    sentence that reads close to one of its misconceptions may be checked), one targeting
    a key point an earlier follow-up already probed, one that repeats an earlier follow-up, and —
    while a practice target is open (missed or stated wrongly, not yet probed) — moving on or aiming
    anywhere else."""
    if skips_target(reply, coverage, targets, probed or ()):
        return None
    if reply.action == "move_on":
        return Decision("move_on", "model")
    text = clip_follow_up(reply.question)
    if not text:
        return None
    points = {p.key_point.id: p for p in coverage.points}
    point = points.get(reply.key_point_id.strip())
    if point is None:  # an unknown point
        return None
    doubted = {d.key_point.id for d in coverage.doubts}
    if point.coverage >= COVERED and not strong(coverage) and point.key_point.id not in doubted:
        return None  # a covered point of an answer with gaps left, and no sentence about it to check
    if probed and point.key_point.id in probed:  # the same point again, however it is worded
        return None
    if any(similar(text, earlier) for earlier in asked):
        return None
    return Decision("follow_up", text=text, criterion=point.criterion.id, key_point=point.key_point.id, source="llm")


def skips_target(reply: LLMDecision, coverage: Coverage, targets: Sequence[str], probed: Collection[str]) -> bool:
    """Whether the model moved on or aimed elsewhere while a practice target was still open."""
    left = {p.key_point.id for p in open_targets(coverage, targets, probed)}
    return bool(left) and (reply.action == "move_on" or reply.key_point_id.strip() not in left)
