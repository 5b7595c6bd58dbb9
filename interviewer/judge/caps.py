"""The cap policy both judges apply: what a guard flag or a wrong claim lets a criterion score at most.

One place, so the offline judge and the LLM judge can never disagree about what a flag means:
- a list of terms (keyword stuffing), an off-topic or an empty answer demonstrates nothing: 0;
- an answer too short to show more, or one that restates itself (padding), is by definition the
  "vague" level: at most 1;
- text addressed to the grader is removed before grading and caps nothing by itself: the rest of
  the answer is graded as if it were not there;
- a criterion with a wrong claim (an error) scores 0, whatever else it covers: level 1 is "vague"
  (touches the topic without substance), and a false statement about the criterion shows less
  understanding than a vague one;
- an answer with a wrong claim is at most "partial" (2) on every criterion, with two or more at
  most "vague" (1): an interviewer who hears a candidate state a falsehood about a core point
  with confidence no longer takes the rest of the answer as shown understanding — what sounds
  right beside it may be recited rather than understood. A wrong claim therefore costs more than
  silence: the same answer without the false sentence keeps its other criteria's scores. Errors
  come only from clear lexical evidence (a misconception's tell-tale phrase stated, a negated key
  point), measured at 0 errors on the correct answers of the eval sets and on every model answer,
  so the cap falls on answers that do say something false;
- (LLM judge) a criterion whose score no verbatim quote supports is at most 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from interviewer.messages import msg

ZERO_FLAGS = ("empty", "off_topic", "keyword_stuffing")
VAGUE_FLAGS = ("too_short", "padding")
ERROR_CAP = 0
UNQUOTED_CAP = 1
ERRORS_FOR_ANSWER_CAP = 1
"""Wrong claims from which the whole answer is capped (``ERRORED_ANSWER_CAPS``)."""
ERRORED_ANSWER_CAPS = {1: 2, 2: 1}
"""Wrong claims in the answer -> the highest score of any criterion (the largest key not above the count)."""


def answer_cap(flags: Iterable[str], n_errors: int = 0) -> int:
    """The highest score any criterion may get, given the answer's guard flags and how many wrong
    claims it states."""
    found = set(flags)
    if found & set(ZERO_FLAGS):
        return 0
    if found & set(VAGUE_FLAGS):
        return 1
    if n_errors >= ERRORS_FOR_ANSWER_CAP:
        return ERRORED_ANSWER_CAPS[max(k for k in ERRORED_ANSWER_CAPS if k <= n_errors)]
    return 4


def apply_caps(
    scores: dict[str, int],
    flags: Iterable[str],
    error_criteria: Iterable[str] = (),
    unquoted: Iterable[str] = (),
    n_errors: int | None = None,
) -> dict[str, int]:
    """Scores per criterion after the cap policy: the answer's flags, criteria with a wrong claim
    (``error_criteria``; ``n_errors`` wrong claims in all, one per criterion when not given) and,
    for an LLM judge, criteria whose score no real quote supports."""
    errors, bare = set(error_criteria), set(unquoted)
    cap = answer_cap(flags, len(errors) if n_errors is None else n_errors)
    out: dict[str, int] = {}
    for cid, score in scores.items():
        limit = cap
        if cid in errors:
            limit = min(limit, ERROR_CAP)
        if cid in bare:
            limit = min(limit, UNQUOTED_CAP)
        out[cid] = max(0, min(int(score), limit))
    return out


def cap_reason(
    cid: str, flags: Iterable[str], error_criteria: Iterable[str], lang: str, n_errors: int | None = None
) -> str:
    """Why a criterion was capped, in the session's language ('' when it was not)."""
    found = set(flags)
    errors = set(error_criteria)
    n = len(errors) if n_errors is None else n_errors
    if "keyword_stuffing" in found:
        return msg("cap.keyword_stuffing", lang)
    if "off_topic" in found:
        return msg("cap.off_topic", lang)
    if cid in errors:
        return msg("cap.wrong_claim", lang)
    if "too_short" in found:
        return msg("cap.too_short", lang)
    if "padding" in found:
        return msg("cap.padding", lang)
    if n == 1:
        return msg("cap.wrong_claim_elsewhere", lang, cap=answer_cap((), n))
    if n >= ERRORS_FOR_ANSWER_CAP:
        return msg("cap.wrong_claims_elsewhere", lang, n=n, cap=answer_cap((), n))
    return ""
