"""Guards that run before any judge sees an answer: empty, too short, injection, stuffing, padding.

They are language-aware (Chinese and English) and lexical, so they cost microseconds and behave the
same for the offline and the LLM judge; both judges also hand the injection guard a reader of appeals
by meaning (``judge/appeals.py``) for the sentences its patterns let through.

- Text addressed to the grader (in any language, in prose, brackets, quotes, HTML or code comments,
  obfuscated with homoglyphs, zero-width characters or leetspeak) is cut out of the answer and
  flagged: the judge grades what remains, so an instruction to the grader can never raise a score.
- Code is separated from prose first: the term-list and padding checks read prose only, so an
  answer written in code is never mistaken for keyword stuffing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from interviewer.textproc import QUOTE_PAIRS, STOPWORDS, has_cjk, split_code, split_sentences, tokenize

# -- detection forms: what an obfuscated instruction says once its disguise is removed -------------
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]"
)
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁһԛԝвкмнтАВЕКМНОРСТХІЈЅ" + "αεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧ" + "ℓ",
    "aeopcyxijsdhqwbkmhtABEKMHOPCTXIJS" + "aeikvoptuxABEHIKMNOPTYX" + "l",
)
_SPACED = re.compile(r"(?<![\w.\-_*])(?:[a-z0-9@$][.\-_* ]){3,}[a-z0-9@$](?![\w])")
"""Letters spelled out one by one ("i.g.n.o.r.e", "g r a d e r")."""
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)


def detection_forms(text: str) -> list[str]:
    """Lower-cased forms of ``text`` to match patterns against: compatibility-normalised (full-width
    letters, ligatures), invisible characters removed, homoglyphs mapped to Latin; and the same
    with leetspeak digits read as letters."""
    base = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_HOMOGLYPHS).lower()
    base = _SPACED.sub(lambda m: re.sub(r"[.\-_* ]", "", m.group(0)), base)
    leet = base.translate(_LEET)
    return [base] if leet == base else [base, leet]


# -- what addresses the grader --------------------------------------------------------------------
_GRADER_EN = (
    r"(grader|grading (model|system|ai|bot|assistant|llm)|evaluator|reviewer|assessor|examiner|scorer|marker|rater|"
    r"judge (model|llm)|llm judge|ai judge|automated (grader|judge|review)|(dear|hey|hi|hello) (ai|model|llm|assistant)\b)"
)
"""Who a grader-addressed note names. "the model" alone is not here: technical answers say "send the
error back to the model" all the time; only a vocative ("dear model") or a note to it addresses it."""
_ROLE_EN = r"(grader|evaluator|reviewer|assessor|examiner|scorer|marker|rater)"
_SELF = r"(this (answer|response|submission|reply)|my (answer|response|submission)|the candidate|this candidate|the (answer|response) above)"
_TO_ME_EN = (
    r"(this (answer|response|submission|reply|section|part|one)|my (answer|response|submission|seniority|experience|background|level)|"
    r"\bme\b|the candidate(?!\s+(responses?|answers?|models?|generations?|outputs?|solutions?|completions?))|this candidate|\bi (also |already )?(covered|addressed|mentioned|discussed|explained|did)\b|"
    r"(full|max(imum)?|top|highest|perfect) (marks|credit|score|points|level|grade|rating)|level\s*4|[45]\s*/\s*[45]|a passing grade|as (complete|correct|comprehensive))"
)
"""What a note to a grader asks about: this answer, its author, a top grade. Answers that design an
evaluation talk about judges and evaluators all the time ("make sure the LLM judge sees the reference
answer", "the evaluator should give partial credit for correct tool calls"); only a request that bears
on this answer's grade addresses the one grading it."""
_TO_ME_ZH = (
    r"(本回答|该回答|这个回答|这份回答|这篇回答|此回答|我的回答|以上回答|上述回答|本答案|候选人|考生|给我|我(已经?|也|都)|"
    r"满分|最高分|最高档|最高等级|最高级别|一百分|100\s*分|[4四]\s*/\s*[4四]|全部要点|所有要点|全部评分项|所有评分项|视为|判为)"
)
_MENTION = re.compile(
    r"(attack|attacker|adversar|jailbreak|inject|red[- ]team|e\.g\.|for example|such as|like\s+[\"“']|tries to|trying to|attempts? to|"
    r"tell(s|ing)? the model|ask(s|ing)? the model|contains?|containing|hidden in|embedded|"
    r"攻击|注入|越狱|例如|比如|诸如|像是|恶意|payload)",
)
_STRONG_EN = [
    # a note, message or request to the grader
    rf"\b(dear|hi|hello|hey|attention|note to|notes? for|message to|memo to|reminder to|p\.?s\.?( to)?)\s+(the\s+|any\s+|all\s+)?([\w-]+\s+)?{_GRADER_EN}",
    rf"^\W{{0,3}}(to|for)\s+(the\s+|any\s+|all\s+)?([\w-]+\s+)?{_GRADER_EN}\s*[:：,，]",
    # a note to the model as a heading, not "we exit with no message to the LLM"
    r"(^|[\[(【<{\"'“*]|<!--|#|//)\s*(note|notes|message|memo|reminder|instructions?|p\.?s\.?)\s+(to|for)\s+(the\s+)?(ai|model|llm|assistant|whoever|whatever|anyone|anybody|grading)\b"
    r"|\b(note|notes|message|memo|reminder|instructions?|p\.?s\.?)\s+(to|for)\s+(the\s+)?(ai|model|llm|assistant|whoever|whatever|anyone|anybody|grading)\b\W{0,3}[:：]",
    r"\b(note|message|memo|reminder|p\.?s\.?)\s+(to|for)\b.{0,40}\b(scor|grad|evaluat|assess|mark|judg)\w*\s+(this|the answer|my|these)",
    rf"(^|(?<![\w\])】>}}'\"”])[\[(【<{{\"'“]|<!--|#|//)\s*{_GRADER_EN}\s*(note|notes|instructions?|memo|context|info|information|update|notice|message|comment)?\s*[:：,，\-–—]",
    r"[\[【<(]\s*(system|sys|admin|administrator|developer|grader|evaluator|operator|reviewer)\s*(note|notice|message|context|prompt)?\s*[\]】>)]",
    # a request in the first person needs only to be about its writer; advice ("make sure the LLM judge
    # sees the reference") is design unless it bears on this answer's grade
    rf"\b(appreciate|grateful|thankful|i (would|'d) (kindly |really |humbly )?(appreciate|ask|request|be grateful)|i (hope|trust|ask|request)|we (hope|trust))\b.{{0,80}}\b{_GRADER_EN}.{{0,80}}({_TO_ME_EN}|\bi\b|\bmy\b)",
    rf"\b(please|kindly|i (would|'d) like|make sure|be sure|remember to|don'?t forget)\b.{{0,80}}\b{_GRADER_EN}.{{0,80}}({_TO_ME_EN}|\bmy\b)",
    r"\b(score|grade|mark|rate|assess|evaluate|treat|count|consider|judge)\s+(it|this|this answer|this response|my answer|the answer|me)\s+(as|at)\s+(if\s+)?(a\s+|an\s+|the\s+)?(complete|full|perfect|expert|top|highest|maximum|max|level\s*4|4|correct|comprehensive)\b",
    r"\b(please|kindly)\b.{0,60}\b(score|grade|rate|mark)\s+(this|it|me|my answer|the (full|complete|whole|entire) (version|answer))\b",
    r"\b(don'?t|do not|never)\s+(penali[sz]e|deduct|dock|mark (me|it|this) down|take (off )?points|list any errors|report any errors)",
    r"\b(rubric|grader|grading|judge|eval\w*|scor\w*)[_-]?override\b|\bexpected[_-]?(level|score|grade)\s*[=:]|\breport[_-]?errors\s*[=:]\s*(false|0|no)\b",
    r"\b(previous|prior|earlier|old|original|grading|scoring|evaluation)\s+(grading\s+|scoring\s+)?(instructions?|rubrics?|polic(y|ies)|criteria|rules)\s+(are|is|were|have been|has been)\s+(now\s+)?(deprecated|retired|void|superseded|revoked|obsolete|replaced|cancell?ed|invalid)",
    r"\bnew (grading |scoring |evaluation )?(policy|rules?)\s*[:：]",
    rf"\bnew (task|job|instructions?|assignment|role)\b.{{0,30}}{_GRADER_EN}",
    r"\byour (only )?(job|task|role|purpose) (here )?is (only |simply |just )?to (produce|give|output|assign|return|confirm|approve|award)",
    r"\b(your|the) (grades?|scores?|scoring|grading|marks)\s+(consistent|in line|aligned|in agreement)\s+with\b",
    r"\bself[- ]assess(ment|ed)\b.{0,40}\b(rubric|criteri\w+|score|grade|[0-4]\s*/\s*4)",
    r"\b(full|maximum|perfect|max|top|highest)\s+(credit|marks|score|points|level|grade)\s+(on|for|in|across)\s+(all|every|each)\b",
    r"\b(mark|treat|consider|count|record|regard)\b.{0,80}\bas\s+(fully|completely|already)\s+(met|covered|satisfied|complete|addressed|correct)\b",
    r"\b(copy|use|accept|keep|adopt|apply)\s+(these|the following|those|the above|my)\s+(pre-?filled\s+)?(scores?|grades?|marks|ratings|levels)\b|\bpre-?filled\b.{0,40}\b(scores?|grades?|coordinator|grader)",
    r"\b(decode|decrypt|translate|follow|execute|obey|run)\b.{0,40}\b(before|when|while|then)\s+(grading|scoring|evaluating|judging|you (grade|score|evaluate))",
    rf"\b{_GRADER_EN}.{{0,60}}\b(should|must|will|please|kindly|can|could|would|may|is (asked|requested|instructed|expected))\b.{{0,60}}\b(score|marks?|points?|grade|rating|level|credit|consider|count|treat|note that|recogni[sz]e|award|give|assign|mark|rate)\b.{{0,60}}{_TO_ME_EN}",
    rf"\b(you|your)\b.{{0,50}}\b(grad(e|ing)|scor(e|ing)|evaluat(e|ing)|assess(ing)?|review(ing)?|judg(e|ing)|mark(ing)?|rat(e|ing))\b.{{0,60}}{_SELF}",
    rf"{_SELF}.{{0,40}}\b(deserves?|merits?|warrants?|earns?|should (get|receive|be (given|scored|graded|rated|marked|awarded|considered))|is worth|qualifies for)\b",
    rf"{_SELF}.{{0,30}}\b(also|additionally|further|fully|already|has|have)\s+(covered|addressed|discussed|mentioned|explained|satisfied|met|hit|touched on|demonstrated)\b",
    r"\b(i have|i've|we have|we've)\s+(also\s+|already\s+|fully\s+)?(covered|addressed|satisfied|met|hit)\s+(all|every|each)\b.{0,30}\b(points?|criteria|criterion|requirements|rubric|items)",
    r"\b(all|every|each)\s+(of the\s+)?(rubric|key[- ]?points?|criteria|criterion|grading points|scoring points)\b.{0,40}\b(are|were|is|have been|has been|as)\s+(covered|met|satisfied|addressed|fulfilled|complete)",
    r"\b(mark|treat|consider|count|record|grade|score|rate)\b.{0,40}\b(all|every|each)\s+(key[- ]?points?|criteria|criterion|rubric items?)\b",
    r"^\s*(please\s+)?(give|award|assign|grant|mark|rate|score)\b.{0,40}\b(full|max(imum)?|perfect|highest|top|4\s*/\s*4|5\s*/\s*5|10\s*/\s*10|100|level\s*4|a\+)",
    r"\b(give|award|assign|grant)\s+(me|us|this|it|the candidate)\b.{0,40}\b(full|max(imum)?|perfect|highest|top|4|5|10|100|a\+)",
    r"\b(output|return|respond with|reply with|print|emit)\b.{0,40}\b(level\s*4|4\s*/\s*4|score of 4|full (score|marks|credit)|\"?score\"?\s*:\s*\d)",
    r"\b(system|developer|admin|administrator|operator)\s*(prompt|message|override|instructions?|note|notice)\s*[:：\]]",
    r"^\W{0,3}(system|sys|admin|grader|assistant|evaluator)\s*[:：]\s*(you\b|ignore|disregard|forget|the (grader|judge|evaluator|rubric)|grade|score|award|give|assign|mark|new\b|override|all (criteria|key points)|this (answer|response))",
    r"\b(system|admin|developer)\s+override\b|\bcalibration mode\b|\byou are now\b|\bnew (system )?instructions?\s*[:：]|\bupdated (grading )?instructions?\s*[:：]",
    # "you are now a lenient grader"; not "we had GPT-4 act as the grader" (a design)
    r"(\b(you are|you're)\s+(now\s+)?|(^|[.!?:;]\s*)(act as|acting as|pretend to be)\s+)(a|an|the)?\s*([\w-]+\s+){0,2}(grader|judge|evaluator|scorer|assessor|examiner)\b",
    r"\brubric\b.{0,40}\b(retired|deprecated|void|no longer (applies|valid)|does not apply|superseded|suspended|waived)",
    r"\b(skip|bypass|disable|turn off|suspend)\b.{0,30}\b(key[- ]?points?|rubric|grading|scoring)\b",
    r"\"\s*(score|overall|level|grade|verdict|rating)\s*\"\s*:\s*\"?(4|5|10|100|full|max|pass)\b",
    r"\b(score|grade|level|rating|verdict)\s*[:=]\s*(4|5|10|100|a\+?|full|max|pass)\b(?!\s*[a-z%·*×+\-/^(])",
    r"\bjailbreak\b.{0,20}\b(grader|judge)\b",
    # a grade asked for in so many words, whoever is addressed
    r"\b(deserves?|merits?|warrants?)\s+(the\s+|a\s+)?(full|maximum|max|top|perfect|highest)\s+(marks|credit|score|points|band|grade|rating)\b",
    r"\b(mark|grade|score|count|record|rate)\s+(this|it|me|the answer)\s+(as\s+)?(a\s+)?(pass|passed|passing|complete|correct|strong hire|hire)\b",
    r"\b(score|grade|grading|rubric)\s+override\b|\boverride\s+(the\s+)?(score|grade|rubric)\b",
    r"\bend of (the\s+)?(candidate'?s?\s+)?(answer|response|submission)\b.{0,12}\b(begin|start)",
    r"\b(judge|model|ai|llm|reader|grader|reviewer|evaluator|system)s?\s+(\w+\s+){0,2}(reading|evaluating|grading|scoring|reviewing|marking)\s+this\b(?!\s+(approach|method|model|system|pipeline|design|change|pr|code|metric|benchmark|dataset|feature))",
    r"\bfinal (score|grade|verdict|rating)\s*[:：]\s*([45](\s*/\s*[45])?|10|100|pass|strong hire|a\+?)(?![\w.])|\bbegin (the\s+)?(grader|grading|evaluator|judge|scoring|review) instructions\b",
    r"^\W*end of (the\s+)?(candidate'?s?\s+)?(answer|response|submission)\W*$",
    r"\bif you are (a|an|the)?\s*([\w-]+\s+){0,2}(grader|judge|evaluator|scorer|grading model|llm judge)\b",
    r"\bautomatically (receives?|gets?|earns?|scores?)\b.{0,20}\b(full|maximum|max|top|perfect|highest)\b",
    r"\b(round|bump|raise|adjust)\s+(it\s+|this\s+|my score\s+|the score\s+)?(up\s+)?to\s+(a\s+)?[45](/[45])?\b(?!\s*[a-z%])",
    r"\b(rubric|criteria|criterion)\s*(items?|points?)?\s*(addressed|covered|met|satisfied)\s*[:：]",
    r"\b(assign|give|award)\b.{0,30}\b(score|grade|marks)\b.{0,40}\b(a|the) (complete|full|perfect) answer\b",
    r"\b(strict|harsh)\s+(grader|grading|judge|mode)?\s*(->|→|=>|to)\s*(lenient|generous)\b|\bleniency\s*[=:]|\bmin_?score\s*[=:]\s*[45]",
    r"(^|(?<![\w\])】>}'\"”]))\s*(/\*|>\s*\*\*|\*\*)\s*"
    + _GRADER_EN
    + r"\s*(note|notes|instructions?|memo|comment)?\s*\**\s*[:：]",
]
# Generic override phrases: an instruction when used, a mention when an answer about attacks quotes them.
_WEAK_EN = [
    r"\b(ignore|disregard|forget|override|bypass|neglect)\b.{0,40}\b(instructions?|rubric|prompt|rules?|criteria|guidelines?|above|previous|prior|everything|key points)",
]
_GRADER_ZH = r"(评委|评分员|评分者|评分人|评审员|评审人|阅卷人|阅卷老师|阅卷者|判卷|考官|打分人|打分者|打分模型|打分系统|评分系统|评分模型|评分程序|评分助手|评估者|裁判|批改者)"
_STRONG_ZH = [
    rf"(致|写给|转告|提醒|告诉|通知)\s*{_GRADER_ZH}\s*[:：,，]|(致|给|对|提醒|告诉|通知|写给|转告)\s*{_GRADER_ZH}.{{0,40}}{_TO_ME_ZH}",
    rf"{_GRADER_ZH}\s*(的)?\s*(说明|留言|指令|提示|备注|注意|请)\s*[:：]|{_GRADER_ZH}\s*(的)?\s*(说明|留言|指令|提示|备注|注意|请).{{0,40}}{_TO_ME_ZH}",
    rf"(请|务必|应当|应该|直接|麻烦|希望|恳请|烦请).{{0,20}}{_GRADER_ZH}.{{0,40}}{_TO_ME_ZH}",
    rf"{_GRADER_ZH}.{{0,30}}(满分|最高分|最高档|最高等级|[4四]\s*分|视为(已)?(覆盖|满足|完整)|判为满分|评为满分|给予满分|全部(要点|评分项)|所有(要点|评分项))",
    r"(请|烦请|恳请|麻烦)\s*(评审|评委|老师|考官|阅卷)\s*(给予?|按|打|评|判)",
    r"(请|烦请|恳请|麻烦|希望|务必).{0,60}(满分|最高档|最高分|最高等级|最高评价|满分计算)",
    r"(不要|别|无需|不用|请勿)\s*(列出|指出|报告|标出|提示|扣).{0,6}(任何)?(错误|问题|分)",
    r"(备注|说明|注|提示|注意|附言|ps|p\.s\.|系统提示|系统消息|系统说明|评分说明)\s*[:：].{0,80}(评分|打分|满分|最高|[4四]\s*分|等级|level|覆盖|全部要点|所有要点|视为|判为|给分)",
    r"(满分|最高分|最高等级|最高档|最高级别|顶级评分|[4四]\s*分|一百分|100\s*分)\s*(吧|哦|即可|就好|给我|谢谢)|"
    # "请给满分", "给本回答打满分"; not a design's "最终状态正确给满分" or "judge 打 4 分及以上算通过"
    r"(请|麻烦|烦请|恳请|希望)\s*(给|打|判|评|记)?\s*(我|本回答|该回答|这个回答|这份回答|候选人)?\s*(个|为|成)?\s*(满分|最高分|最高等级|最高档|[4四]\s*分|一百分|100\s*分)|"
    r"(给|打|判|评|记|应得|应该得|值得|理应)\s*(我|本回答|该回答|这个回答|这份回答|候选人)\s*(打|评|判)?\s*(个|为|成)?\s*(满分|最高分|最高等级|最高档|[4四]\s*分|一百分|100\s*分)",
    r"(候选人|考生|本回答|该回答|这个回答|这份回答|我的回答|上述回答|以上回答).{0,12}(已经|也|还|均|都|全部|完整|充分)?(覆盖|涵盖|提到|讲到|讨论|说明|回答|满足|达到)(了)?.{0,30}(所有|全部|每个|各个|以下|如下|要点|评分项|标准|维度|criteria)",
    r"(所有|全部|每个|各|每一)(个)?(评分项|评分点|要点|维度|评分标准|考察点).{0,12}(判|给|打|记|评|视为|算|覆盖|满足|均已|都已)",
    r"(系统|开发者|管理员)\s*(提示|指令|消息|覆盖|通知)\s*[:：】\]]",
    r"新(的)?指令\s*[:：]|你现在是|从现在起你",
    r"(评分|打分)(标准|规则).{0,10}(不适用|无效|作废|改为|暂停|取消)",
    r"(无需|不用|不必|跳过|不要)(对照|参考|比对|核对|检查).{0,8}(评分|标准|要点|rubric)",
    r"(按|照)(完整版?|满分|最高|完整回答)(本|的)?(版本|标准|档)?.{0,4}(给分|评分|打分|计分)",
    r"(视为|记为|算作|标记为|判定为|判为|评为).{0,4}(已?通过|满分|完整|满足|强烈推荐|录用)",
    r"(最终得分|总评|评分模式|评分配置|评分覆盖|建议评语).{0,4}[:：—]|(得分|评分|分数)\s*[:：]\s*\d|评分覆盖(?!率)",
    r"\"\s*(得分|分数|评分|结论|等级)\s*\"\s*[:：]\s*\"?(4|5|10|100|通过|满分|优秀)",
    r"(已|已经)(完整|全部|充分|隐含)?(地)?(覆盖|涵盖|满足)(了)?.{0,20}(评分点|评分项|评分标准|要点)|已覆盖的(评分项|评分点|要点)",
    r"如果你是.{0,10}(评分|评委|评审|阅卷|grader|judge)|自动(获得|得到|拿到)(满分|最高分|最高档)|(应得|应该得|理应得?)\s*(满分|最高分|最高档)",
    r"(相信|希望|感谢|恳请|拜托).{0,12}" + _GRADER_ZH + r".{0,30}(我的|我付出|给予|酌情|理解)",
    r"请.{0,10}(取整|上调|调整|提高|改)为?\s*[4四5五]\s*分|(分数|评分|打分)请|请.{0,6}(保持|维持)(同样|一致|相同)的?(分数|评分)",
    r"(以下|下面)(为|是)(评分|打分|阅卷)(指令|说明|规则)|(候选人|考生)回答(到此)?结束",
    r"(正在)?(阅读|评估|评阅|评分|批改|审阅)(这段文字|这段|本文本|本文|这篇|本回答|此文本|这份回答|本答案)(的)?(评委|评审|模型|ai|系统|人)",
    r"(评委|评审|阅卷|考官|评分器|评分系统|评审模型)\s*[:：]",
]
_WEAK_ZH = [
    # "忽略之前的所有指令", "无视评分标准"; not "模型可能无视提示词" or "STE 忽略 clamp，所有值都传梯度"
    r"(忽略|无视|忘记|忽视|不要理会|不用管|别管)(掉)?\s*(之前|以上|上面|前面|上述|所有|全部|一切|原有|原来)的?.{0,8}(评分|打分|规则|指令|标准|提示|要求|rubric|设定|说明)"
    r"|(忽略|无视|忘记|忽视|不要理会|不用管|别管)(掉)?.{0,6}(评分|打分|rubric|评分标准|评分规则)",
]
# Other languages: an answer in this interview has no reason to address a grader in them at all.
_FOREIGN = [
    r"\b(ignorier\w*|missacht\w*|vergiss|übergeh\w*)\b.{0,60}\b(anweisung\w*|bewertung\w*|kriterien|regeln|rubrik|vorgaben|instruktion\w*)",
    r"\b(volle|maximale|höchste|beste)\s+(punktzahl|punkte|bewertung|note|stufe)|\b(höchstnote|bestnote|höchstpunktzahl)\b|\b(bewerter\w*|prüfer\w*|gutachter\w*|korrektor\w*)\b",
    r"\b(ignorez|ignorer|oubliez|oublier)\b.{0,60}\b(instructions|consignes|critères|grille|barème)|\b(note|score) maximale|\b(correcteur|évaluateur|examinateur)\b",
    r"\b(ignora|olvida)\b.{0,60}\b(instrucciones|rúbrica|criterios)|\b(puntuación|nota|calificación) máxima|\b(evaluador|calificador)\b",
    r"(採点者|評価者|満点|採点基準を無視|채점자|만점|평가자)",
]
_FENCE_BREAK = re.compile(
    r"[-=#*_~]{2,}\s*(end|begin|start)\s+(of\s+)?(the\s+)?(candidate'?s?\s+)?(answer|response|submission|input|transcript)\s*[-=#*_~]{2,}|"
    r"</?\s*(untrusted[_\s-]*\w*|answer|system|instructions?|grader|rubric|assistant|user)\s*>|"
    r"<\|[a-z_]+\|>\s*(system|assistant|user|developer)\b|"  # a bare special token ("<|eot_id|> as a stop token") is a mention
    r"\[/?inst\]|<</?sys>>|</s>\s*(<s>|\[inst\]|system)|^\s*#{2,}\s*(system|instructions?|grader)\b|```\s*(system|instructions?)\b",
    re.IGNORECASE | re.MULTILINE,
)
_SELF_EN = re.compile(
    r"\b(this (answer|response|submission|reply|write-?up)|my (answers?|responses?|submission|reply|previous answers|earlier answers|intent|wording)|"
    r"the candidate(?=\s+(is|was|has|had|meets|met|should|deserves|did|does|covered|addressed|demonstrates|showed|shows|knows|answered|mentioned)\b)|"
    r"(did|does|has) the candidate|the (points|parts|items|sections) i (skipped|left out|omitted|missed)|i('ve| have)? (also |already |implicitly )(covered|addressed|met|satisfied)|"
    r"(grade|score|mark|rate|pass|advance|put) me\b|i deserve|the candidate'?s (answer|response)|(it|this) (satisfies|meets|covers|addresses) (every|all|each))",
    re.IGNORECASE,
)
"""The answer or its author as the object of a grade (see ``_about_own_grade``)."""
_GRADING_EN = re.compile(
    r"\b(scor(e|es|ed|ing)|grad(e|es|ed|ing)|graders?|marks|credit|rubric|criteri(on|a)|pass|pass/fail|top band|hire|advanced?|"
    r"every item|all items|full version|deserves?|evaluators?|reviewers?|judges?|thoroughly|top band|"
    r"address(es|ed)?|covers|covered|satisf(ies|ied)|meets)\b",
    re.IGNORECASE,
)
_SELF_ZH = re.compile(
    r"((?<![文样版剧底读课资成根基范标])本回答|该回答|这个回答|这份回答|这篇回答|此回答|我的回答|我的本意|(?<![文样版剧底读课资成根基范标])本答案|前面几题|候选人(的回答|已经?|在所有|展现|覆盖|讨论|是否|回答)|考生|我已经?(亲自)?(覆盖|涵盖|对照|检查)|"
    r"(上文|以上|上述|前面)(内容|回答|部分|每一个|各个)?.{0,20}(视为|记为|算作|一并|已覆盖|覆盖了|满足))"
)
_GRADING_ZH = re.compile(
    r"(评分|打分|给分|分数|得分|满分|评分项|评分点|评分标准|评分细则|rubric|通过|录用|评委|评审|阅卷|考官|视为|记为|算作|匹配|涵盖|覆盖|满足)"
)


def _about_own_grade(unquoted: str) -> bool:
    """The answer speaks of its own grade: it names itself or its author ("my answer", "the candidate
    meets", "本回答", "我已经对照") and, elsewhere in the sentence, grading ("rubric", "score", "评分项").
    An answer about evaluation names graders and scores all the time, never its own."""
    for own, grading in ((_SELF_EN, _GRADING_EN), (_SELF_ZH, _GRADING_ZH)):
        for m in own.finditer(unquoted):
            if any(g.end() <= m.start() or g.start() >= m.end() for g in grading.finditer(unquoted)):
                return True
    return False


_STRONG = [re.compile(p, re.IGNORECASE) for p in [*_STRONG_EN, *_STRONG_ZH, *_FOREIGN]]
_WEAK = [re.compile(p, re.IGNORECASE) for p in [*_WEAK_EN, *_WEAK_ZH]]
_QUOTED = re.compile(QUOTE_PAIRS + r"|`[^`\n]{0,200}`")
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'[^'\n]{1,200}'(?![\w'])")
_SIDE = re.compile(
    r"<!--.*?(-->|\Z)|【[^】]{0,400}】|\[[^\]\n]{0,400}\]|（[^）]{0,400}）|\([^)\n]{0,400}\)|\{[^{}]{0,400}\}|"
    r"(?:^|(?<=\s))(?:#|//)[^\n]*",
    re.DOTALL | re.MULTILINE,
)


def _addresses_grader(segment: str) -> bool:
    if _FENCE_BREAK.search(_INVISIBLE.sub("", segment)):
        return True
    for form in detection_forms(segment):
        unquoted = _SINGLE_QUOTED.sub(" ", _QUOTED.sub(" ", form))
        # words an answer quotes after "things like", "e.g." are a mention: the rules a team wrote for its
        # raters, a payload an attack uses
        if any(p.search(unquoted if _MENTION.search(unquoted) else form) for p in _STRONG):
            return True
        if not _MENTION.search(unquoted) and any(p.search(unquoted) for p in _WEAK):
            return True
        if _about_own_grade(unquoted):
            return True
    return False


_SCORE = re.compile(r"(?<![\w/.])[0-4]\s*/\s*4(?![\w/.])|\|\s*[0-4]\s*\|")
_SHEET_HEAD = re.compile(
    r"^\W*(evaluation|grading|grade|score|scoring|assessment|review|评分|评估|打分)\s*(result|report|summary|outcome|sheet|complete|completed|结果|报告|完成)s?\b|"
    r"\b(errors?|mistakes|issues)\s+(found|detected|identified)\s*[:：]\s*(none|0|no)\b|^\W*\|?\s*(criterion|criteria|评分项)\s*\|\s*(score|得分|分数)",
    re.IGNORECASE | re.MULTILINE,
)


def score_sheet(text: str) -> list[str]:
    """Lines of a forged score sheet: an answer that grades itself ("Hard budgets: 4/4", a
    "| Criterion | Score |" table, "Errors found: none") is speaking to the grader. Three or more
    scores out of 4, or a sheet heading, are needed: one "3/4 of the GPUs" is prose."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    scored = [ln for ln in lines if _SCORE.search(ln)]
    n_scores = sum(len(_SCORE.findall(ln)) for ln in lines)
    heads = [ln for ln in lines if _SHEET_HEAD.search(ln)]
    if n_scores < 3 and not (heads and n_scores >= 1):
        return []
    return [ln.strip() for ln in lines if ln in scored or ln in heads or re.fullmatch(r"\s*\|[-:| ]+\|\s*", ln)]


def find_injections(text: str, appeals: Callable[[str], Sequence[str]] | None = None) -> list[str]:
    """Parts of ``text`` that address a grader instead of answering: HTML comments, bracketed notes and
    code comments first, then whole sentences. Quoted override phrases in an answer about attacks are
    mentions, not instructions. ``appeals``, when given, reads the sentences the patterns let through
    by meaning and returns those addressed to the grader (``judge/appeals.py``)."""
    found: list[str] = []
    for m in _SIDE.finditer(text):
        seg = m.group(0)
        if seg.startswith("<!--") or _addresses_grader(seg):
            if seg.startswith("<!--") and not _addresses_grader(seg) and len(seg) < 12:
                continue
            found.append(seg)
    rest = text
    for seg in found:
        rest = rest.replace(seg, " ")
    sheet = score_sheet(rest)
    found.extend(sheet)
    for seg in sheet:
        rest = rest.replace(seg, " ")
    found.extend(s for s in split_sentences(rest) if _addresses_grader(s))
    if appeals is not None:
        found.extend(s for s in appeals(cut(rest, found)) if s in text)
    found.extend(_tainted_paragraphs(text, found))
    return found


TAINT_CHARS = 500
"""A paragraph this short that holds a grader-addressed sentence, comment or note is the payload as
a whole: its other sentences ("... the transcript was truncated.") and the code around a "# grader:"
comment are part of the same note and are dropped with it."""


def _tainted_paragraphs(text: str, found: list[str]) -> list[str]:
    """Short paragraphs (a code block among them) that hold something addressed to the grader."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        p = para.strip()
        if not p or len(p) > TAINT_CHARS:
            continue
        if cut(p, found) != cut(p, []):  # something in it was addressed to the grader
            out.append(p)
    return out


# -- term lists and padding ---------------------------------------------------------------------------
_HEDGES_EN = r"basically|essentially|it is (very |really )?important"
_HEDGES_ZH = r"说白了|其实就是|非常重要|很重要"
"""Fillers that hedge or stress rather than restate (see ``is_padding``)."""
_FILLER_EN = re.compile(
    r"\b(as i (said|mentioned)|in other words|to put it (another way|differently)|" + _HEDGES_EN + "|"
    r"at the end of the day|it goes without saying|needless to say|as (we|you) (all )?know|"
    r"to reiterate|again,|once again|that is to say|"
    # a recap announces that what follows was said already
    r"to sum (it |this |things )?up|to summari[sz]e|in (short|summary)(?=\s*[,:])|to wrap (it |this |things )?up|"
    r"all in all|long story short|so overall)\b",
    re.IGNORECASE,
)
_FILLER_ZH = re.compile(
    r"(正如我(刚才|前面|之前)?(所)?说|换句话说|也就是说|总而言之|总的来说|众所周知|再强调一下|再说一遍|"
    + _HEDGES_ZH
    + "|"
    r"综上所述|简而言之|总结一下)"
)
_FRAGMENT_SPLIT = re.compile(r"[,，、;；/|\n]+|\s[-–—·•]\s|^\s*[-*•]\s", re.MULTILINE)
_CJK_GLUE = set("的了是在把被和与而就都也要会能让用通过因为所以如果但对将从为时中个这那更先再后使得其并即则")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


@dataclass
class GuardReport:
    flags: list[str] = field(default_factory=list)
    clean_text: str = ""
    """The answer with text addressed to the grader removed."""
    injected: list[str] = field(default_factory=list)
    prose: str = ""
    """``clean_text`` without its code blocks."""
    code: list[str] = field(default_factory=list)
    stuffing_ratio: float = 0.0
    redundancy: float = 0.0
    diversity: float = 1.0

    def has(self, flag: str) -> bool:
        return flag in self.flags


def content_size(text: str) -> int:
    """Words for Latin text, characters/1.7 for Chinese (a rough word-equivalent)."""
    cjk = len(_CJK_CHAR.findall(text))
    latin = len(re.findall(r"[A-Za-z0-9]+", text))
    return latin + int(cjk / 1.7)


def term_list_share(text: str) -> tuple[float, int]:
    """(share of the text's characters that sit in 1-4-token fragments between separators, number of
    such fragments). A term list is nearly all short fragments; prose with a parenthetical list or a
    few bullets is not."""
    fragments = [f.strip() for f in _FRAGMENT_SPLIT.split(text) if f and f.strip()]
    if len(fragments) < 4:
        return 0.0, 0
    short = [f for f in fragments if len(tokenize(f, drop_stopwords=False)) <= 4]
    total = sum(len(f) for f in fragments)
    return (sum(len(f) for f in short) / total if total else 0.0), len(short)


def glue_ratio(text: str) -> tuple[float | None, float | None]:
    """Per script, how much of the text is grammatical glue: the share of function words among
    Latin tokens and of function characters among Chinese characters (None when a script has too
    little text to tell). Explanations have glue; a string of terms has almost none."""
    latin = [t for t in re.findall(r"[A-Za-z][A-Za-z'-]*", text.lower())]
    cjk = _CJK_CHAR.findall(text)
    lat = sum(1 for t in latin if t in STOPWORDS) / len(latin) if len(latin) >= 8 else None
    zh = sum(1 for c in cjk if c in _CJK_GLUE) / len(cjk) if len(cjk) >= 15 else None
    return lat, zh


def redundancy(text: str) -> float:
    """How much of the answer repeats itself: share of sentences whose content words mostly appeared
    before (and that bring no new figure), plus filler phrases. 0 for tight prose, approaching 1 for
    padding."""
    sents = split_sentences(text)
    if len(sents) < 3:
        return 0.0
    seen: Counter[str] = Counter()
    repeated = 0
    for s in sents:
        words = set(tokenize(s))
        # a sentence that brings a figure not said before ("Grok-1 is 314B, top-2") adds a fact
        new_figure = any(not seen[w] and any(c.isdigit() for c in w) for w in words)
        if words and not new_figure and sum(1 for w in words if seen[w]) / len(words) >= 0.6:
            repeated += 1
        seen.update(words)
    filler = len(_FILLER_EN.findall(text)) + len(_FILLER_ZH.findall(text))
    return min(1.0, repeated / len(sents) + 0.5 * filler / len(sents))


_INFLECTIONS = (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def lemma(token: str) -> str:
    """An English word without its inflection ("methods" and "method", "fixes" and "fix",
    "extrapolates" and "extrapolate", "growing" and "grows"), so that restating a point with
    another form of the same word is not counted as a new word. Crude on purpose: it only has to
    map the forms of one word alike, not to spell a dictionary form. Other tokens are unchanged."""
    if len(token) <= 3 or not (token.isascii() and token.isalpha()) or token.endswith("ss"):
        return token
    for suffix, repl in _INFLECTIONS:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)] + repl
            break
    return token[:-1] if len(token) > 4 and token.endswith("e") else token  # "cache", "caches", "cached"


def lexical_diversity(text: str, window: int = 40) -> float:
    """Moving-average type-token ratio of content words, each counted by its lemma: length-robust,
    low when an answer keeps restating the same few words (padding), high for prose that adds
    information as it goes. Notation is not words: single Latin letters and bare numbers ("w",
    "n", "p%w", "1") repeat in any dense formula and are left out."""
    tokens = [lemma(t) for t in tokenize(text) if not (t.isascii() and (len(t) == 1 or t.isdigit()))]
    if len(tokens) < window:
        return len(set(tokens)) / len(tokens) if tokens else 1.0
    spans = len(tokens) - window + 1
    return sum(len(set(tokens[i : i + window])) for i in range(spans)) / (window * spans)


PADDING_REDUNDANCY = 0.45
"""Share of restated sentences (and restatement phrases) that is padding on its own."""
PADDING_DIVERSITY = 0.82
"""Lexical diversity below which an answer that also restates itself at the sentence level (a
sentence of words said before, a recap, "in other words") is padding. Low diversity alone is not:
a terse answer names its subjects again and again ("K 头", "V 头", "query 头" in a GQA answer reads
0.69; a Chinese answer listing models and numbers 0.81, through jieba's overlapping search-mode
tokens and measure words), as often as padding repeats its few words."""


_HEDGE = re.compile(rf"\b({_HEDGES_EN})\b|{_HEDGES_ZH}", re.IGNORECASE)
"""The fillers that hedge or stress rather than restate: they count toward redundancy, but one of them
in a plain answer ("which is basically how GPT-3 was trained") is not the restatement that makes a
low-diversity answer padding."""


def _beyond_hedges(prose: str, redundancy: float) -> bool:
    """Some of ``redundancy`` comes from a restated sentence or a restatement phrase, not only hedges."""
    sents = len(split_sentences(prose))
    hedges = 0.5 * len(_HEDGE.findall(prose)) / sents if sents >= 3 else 0.0
    return redundancy > hedges + 1e-9


def is_padding(prose: str, redundancy: float, diversity: float) -> bool:
    """An answer long enough to tell that restates itself: many restated sentences, or few words
    used over and over together with at least one restatement (a hedge is not one)."""
    if content_size(prose) < 40:
        return False
    if redundancy >= PADDING_REDUNDANCY:
        return True
    return len(tokenize(prose)) >= 60 and diversity < PADDING_DIVERSITY and _beyond_hedges(prose, redundancy)


def is_term_list(prose: str, term_vocabulary: set[str] | None) -> tuple[bool, float]:
    """Keyword stuffing: the rubric's terms strung together with no explanation between them."""
    low = prose.lower()
    terms = sum(1 for t in term_vocabulary or () if t and t in low)
    share, n_short = term_list_share(prose)
    lat, zh = glue_ratio(prose)
    no_glue = (lat is not None or zh is not None) and (lat is None or lat < 0.06) and (zh is None or zh < 0.03)
    ratio = max(share, 1.0 if no_glue else 0.0)
    return terms >= 4 and content_size(prose) >= 8 and ((share >= 0.7 and n_short >= 6) or no_glue), round(ratio, 3)


def cut(text: str, segments: list[str]) -> str:
    """``text`` without ``segments``, longest first (a tainted paragraph goes before the sentences
    inside it, which would otherwise break its verbatim match)."""
    ordered = sorted(segments, key=len, reverse=True)
    while True:  # a sentence found after a side note was cut out matches only once the note is gone
        before = text
        for seg in ordered:
            text = text.replace(seg, " ")
        if text == before:
            return re.sub(r"[ \t]{2,}", " ", text).strip()


def check(
    answer: str, term_vocabulary: set[str] | None = None, appeals: Callable[[str], Sequence[str]] | None = None
) -> GuardReport:
    """Run every guard over ``answer``. ``term_vocabulary``: lower-cased alias terms of the question;
    ``appeals``: a reader of sentences addressed to the grader by meaning (see ``find_injections``)."""
    report = GuardReport(clean_text=answer)
    stripped = re.sub(r"[\s\W_]+", "", _INVISIBLE.sub("", answer), flags=re.UNICODE)
    if not stripped:
        report.flags.append("empty")
        report.clean_text = ""
        return report
    injected = find_injections(answer, appeals)
    if injected:
        report.flags.append("prompt_injection")
        report.injected = injected
        report.clean_text = cut(answer, injected)
    text = report.clean_text
    prose, report.code = split_code(text)
    report.prose = prose
    code_size = sum(content_size(b) for b in report.code)
    size = content_size(prose) + code_size
    if size < (8 if has_cjk(text) else 10):
        report.flags.append("too_short")
    stuffing, report.stuffing_ratio = is_term_list(prose, term_vocabulary)
    if stuffing and code_size < content_size(prose):
        report.flags.append("keyword_stuffing")
    report.redundancy = round(redundancy(prose), 3)
    report.diversity = round(lexical_diversity(prose), 3)
    if is_padding(prose, report.redundancy, report.diversity):
        report.flags.append("padding")
    return report
