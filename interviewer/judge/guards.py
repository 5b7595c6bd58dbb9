"""Guards that run before any judge sees an answer: empty, too short, injection, stuffing, padding.

They are language-aware (Chinese and English) and purely lexical, so they cost microseconds and
behave the same for the offline and the LLM judge. Injected text is cut out of the answer: the
judge grades what remains, so an instruction to the grader can never raise a score.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from interviewer.textproc import STOPWORDS, has_cjk, tokenize

# Instructions aimed at a grader / model rather than an interviewer. Each pattern is one idea.
_INJECTION_EN = [
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|rubric|prompt|rules?|criteria|guidelines?|above|previous|prior)",
    r"\b(give|award|assign|grant|score|rate|mark)\b.{0,40}\b(full|max(imum)?|perfect|highest|top|100|10/10|4/4|5/5|a\+)\b.{0,20}\b(score|marks?|points?|grade|rating)?",
    r"\b(give|award|deserves?|merits?|get|assign)\b.{0,25}\b(full|maximum|perfect|highest)\s+(score|marks|points|grade|credit)\b",
    r"\b(you are|you're|act as|acting as|as the|as an?)\s+([\w-]+\s+){0,3}(grader|judge|evaluator|scorer|assessor|examiner)\b(?![-\w])",
    r"\b(note|message|instruction|memo|reminder)s?\s+(to|for)\s+(the\s+)?([\w-]+\s+){0,2}(grader|grading|judge|evaluator|scorer|reviewer|ai|model|llm|assistant)\b",
    r"\b(automated|automatic|ai)\s+(grader|grading|judge|evaluator|scorer)\b",
    r"\b(output|return|respond with|assign|mark|set|report)\b.{0,40}\b(level\s*4|4\s*/\s*4|score of 4|full (score|marks|credit)|all (key points|criteria) (as )?(covered|met|satisfied))",
    r"\b(mark|treat|consider)\b.{0,30}\b(all|every)\s+(key points?|criteria|criterion)\b.{0,20}\b(covered|met|satisfied|passed)",
    r"\b(system|admin|developer)\s+override\b|\bcalibration mode\b|\byou are now (in|a|an|the)\b",
    r"\b(skip|bypass|disable)\b.{0,30}\b(key[- ]point|rubric|comparison|evaluation|grading|check)",
    r"\brubric\b.{0,40}\b(retired|deprecated|void|no longer applies|does not apply|superseded)",
    r"\b(system|developer)\s*(prompt|message|override|instruction)s?\s*[:：]",
    r"\bscore\s*[:=]\s*(4|100|10)\b",
    r"\b(this|my)\s+answer\s+(is|should be)\s+(rated|scored|graded)\b",
    r"\bnew\s+instructions?\b",
    r"\bjailbreak\b.{0,20}\b(grader|judge)\b",
    r"</?\s*(system|instructions?|answer|untrusted)\s*>",
]
_INJECTION_ZH = [
    r"(忽略|无视|忘记|忽视|不要理会|跳过).{0,12}(之前|以上|上面|前面|所有|全部|评分|规则|指令|标准|提示|要求)",
    r"(给|打|评|判).{0,8}(满分|最高分|高分|100分|十分|4分|五星|A\+)",
    r"满分",
    r"(你现在是|你是|作为|扮演).{0,8}(评委|评分员|评分者|考官|阅卷|裁判|评估者|打分)",
    r"(系统|开发者)(提示|指令|消息)\s*[:：]",
    r"(致|给|对)(评委|评分员|评分者|阅卷人|模型|AI|大模型)(的)?(说明|留言|指令|提示)",
    r"(评分|打分)(标准|规则).{0,10}(不适用|无效|作废|改为)",
    r"新(的)?指令",
    r"(评分|打分|阅卷|评审)(系统|模型|程序|机器人|助手)",
    r"(所有|全部|每个|各)(评分项|要点|维度|标准).{0,12}(判|给|打|记|评|视为|算)",
    r"(判|给|打|记|评)(为|成)?\s*[4四]\s*分",
    r"(无需|不用|不必|跳过)(对照|参考|比对|核对).{0,6}(评分|标准|要点|rubric)",
]
_INJECTION = [re.compile(p, re.IGNORECASE) for p in _INJECTION_EN + _INJECTION_ZH]

_FILLER_EN = re.compile(
    r"\b(as i (said|mentioned)|in other words|to put it (another way|differently)|basically|essentially|"
    r"at the end of the day|it goes without saying|needless to say|as (we|you) (all )?know|"
    r"to reiterate|again,|once again|it is (very |really )?important|that is to say)\b",
    re.IGNORECASE,
)
_FILLER_ZH = re.compile(
    r"(正如我(刚才|前面|之前)?(所)?说|换句话说|也就是说|总而言之|总的来说|众所周知|再强调一下|再说一遍|说白了|其实就是|非常重要|很重要)"
)

_SENT_SPLIT = re.compile(r"(?<=[.!?;。！？；\n])\s*")


@dataclass
class GuardReport:
    flags: list[str] = field(default_factory=list)
    clean_text: str = ""
    """The answer with injected instructions removed."""
    injected: list[str] = field(default_factory=list)
    stuffing_ratio: float = 0.0
    redundancy: float = 0.0
    diversity: float = 1.0

    def has(self, flag: str) -> bool:
        return flag in self.flags


def split_sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENT_SPLIT.split(text)) if s]


_QUOTED = re.compile(r"\"[^\"]{0,200}\"|“[^”]{0,200}”|「[^」]{0,200}」|『[^』]{0,200}』|‘[^’]{0,200}’|`[^`]{0,200}`")


def find_injections(text: str) -> list[str]:
    """Sentences of ``text`` that address a grader/model instead of answering. Quoted text is a
    mention, not an instruction (an answer about jailbreaks may quote "ignore previous instructions")."""
    return [s for s in split_sentences(text) if any(p.search(_QUOTED.sub(" ", s)) for p in _INJECTION)]


def content_size(text: str) -> int:
    """Words for Latin text, characters/1.7 for Chinese (a rough word-equivalent)."""
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z0-9]+", text))
    return latin + int(cjk / 1.7)


def function_word_ratio(text: str) -> float:
    """Share of tokens that are function words: prose that explains has many, a term list has few."""
    tokens = tokenize(text, drop_stopwords=False)
    if not tokens:
        return 0.0
    return sum(1 for t in tokens if t in STOPWORDS) / len(tokens)


def _fragment_share(text: str) -> float:
    """Share of comma/line/slash-separated fragments that are 1-4 tokens long (term lists)."""
    fragments = [f.strip() for f in re.split(r"[,，、;；/\n|]+|\s[-–—]\s", text) if f.strip()]
    if len(fragments) < 4:
        return 0.0
    short = sum(1 for f in fragments if len(tokenize(f, drop_stopwords=False)) <= 4)
    return short / len(fragments)


def redundancy(text: str) -> float:
    """How much of the answer repeats itself: share of sentences whose content words mostly appeared
    before, plus filler phrases. 0 for tight prose, approaching 1 for padding."""
    sents = split_sentences(text)
    if len(sents) < 3:
        return 0.0
    seen: Counter[str] = Counter()
    repeated = 0
    for s in sents:
        words = set(tokenize(s))
        if words and sum(1 for w in words if seen[w]) / len(words) >= 0.6:
            repeated += 1
        seen.update(words)
    filler = len(_FILLER_EN.findall(text)) + len(_FILLER_ZH.findall(text))
    return min(1.0, repeated / len(sents) + 0.5 * filler / len(sents))


def lexical_diversity(text: str, window: int = 40) -> float:
    """Moving-average type-token ratio of content words: length-robust, low when an answer keeps
    restating the same few words (padding), high for prose that adds information as it goes."""
    tokens = tokenize(text)
    if len(tokens) < window:
        return len(set(tokens)) / len(tokens) if tokens else 1.0
    spans = len(tokens) - window + 1
    return sum(len(set(tokens[i : i + window])) for i in range(spans)) / (window * spans)


def check(answer: str, term_vocabulary: set[str] | None = None) -> GuardReport:
    """Run every lexical guard over ``answer``. ``term_vocabulary``: lower-cased alias terms of the question."""
    report = GuardReport(clean_text=answer)
    stripped = re.sub(r"[\s\W_]+", "", answer, flags=re.UNICODE)
    if not stripped:
        report.flags.append("empty")
        report.clean_text = ""
        return report
    injected = find_injections(answer)
    if injected:
        report.flags.append("prompt_injection")
        report.injected = injected
        clean = answer
        for s in injected:
            clean = clean.replace(s, " ")
        report.clean_text = re.sub(r"[ \t]{2,}", " ", clean).strip()
    text = report.clean_text
    size = content_size(text)
    if size < (8 if has_cjk(text) else 10):
        report.flags.append("too_short")
    fw = function_word_ratio(text)
    frag = _fragment_share(text)
    terms = 0
    if term_vocabulary:
        low = text.lower()
        terms = sum(1 for t in term_vocabulary if t and t in low)
    report.stuffing_ratio = round(max(frag, 1.0 - fw / 0.3 if fw < 0.3 else 0.0), 3)
    stuffing = size >= 8 and terms >= 4 and (frag >= 0.6 or fw < 0.12)
    if stuffing:
        report.flags.append("keyword_stuffing")
    report.redundancy = round(redundancy(text), 3)
    report.diversity = round(lexical_diversity(text), 3)
    if size >= 40 and (report.redundancy >= 0.45 or (report.diversity < 0.82 and len(tokenize(text)) >= 60)):
        report.flags.append("padding")
    return report
