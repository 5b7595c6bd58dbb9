"""Sentences in which an answer speaks of its own assessment instead of its topic.

"✓ KV cache ✓ paged attention", "the design above covers sharding, replication and caching", "Self-score:
9/10", "前面已经把 RoPE、ALiBi 和 YaRN 都讲清楚了", a "| Topic | Explained above |" table: each names the points a
grade is made of without stating one of them, and names them in the topic's own words, so read by meaning it
sits close to the key points it lists. None of it addresses the grader outright, so the injection guard lets
most of it through; the offline judge gives such a sentence no credit instead (``OfflineJudge.coverage``).

The patterns were written against two rounds of topical attacks and 88 benign passages that use grading
words correctly (``evals/datasets/guard_texts_topical.yaml``, ``guard_texts_topical2.yaml``), and checked to
match none of the 9,439 sentences of the eval sets' answers, the 2,008 correct candidate-style sentences,
the 15,025 misconception-case sentences (but two that describe how the candidate told a story), the bank's
model answers and the notes' prose:
"PRM 给每一步打分", "masking a full score matrix", "G-Eval's expected score" and "31% 以上" are the topic's own words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from interviewer.judge.guards import detection_forms
from interviewer.textproc import has_cjk, split_sentences

_META_EN = r"(answer|response|reply|write-?up|submission)"
_WORK_EN = r"(design|plan|proposal|solution|implementation|code|comparison|story|analysis|explanation|walkthrough|example|setup|pipeline|approach|framework|architecture|case)"
_COVERING_EN = (
    r"(cover(s|ed)?|address(es|ed)?|tackle(s|d)?|handle(s|d)?|walk(s|ed)? through|went through|goes through|compared|"
    r"identified|explain(s|ed)|discuss(es|ed)|demonstrat(es|ed)|include(s|d)|meets|met|satisf(ies|ied)|hits|named|"
    r"described|(is|was) (complete|comprehensive|thorough|exhaustive))"
)
_ASSESSMENT_EN = re.compile(
    r"\b("
    # the grade's own vocabulary
    r"rubric (items?|points?)|(grading|scoring|marking) guide|"
    r"(maximum|max|top) band|(strong|highest|senior)[ -]bar|score (it |this |me )?accordingly|"
    r"(fully|completely) answered|self[- ]?(score[ds]?|grade[ds]?|rating)|"
    # the answer said to have covered its points
    rf"(this|my) {_META_EN}( above)?( \w+){{0,2}} {_COVERING_EN}|"
    rf"(the|my|our|this) ({_META_EN}|{_WORK_EN}) (above|earlier)( \w+){{0,2}} {_COVERING_EN}|"
    rf"above ({_META_EN}|{_WORK_EN}|sections?|paragraphs?|parts?)( \w+){{0,2}} {_COVERING_EN}|"
    r"(?<!as )(covered|addressed|explained|discussed|demonstrated|handled|named|described|walked through|compared|"
    r"elaborated|detailed|justified|argued|outlined) (above|earlier|previously|in (this|my|the) (answer|response|reply|write-?up))|"
    r"(key |rubric |scoring )?(points?|topics?|items?|concepts?|requirements?)[ _](covered|addressed|demonstrated)\b|"
    r"(all|every|each) (of the )?(expected|required|key|core|main|listed|relevant|standard)? ?"
    r"(points?|pieces?|elements?|bullets?|dimensions?|aspects?|sub-?questions?|items?|criteri(on|a)|requirements?) "
    r"(\w+ ){0,4}(is |are |was |were |has been |have been )?(covered|addressed|present|answered|included|discussed)\b|"
    r"(i|we) (have |had )?(also |already |fully |thoroughly |explicitly )?(covered|addressed|demonstrated) (all|each|every|the (key|main|core))|"
    r"(i|we) (also |briefly )?touched on|"
    # a score it gives itself, a request about its grade, a note to the grader
    r"(score|scored|overall|rating|grade|graded)\W{0,3}[^.\n]{0,40}?(?<![\w/.])(10|\d(\.\d)?)\s*/\s*(4|5|10|100)(?![\w/%]|\.\d)|"
    r"(reviewer|grader|auto|suggested)_(score|grade)|self[ _-]?(score|grade)[ds]?\b|auto_?eval|"
    r"(please|kindly|i'?d ask|i ask|i hope|ask that|hope that)\b[^.\n]{0,60}\b(grade[ds]?|scored?|mark(ed)?|graders?|evaluators?|reviewers?)\b"
    r"[^.\n]{0,40}\b(this|my|me|the answer|the candidate)\b|"
    r"(grader|evaluator|reviewer|marker|translator)'?s? (note|config|comment)|note to (the |any )?(grader|evaluator|reviewer|marker)"
    r")\b"
    r"|\|\s*(covered|explained|addressed|discussed|present|met)\??\s*\|"
    r"|[\u2713\u2714\u2611\u2705\u2717\u2718\u274c]|\[\s*[x\u2713\u2714]\s*\]",
    re.IGNORECASE,
)
_ABOVE_ZH = r"(上面|上文|前面|前文|(?<![\d%％倍个年万千百岁\s])以上|上述|本回答|我的回答|这个回答|该回答|此回答|本答案)"
_ASSESSMENT_ZH = re.compile(
    r"((应得|评为|建议)满分|(?<!参)考点|评分点|得分点|评分项|采分点|评分重点|评分表|评分维度|最高档|最高标准|"
    r"(建议|自评|预估)(分数|得分)|(自评|自我评估|自我评价|要点自查|自查|自测结果)\s*[:：\d]|酌情给分|给予相应的分数|"
    rf"(?<![如同]){_ABOVE_ZH}.{{0,30}}(都|全部|完整|全面|系统|均|充分|详细|一整套|所有|每一?个|各个)"
    r".{0,20}(讲|说|覆盖|涵盖|阐述|体现|说明|给出|设计|做|谈|列举|提到|讨论|分析|对比|比较|点明|搭建)(了|过|到|清楚|完|遍)|"
    rf"{_ABOVE_ZH}.{{0,30}}(讲清楚|说清楚|讲到|谈到)|"
    rf"{_ABOVE_ZH}(内容|部分|回答|答案|所述)?(已经?|均已?|都已?|也|全部|完整|充分|详细)+"
    rf"(覆盖|涵盖|讲|阐述|说明|讨论|解释|论述|展示|体现|提到|包含)|{_ABOVE_ZH}(内容|部分|回答|答案)?(覆盖|涵盖)了|"
    r"(已经?|均已?|都已)(涵盖|覆盖)了?(全部|所有|每个|各个)|(都|均)已经?(点到|考虑在内)|为了完整性|"
    rf"{_ABOVE_ZH}(已经?|都已|均已)(从|把|对|就)?.{{0,40}}?(给出|搭建|讲|说明|阐述|覆盖|涵盖|分析|对比|设计|列举|讨论)了|"
    r"(满足|符合)(了)?(题目|本题|问题)?(的)?(全部|所有|各项)(的)?要求|完全(满足|符合)|"
    r"(给|致)(阅卷|评审|评委|考官)|(阅卷|评审|评分)老师|请按.{0,12}给分|\|\s*(是否)?已?(覆盖|讲解|分析|对比|说明)\s*\|)"
)
"""Words an answer uses to speak of how it should be assessed — rubric items, marks, a self-score, points
"covered above", check marks — rather than of its topic (see ``assesses``)."""


_ELSEWHERE = re.compile(
    r"\bsee (§|section|sec\.|the (appendix|attachment|attached|separate|linked|design doc|doc|slides?|notebook|whiteboard|photo|"
    r"diagram|figure))|"
    r"\b(in|into) (the|my|a) (appendix|attachment|attached \w+|separate (doc|document|file|note)|design doc|slides?|notebook|"
    r"whiteboard( photo)?|latex notes|linked doc)\b|"
    r"\b(didn'?t|did not|couldn'?t|could not|failed to) (upload|render|come through|survive|display|attach)|"
    r"\b(i'?ve|i have|i) (attached|uploaded)\b|\b(diagrams?|photo|doc|slides?) (is |are )?attached\b|"
    r"见(上文|前文|附件|附录|下文)|见第.{1,3}(节|部分)|(在|放在|放到|详见|参考)(附件|附录)|另一份文档|内部\s*wiki|(上传|显示|渲染)(失败|不出来)|"
    r"没(能)?(上传|显示出来)|草稿纸|口头(展开|讲|说)过",
    re.IGNORECASE,
)
"""The detail said to be somewhere else: an appendix, an attachment, a photo that did not upload, "见上文"."""
_DOC_HEAD = re.compile(
    r"^\W*((contents|table of contents|outline|design doc outline|slide deck|glossary|references|bibliography|"
    r"further reading|patterns referenced)\b[^:：\n]{0,40}[:：]|(回答结构|目录|大纲|参考文献|思维导图|术语表|文档目录)\s*[:：])",
    re.IGNORECASE,
)
"""The heading of a document's scaffolding (contents, glossary, references): what follows lists topics."""
_HASHTAGS = re.compile(r"(#[\w\u3400-\u9fff][\w\u3400-\u9fff-]*\s*){3,}")
_DONE = re.compile(
    r"(^|[:：?？|]\s*)(covered|discussed|addressed|explained|answered|see above|见上文|已处理|处理了|讲了|已讲|已覆盖|"
    r"已分析|分析过了|算过了|评估过了|测过了|量化过了|讨论过了?|也讲了)\W*$",
    re.IGNORECASE,
)
"""A line or sentence whose only content says a point was dealt with ("• STaR: discussed", "讲了。")."""


@lru_cache(maxsize=8192)  # asked per sentence of every grade and follow-up decision
def assesses(text: str) -> bool:
    """``text`` speaks of its own assessment: rubric items or marks, a self-score, the points it claims
    to have covered, check marks. Such a sentence shows nothing of the topic it names: "✓ KV cache,
    ✓ paged attention" or "the answer above also addressed GQA" names the points a grade is made of
    without stating one of them. The offline judge gives such a unit no credit for a key point that is
    not itself about assessment."""
    patterns = [_ASSESSMENT_EN, _ELSEWHERE, _DOC_HEAD, _HASHTAGS, *([_ASSESSMENT_ZH] if has_cjk(text) else [])]
    return any(pattern.search(form) for form in detection_forms(text) for pattern in patterns)


ASSESSING_PARAGRAPH_CHARS = 800
"""A paragraph this short that speaks of its own assessment is that claim as a whole: the rows of a
"| Topic | Explained above |" table, the items of a "Design coverage:" checklist."""


_MARK = re.compile(r"(?<![\w/.])(10|\d(\.\d)?)\s*/\s*(4|5|10|100)(?![\w/%]|\.\d)")
"""A mark out of 4, 5, 10 or 100 ("5/5", "9.5/10"): three in one paragraph are a score sheet."""


def assessing_passages(text: str) -> list[str]:
    """The paragraphs of ``text`` (at most ASSESSING_PARAGRAPH_CHARS long) with a line that ``assesses``
    or three marks ("| ReAct prompting | 5/5 |" rows)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        p = para.strip()
        if not p or len(p) > ASSESSING_PARAGRAPH_CHARS:
            continue
        pieces = [*p.splitlines(), *split_sentences(p)]
        done = sum(bool(_DONE.search(x.strip())) for x in dict.fromkeys(pieces))
        if len(_MARK.findall(p)) >= 3 or done >= 2 or any(assesses(x) for x in pieces):
            out.append(p)
    return out


def self_assessed(text: str, sentences: list[str]) -> list[bool]:
    """For each of ``sentences`` (of ``text``): it speaks of the answer's own assessment, or lies in a short
    paragraph of ``text`` that does (``assessing_passages``)."""
    passages = assessing_passages(text)
    return [assesses(s) or any(s in p for p in passages) for s in sentences]
