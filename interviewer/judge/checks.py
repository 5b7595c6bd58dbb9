"""Doubt checks: a follow-up that puts one of a key point's misconceptions to the candidate ("A colleague
told me: “…”. Would you agree?") and the reading of the reply.

The offline judge cannot tell a paraphrased wrong claim from the truth by embeddings alone (a
misconception and its key point sit at cosine 0.86-0.93), so when a sentence leans towards a
misconception the interviewer asks, as a human interviewer would, instead of guessing. The reply is
easy to read: a candidate who agrees with the false statement has stated it (an error, with the
correction); one who disagrees has not. Anything hedged ("yes, but…", "it depends") is no verdict.

The follow-up quotes the misconception's text verbatim, so a transcript alone tells which
misconception an exchange checked (rescoring a saved session needs nothing else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from interviewer.domain import Criterion, KeyPoint, Lang, Misconception, Question
from interviewer.messages import msg
from interviewer.textproc import split_sentences

Verdict = Literal["agree", "disagree"]


@dataclass(frozen=True)
class Exchange:
    """One prompt of a question (the question itself, then each follow-up) and the answer to it."""

    question: str
    answer: str


def as_pair(exchange: Exchange | tuple[str, str]) -> tuple[str, str]:
    """(prompt, answer) of an exchange given either way (callers may pass plain pairs)."""
    return (exchange.question, exchange.answer) if isinstance(exchange, Exchange) else (exchange[0], exchange[1])


_TRAILING = "。.！!？?；;，, "


def claim_of(misconception: Misconception, lang: Lang) -> str:
    """The misconception as the follow-up quotes it."""
    return misconception.text.get(lang).strip().rstrip(_TRAILING)


def check_text(misconception: Misconception, lang: Lang) -> str:
    """The follow-up that puts ``misconception`` to the candidate."""
    return msg("check.ask", lang, claim=claim_of(misconception, lang))


def checked(question: Question, asked: str) -> tuple[Criterion, KeyPoint, Misconception] | None:
    """The misconception a follow-up put to the candidate (its text quoted in ``asked``), if any."""
    if not asked:
        return None
    for criterion in question.rubric.criteria:
        for kp in criterion.key_points:
            for m in kp.misconceptions:
                if any(len(c) >= 8 and c in asked for c in (claim_of(m, "zh"), claim_of(m, "en"))):
                    return criterion, kp, m
    return None


# The reply's lead clause carries its verdict: a rejection there wins ("不对，…", "No. …", "That's a common
# misconception: …"), and a rejecting word later on does not ("同意，这样就不会有问题"). A hedge anywhere in the
# first sentence makes no verdict: "yes, but only when…", "对也不对", "mostly" neither state nor reject it.
_DISAGREE_ZH = re.compile(
    r"(不同意|不认同|不赞同|不太同意|不完全同意|不对|不是这样|不是的|并不是|并非|不准确|不正确|不成立|错了|是错的|说错|"
    r"有问题|不一定|未必|恰恰相反|正好相反|相反|其实不|误区|误解|不是真的|不能这么说|不太对|不这么认为|不这样认为|不这么看|当然不|^错)"
)
_AGREE_ZH = re.compile(r"^(?:我)?(?:完全|基本|非常|很)?(?:同意|认同|赞同|对的|对|是的|没错|确实|是这样|嗯|有道理)")
_HEDGE_ZH = re.compile(r"(但|不过|然而|部分|一半|看情况|分情况|取决于|要看|对也不对|是也不是|只有在|除非|前提是)")
_DISAGREE_EN = re.compile(
    r"\b(disagree|don'?t agree|do not agree|wouldn'?t agree|would not agree|can'?t agree|not really|not quite|"
    r"not true|isn'?t true|is not true|not right|isn'?t right|wrong|incorrect|false|not necessarily|no|nope|"
    r"misconception|myth|the opposite|not the case|isn'?t the case|doesn'?t hold|does not hold|"
    r"don'?t think so|do not think so|i doubt|not at all|(?:absolutely|definitely|certainly|of course) not)\b",
    re.IGNORECASE,
)
_AGREE_EN = re.compile(
    r"^(?:yes|yeah|yep|yup|i agree|agreed|agree|i'?d agree|i would agree|i do agree|right|correct|true|"
    r"exactly|absolutely|definitely|sure|that'?s right|that'?s correct|that'?s true|they'?re right|"
    r"he'?s right|she'?s right|your colleague is right)\b",
    re.IGNORECASE,
)
_HEDGE_EN = re.compile(
    r"\b(but|however|though|although|partly|partially|depends|sometimes|in some cases|not always|yes and no|"
    r"kind of|sort of|mostly|only if|only when|unless)\b",
    re.IGNORECASE,
)


_CLAUSE = re.compile(r"[，,：:；;、]|\s[—–-]\s|——")


def first_sentence(reply: str) -> str:
    """The reply's first sentence, verbatim (what an error quotes)."""
    for part in split_sentences(reply.strip()):
        if part.strip():
            return part.strip()
    return reply.strip()


def verdict(reply: str) -> Verdict | None:
    """Whether a reply to a doubt check agrees with the claim, rejects it, or neither (None)."""
    head = first_sentence(reply)
    if not head:
        return None
    text = head.lstrip("“\"'「（( ")
    if _HEDGE_ZH.search(text) or _HEDGE_EN.search(text):
        return None
    lead = _CLAUSE.split(text, maxsplit=1)[0]
    if _DISAGREE_ZH.search(lead) or _DISAGREE_EN.search(lead):
        return "disagree"
    if _AGREE_ZH.match(text) or _AGREE_EN.match(text):
        return "agree"
    return None
