"""Lexical claim checks: does a sentence negate a key point, bind it to a rival subject, state a
misconception's tell-tale phrase, or refute rather than assert what it mentions?

Pure functions over text; the offline judge combines them with embedding similarity. They are
deliberately conservative: a false "error" on a correct answer costs the candidate more than a
missed one, so each check fires only on a clear, local signal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from interviewer.domain import KeyPoint, Misconception, Question, Terms
from interviewer.judge.synonyms import EN_GROUPS, ZH_GROUPS
from interviewer.textproc import QUOTE_PAIRS, contains_term, has_cjk, normalize

# Negators that attach to the next few words. Chinese compounds that merely contain 不/无/非/未
# (不同 different, 非常 very, 未来 future, 无论 whatever, ...) are not negations.
_NEG_EN = re.compile(
    r"\b(not|no|never|none|nobody|neither|nor|cannot|can't|won't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|"
    r"hasn't|haven't|hadn't|shouldn't|wouldn't|couldn't|skip(ped)?|skipping|(?<!\bto )(?<!\bhelp )(?<!\bhelps )(?:stop(ped)?|avoid(ed|s|ing)?))\b"
)
# "without" and "lacks" are left out: correct answers use them for properties ("balanced without an
# auxiliary loss", "needs no reward model"), where they are part of the claim, not its denial.
_NEG_ZH = re.compile(r"(没有|没|不|无需|无须|无|未|别|非|并非|毫无|缺乏|缺少|跳过|省略)")
_NOT_NEG_ZH = re.compile(
    r"(不同|不仅|不断|不少|不过|不管|不久|不论|不但|不然|不一定|不妨|不错|不对|不稳定|非常|非线性|非对称|非结构化|非零|"
    r"未来|未知|有无|无论|无法|无损|无关|无限|无状态|无监督|除非|并非只|不只|不止|不光|无偏|不变|"
    r"(?<![并绝而])非(?=\s*[a-z0-9])|"  # "非 pad token", "非 MoE 层": the prefix "non-", as English "non-pad"
    r"(?P<a>[\u4e00-\u9fff])[不没](?P=a))"  # A-not-A asks, it does not deny: 是不是, 有没有, 需不需要
)
_REPORT = (
    r"misconception|myth|common mistake|wrong to (say|think|assume)|not true that|contrary to|people (often )?think|"
    r"some (people )?(say|think|believe|claim)|it'?s tempting to|a naive|naively|误区|误解|常见错误|有人认为|有人说|很多人以为|很多人认为"
)
"""Markers that report a claim as someone's belief: they may stand after it ("…, a common myth"), so
the whole sentence is reported, not stated."""
_CONTRAST = (
    r"instead\s*of|rather\s*than|isn'?t\s*that|doesn'?t\s*mean|does\s*not\s*mean|not\s*because|"
    r"并不是|不是说|而不是|而非|并不意味|不等于|以为"
)
"""Markers that set aside what follows them, up to the end of the clause: "use top-p sampling rather
than greedy decoding" rejects greedy decoding and states top-p sampling."""
_REPORTS = re.compile(f"({_REPORT})", re.IGNORECASE)
_CONTRASTS = re.compile(f"({_CONTRAST})", re.IGNORECASE)
_COMPARE = re.compile(
    r"\b(than|unlike|whereas|while|vs\.?|versus|compared|instead|rather|both|either|same as|like|beats?|outperforms?|"
    r"exceeds?|surpass(es)?|(better|worse) than|overtakes?)\b|"
    r"(比|相比|不同于|不一样|不同的是|而|与其|vs|对比|和.{0,8}一样|同样|超过|优于|胜过|强于|好于|不如|高于|低于|取代|替代)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # asked per unit and key point, and per misconception: one regex scan per sentence
def refutes(sentence: str) -> bool:
    """The sentence reports or rejects a claim (a myth, 'rather than', 'some think') instead of making it."""
    return reports(sentence) or _CONTRASTS.search(sentence) is not None


@lru_cache(maxsize=4096)  # asked per unit and misconception, like refutes
def reports(sentence: str) -> bool:
    """The sentence reports a claim as someone's belief or a myth: nothing in it is stated."""
    return _REPORTS.search(sentence) is not None


@lru_cache(maxsize=4096)  # asked per unit and misconception, like refutes
def contrasted(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` set aside by a contrast ("rather than …", "而不是 …", "以为 …"): from the
    marker to the end of its clause. What lies outside them is stated."""
    spans = []
    for m in _CONTRASTS.finditer(text):
        end = _CONTRAST_END.search(text, m.end())
        spans.append((m.start(), end.start() if end else len(text)))
    return tuple(spans)


def compares(sentence: str) -> bool:
    return _COMPARE.search(sentence) is not None


def _negators(text: str) -> list[tuple[int, int]]:
    """Spans of negators in lower-cased ``text``."""
    spans = [m.span() for m in _NEG_EN.finditer(text)]
    masked = _NOT_NEG_ZH.sub(lambda m: "_" * len(m.group(0)), text)
    spans.extend(m.span() for m in _NEG_ZH.finditer(masked))
    return spans


def has_negation(text: str) -> bool:
    return bool(_negators(normalize(text)))


_PASS_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "any",
        "some",
        "have",
        "had",
        "has",
        "having",
        "use",
        "used",
        "using",
        "do",
        "did",
        "does",
        "need",
        "needed",
        "run",
        "ran",
        "set",
        "up",
        "add",
        "added",
        "keep",
        "kept",
        "build",
        "built",
        "implement",
        "implemented",
        "enable",
        "enabled",
        "make",
        "made",
        "write",
        "wrote",
        "proper",
        "real",
        "single",
        "formal",
        "dedicated",
        "explicit",
        "clear",
        "our",
        "my",
        "their",
        "its",
        "own",
        "yet",
        "even",
        "ever",
        "been",
        "be",
    ]
)
"""Words a negation passes through to the term after them ("didn't have a proper rollback plan"). Any
other word in between takes the negation itself ("can't handle a big domain shift")."""
_PASS_ZH = re.compile(r"(做|用|加|设|有|搞|上|过|任何|建|配|开|启用|使用|采用|进行|了|的|个|一个)*")


_LIST_ZH = re.compile(r"(?:[^，。；,;！？!?:：()（）]{1,8}?(?:或者|或是|或|和|以及|与|跟|、|及))*")
_ITEM_EN = r"(?:[a-z0-9'-]+ ){0,2}[a-z0-9'-]+"
_LIST_EN = re.compile(rf"(?:(?:{_ITEM_EN}, )*{_ITEM_EN},? (?:or|and|nor) )?")


def _passes(gap: str, after_no: bool = False) -> bool:
    """The negation before ``gap`` reaches the term after it: nothing between them but words it passes
    through and, after "no" or a verb it passes ("didn't have"), the other items of a list ("no canary,
    staging or rollback plan", "没有灰度和回滚方案"). A list item is short and holds no turn, bracket or colon."""
    gap = gap.strip()
    if not gap:
        return True
    if re.search(r"[\u3400-\u9fff]", gap):
        squeezed = gap.replace(" ", "")
        head = _PASS_ZH.match(squeezed)
        rest = squeezed[head.end() :] if head else squeezed
        return _LIST_ZH.fullmatch(rest) is not None and not _turns(rest)
    words = re.findall(r"[a-z0-9'-]+|,", gap)
    i = 0
    while i < len(words) and words[i] in _PASS_EN:
        i += 1
    rest = " ".join(words[i:]).replace(" ,", ",")
    if not rest:
        return True
    return (after_no or i > 0) and _LIST_EN.fullmatch(rest + " ") is not None and not _turns(rest)


_DROP_ZH = r"(?:(?:其实|完全|都|也|就|直接)?(?:可以|能)?(?:省掉|省略|省去|去掉|砍掉|不用做|不用管|不需要|不必要|没必要|没有必要|可有可无|是多余的|多余))"
_DROP_EN = (
    r"(?:(?:is|are|was|were|seems?|feels?) (?:\w+ )?(?:unnecessary|not needed|not necessary|optional|overkill|a waste of time)|"
    r"(?:can|could|should) (?:\w+ )?be (?:skipped|dropped|omitted|left out))"
)
_DROP = re.compile(rf"{_DROP_ZH}|\b{_DROP_EN}\b")
_DROP_END = r"(?:[了的吧啊]*(?:[，。；,;！？!?:：)）]|$))"
_DROP_AFTER_ZH = re.compile(rf"([^，。；,;！？!?:：]{{0,6}}?){_DROP_ZH}{_DROP_END}")
_DROP_AFTER_EN = re.compile(
    rf"((?: [a-z0-9'-]+){{0,3}}?) {_DROP_EN}(?: (?:here|entirely|altogether|really|anyway))?(?:[,.;!?)]|$| and\b| so\b)"
)


def drops(text: str) -> bool:
    """``text`` says something can be left out ("可以省掉", "is unnecessary", "can be skipped")."""
    return _DROP.search(normalize(text)) is not None


def _dropped(after: str) -> bool:
    """The words right after a term say, unqualified, that it can be left out: "人工评估其实可以省掉",
    "a canary is overkill here." A turn between them ("…, but", "因为") leaves the term alone, and so does a
    qualifier after them ("overkill for a config change", "省掉很多麻烦"): that is judgement, not denial."""
    m = _DROP_AFTER_ZH.match(after) or _DROP_AFTER_EN.match(after)
    return m is not None and not _turns(m.group(1))


_STILL_DENIED = re.compile(r"的(情况|前提|条件|状态)")
"""After "无 X": "在无 X 的情况下" (with no X) denies X, as "无 X" alone does."""


def _free_of(low: str, start: int, end: int, term_start: int, term_end: int) -> bool:
    """ "无 X 的 Y" names a kind of Y, as "X-free Y" does ("无辅助损失的负载均衡" is aux-loss-free
    balancing, "无状态的服务" a stateless service): it describes Y, it does not deny X. "在无 X 的情况下"
    (with no X) still denies it."""
    after = low[term_end:].lstrip()
    return (
        low[start:end] == "无"
        and not low[end:term_start].strip()
        and after.startswith("的")
        and not _STILL_DENIED.match(after)
    )


def negated_term(sentence: str, terms: Iterable[str], window_en: int = 60, window_zh: int = 20) -> str | None:
    """A term of ``terms`` that ``sentence`` negates: a negator right before it ("no rollback plan",
    "didn't have a canary", "没有回滚方案", "不做灰度", "no canary or rollback plan"), with nothing between
    them but words the negation passes through or a list (``_passes``); or words right after it that say,
    unqualified, it can be left out ("人工评估其实可以省掉", ``_dropped``). Returns the term, or None."""
    low = normalize(sentence)
    negs = _negators(low)
    if not negs and not _DROP.search(low):
        return None
    for term in terms:
        t = normalize(term)
        # Only multi-word terms (or 3+ Chinese characters) name a practice or claim precisely enough.
        if not t or has_negation(t) or (len(t.split()) < 2 and len(re.findall(r"[\u3400-\u9fff]", t)) < 3):
            continue
        for m in re.finditer(re.escape(t), low):
            if _dropped(low[m.end() :]):
                return term
            for start, end in negs:
                gap = low[end : m.start()]
                if _free_of(low, start, end, m.start(), m.end()):
                    continue
                if 0 <= m.start() - end <= (window_zh if re.search(r"[\u3400-\u9fff]", t) else window_en) and _passes(
                    gap, low[start:end] in ("no", "nor", "neither")
                ):
                    return term
    return None


def subject_terms(kp: KeyPoint) -> list[str]:
    return kp.subject.en + kp.subject.zh if kp.subject else []


def all_subjects(question: Question) -> list[str]:
    """Every subject name the question's key points declare (the rivals it compares)."""
    out: list[str] = []
    for _, kp in question.rubric.key_points():
        out.extend(t for t in subject_terms(kp) if t not in out)
    return out


def rivals(question: Question, kp: KeyPoint) -> list[str]:
    """Subject names of the question's other key points that are not names of this one's subject."""
    own = {normalize(t) for t in subject_terms(kp)}
    out: list[str] = []
    for _, other in question.rubric.key_points():
        if other.id == kp.id or other.subject is None:
            continue
        for t in subject_terms(other):
            n = normalize(t)
            if n and n not in own and not any(n in o or o in n for o in own) and t not in out:
                out.append(t)
    return out


def mentions(sentence: str, terms: Iterable[str], inflected: bool = False) -> list[str]:
    """The ``terms`` the sentence names (``inflected``: in any English ending, see ``contains_term``)."""
    low = normalize(sentence)
    return [t for t in terms if contains_term(low, t, inflected)]


_DERIVED = re.compile(r"(?<=[a-z]{3})(ing|er)$")


def _family(term: str) -> list[str]:
    """``term`` and the verb it is made from, when its last word is an "-ing" or "-er" noun: "routing"
    and "router" are said as "route only hard queries to the 70B", "caching" as "cache the prefix"."""
    stem = _DERIVED.sub("", term)
    return [term] if stem == term or has_cjk(term) else [term, stem, stem + "e"]


def names_own_subject(sentence: str, kp: KeyPoint) -> bool:
    """The sentence names the key point's own subject in any English form of it ("route", "routed"
    for "routing"). Lenient on purpose: missing the point's own subject would take its credit away
    as if the sentence spoke of a rival."""
    return bool(mentions(sentence, [f for t in subject_terms(kp) for f in _family(t)], inflected=True))


def wrong_subject(sentence: str, question: Question, kp: KeyPoint) -> str | None:
    """The rival a sentence binds this key point's statement to, if it names a rival and not the key
    point's own subject and is not a comparison ("GQA shares one K/V head across all heads" for the
    MQA point). None otherwise."""
    if kp.subject is None or compares(sentence) or refutes(sentence):
        return None
    if names_own_subject(sentence, kp):
        return None
    own_text = normalize(f"{kp.text.zh} {kp.text.en}")
    # a rival the key point itself names ("HF now points new deployments to vLLM", for the TGI point)
    # is part of the point, not a wrong subject
    named = [t for t in mentions(sentence, rivals(question, kp)) if not contains_term(own_text, t)]
    return named[0] if named else None


def about_rival(sentence: str, question: Question, kp: KeyPoint) -> bool:
    """The sentence names another key point's subject and not this one's: what it denies is said of
    the rival ("DPO needs no reward model" is no denial of RLHF's reward model)."""
    return (
        kp.subject is not None
        and not names_own_subject(sentence, kp)
        and bool(mentions(sentence, rivals(question, kp)))
    )


GAP = "…"
"""In a misconception alias, parts that must appear in this order in one clause with a few words
between them: "most relevant … in the middle" matches "put the most relevant chunks right in the
middle". An alias without it matches as a whole term."""
_GAP_EN = r"[^.;!?\n]{0,40}?"
_GAP_ZH = r"[^。；！？.;!?\n]{0,12}?"
_SYMBOL_BEFORE = re.compile(r"(?<![a-z0-9])[a-z0-9]{1,2}\s*$")
_SYMBOL_AFTER = re.compile(r"\s*[a-z0-9]{1,2}(?![a-z0-9])")


def _item_break(low: str, i: int) -> bool:
    """The "、" at ``i`` separates two items of a Chinese list ("KV cache 16 GiB、fp32 全量 logits" are two
    facts), unless both items are one or two letters or digits: "Q、K" is one noun phrase."""
    return not (_SYMBOL_BEFORE.search(low[max(0, i - 4) : i]) and _SYMBOL_AFTER.match(low, i + 1))


_CLAUSE_END = re.compile(r"[;!?。；！？，:：\n—]|\.(?![0-9a-z_])|,(?![0-9])")
"""A clause ends at a stop, a comma, a colon or a dash, but not at the dot of "0.1" or "nn.Module" or the comma
of "1,000"."""
_CONTRAST_END = re.compile(
    rf"{_CLAUSE_END.pattern}|\b(but|because|since|whereas|though|although)\b|但|其实|实际上|而是|因为|反而",
    re.IGNORECASE,
)
"""Where what a contrast sets aside ends: its clause's end or a turn to another proposition."""


def _alternation(group: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(group, key=len, reverse=True)) + ")"


_SYN_ZH = {w.replace(" ", ""): _alternation([g.replace(" ", "") for g in group]) for group in ZH_GROUPS for w in group}
_SYN_EN = {w: _alternation(group) for group in EN_GROUPS for w in group}
_SYN_ZH_LONGEST = max((len(w) for w in _SYN_ZH), default=0)


_INFLECT = "(?:s|es|ed|d|ing)?"
_ARTICLES = frozenset({"the", "a", "an"})
_ARTICLE_GAP = r" (?:(?:the|a|an) )?"
"""Between two words of an English part: "page the on-call for every" matches "page on-call for every"."""


_PROPERTY = r"-(?:free|bound|less|agnostic|independent)(?![a-z])"
"""A compound that turns a word into a property of something else: "memory-bound" is not memory,
"aux-loss-free" is no loss. An alias part ending on the word does not match there."""


def _term_pattern(term: str, cjk: bool) -> str:
    """A part of an alias: Chinese as a substring; English as whole words that may take an
    inflection ("exact match" also matches "exact matches", "handle" "handles"), with or without
    articles between them. An everyday word matches its synonyms (``synonyms``: 逐渐 逐步, increase
    rise): candidates word the same claim differently."""
    if cjk:
        return _zh_part(term)
    words = term.split(" ")
    widen = any(w not in _SYN_EN for w in words)  # a part made only of everyday words stays exact
    content = [w for w in words if w not in _ARTICLES]
    if len(content) >= 2:  # loose about articles, as Chinese parts are about particles
        words, joiner = content, _ARTICLE_GAP
    else:
        joiner = re.escape(" ")
    body = joiner.join(
        (_SYN_EN.get(w) if widen else None) or _word(w, i == len(words) - 1) for i, w in enumerate(words)
    )
    return rf"(?<![a-z0-9]){body}(?![a-z0-9]|{_PROPERTY})"


_ENDINGS = ("ing", "ed", "es", "s", "e", "d")
_FORMS = "(?:e|es|ed|d|ing|s)?"


def _word(w: str, last: bool) -> str:
    """An English word of an alias in any of its forms: "reduces" also matches "reduce", "reduced" and
    "reducing", "share" "sharing"; British and American spellings alike ("generalise", "quantization").
    Words of up to three letters take an ending only at the end of the alias ("gpu" "gpus")."""
    if not w.isalpha():
        return re.escape(w) + (_INFLECT if last and w[-1:].isalpha() else "")
    if len(w) <= 3:
        return re.escape(w) + (_INFLECT if last else "")
    forms = [_spelt(w) + _INFLECT]
    if not w.endswith("ss"):
        end = next((e for e in _ENDINGS if w.endswith(e) and len(w) - len(e) >= 4), None)
        if end is not None:  # "embed" may be a stem, "based" a form: both are matched
            forms.append(_spelt(w[: -len(end)]) + _FORMS)
    return "(?:" + "|".join(forms) + ")" if len(forms) > 1 else forms[0]


def _spelt(letters: str) -> str:
    """The pattern of a run of letters, -ise and -ize alike ("quantisation", "normalize")."""
    return re.sub(r"i[sz](?=e?$|ation)", "i[sz]", letters)


def _zh_tokens(piece: str) -> list[tuple[str, str]]:
    """``piece`` as (text, pattern) tokens: a synonym word (longest first) as the alternation of its
    group, any other character as itself."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(piece):
        for n in range(min(_SYN_ZH_LONGEST, len(piece) - i), 1, -1):
            word = piece[i : i + n]
            if word in _SYN_ZH:
                out.append((word, _SYN_ZH[word]))
                i += n
                break
        else:
            out.append((piece[i], re.escape(piece[i])))
            i += 1
    return out


_TURN_EN = re.compile(
    r"\b(miss(es|ed)?|fails?|failed|struggles?|lacks?|weak|poor|bad|worse|instead|"
    r"because|since|but|whereas|although|though|unless)\b"
)
_HEDGES_ZH = "不一定|未必|不见得"
_TURN_ZH = re.compile(
    rf"(不擅长|做不好|搞不定|较弱|很弱|更差|较差|而是|反而|因为|由于|但是|但|不过|虽然|除非|也可以是|或者是|{_HEDGES_ZH})"
)
_HEDGE_ZH = re.compile(_HEDGES_ZH)
"""'Not necessarily': no negator (不一定 denies no term: "不一定需要 RM" does not say RM is unneeded), but
a claim after it is not asserted: "思维链不一定反映真实计算" does not say it reflects the computation."""


def _turns(gap: str) -> bool:
    """The words between an alias's parts deny or turn it: "dense retrieval misses exact matches"
    does not bind "dense" to "exact match". A connective ("because", "but", "因为") starts another
    proposition: "put the best chunks at the start because models lose stuff in the middle" does not
    put the best chunks in the middle."""
    return bool(_negators(gap) or _TURN_EN.search(gap) or _TURN_ZH.search(gap))


_PARTICLES = ("其实", "一个", "这个", "那个", "的", "了", "着", "就", "也", "都", "还", "是")
"""Chinese function words that come and go freely between speakers."""
_SKIP = "(?:" + "|".join(_PARTICLES) + ")*"
_PARTICLE_SPLIT = re.compile("(" + "|".join(_PARTICLES) + ")")


def _substantial(text: str) -> bool:
    """Enough left to be a claim: 4+ characters, 2+ of them Chinese."""
    return len(text) >= 4 and sum(1 for c in text if has_cjk(c)) >= 2


def _zh_part(part: str) -> str:
    """The pattern of a Chinese alias part, loose about function words (的, 了, 是, 就, 也, 一个 …):
    the alias "PPO 是离线的" matches "PPO 是离线算法", and "自洽性需要验证器" matches "自洽性需要一个验证器".
    Only a part with substance left without them (4+ characters, 2+ of them Chinese) is loose: in
    "goodput 就是 … 吞吐" or "值也就是对的" the function words are the claim, and the part stays exact."""
    pieces = [p for p in _PARTICLE_SPLIT.split(part.replace(" ", "")) if p]
    if not _substantial("".join(p for p in pieces if p not in _PARTICLES)):
        return re.escape("".join(pieces))
    tokens = {piece: _zh_tokens(piece) for piece in pieces if piece not in _PARTICLES}
    # synonyms widen the part only when the synonym is not the whole claim
    widen = _substantial("".join(t for toks in tokens.values() for t, _ in toks if t not in _SYN_ZH))
    out: list[str] = []
    prev_cjk = False
    for piece in pieces:
        if piece in _PARTICLES:
            out.append(f"(?:{piece})?")
            prev_cjk = False
            continue
        for text, pattern in tokens[piece]:
            pattern = pattern if widen or text not in _SYN_ZH else re.escape(text)
            if out and (has_cjk(text) or prev_cjk):
                out.append(_SKIP)
            out.append(pattern)
            prev_cjk = has_cjk(text[-1:])
    return "".join(out)


@cache
def alias_pattern(alias: str) -> re.Pattern[str] | None:
    """The compiled pattern of an alias (the bank has thousands: Python's own cache holds 512).
    Its groups alternate: part, gap, part, … (a plain alias is one group)."""
    parts = [normalize(p) for p in alias.split(GAP)]
    parts = [p for p in parts if p]
    if not parts:
        return None
    cjk = any(has_cjk(p) for p in parts)
    gap = f"({_GAP_ZH if cjk else _GAP_EN})"
    return re.compile(gap.join(f"({_term_pattern(p, cjk)})" for p in parts))


def compile_patterns(question: Question) -> None:
    """Compile the patterns of ``question``'s misconception aliases, key-point aliases and subjects
    (~10k in the bank; compiling a question's takes tens of milliseconds)."""
    for c in question.rubric.criteria:
        for kp in c.key_points:
            for term in (*kp.aliases.all(), *(a for m in kp.misconceptions for a in m.aliases.all())):
                alias_pattern(term)
    for term in all_subjects(question):
        alias_pattern(term)


def _term_spans(low: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = alias_pattern(term)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(low))
    return spans


def _alias_spans(
    low: str, alias: str, blockers: Sequence[str] = (), protected: Sequence[str] = ()
) -> list[tuple[int, int]]:
    """Where ``alias`` (plain or with ``…`` gaps) occurs in normalised text ``low``. A match is
    none when its gaps hold a negator, a turn ("misses", "而是") or one of ``blockers`` (another
    subject the question compares: "vector search is good at meaning, BM25 at product codes"), or
    when one of its parts lies inside a longer ``protected`` term, the name of the right idea
    ("… in the middle" inside "lost in the middle")."""
    pattern = alias_pattern(alias)
    matches = list(pattern.finditer(low)) if pattern is not None else []
    if not matches:  # most aliases: nothing more to read
        return []
    own = normalize(alias)
    stops = [b for b in blockers if b and not contains_term(own, b)]
    names = _term_spans(low, [t for t in protected if t]) if protected else []
    out: list[tuple[int, int]] = []
    for m in matches:
        groups = range(1, (m.re.groups or 0) + 1)
        gaps = [m.group(k) or "" for k in groups if k % 2 == 0]
        if any(_turns(g) or any(contains_term(g, b) for b in stops) for g in gaps):
            continue
        # a gap stays within one item of a list
        if any(low[i] == "、" and _item_break(low, i) for k in groups if k % 2 == 0 for i in range(*m.span(k))):
            continue
        parts = [m.span(k) for k in groups if k % 2 == 1]
        if any(a <= ps and pe <= b and (b - a) > (pe - ps) for ps, pe in parts for a, b in names):
            continue
        out.append(m.span())
    return out


def protected_terms(kp: KeyPoint, m: Misconception) -> tuple[str, ...]:
    """The key point's names that a part of ``m``'s phrases may not lie inside (``_alias_spans``): its
    aliases, less those ``m``'s own text uses. "lost in the middle" names the right idea, so "… in the
    middle" inside it binds nothing; but a misconception about the long-term decay ("RoPE 的长程衰减偏向
    开头") is stated through that very name, so its part "衰减" may match inside "长程衰减"."""
    own = [normalize(m.text.zh), normalize(m.text.en)]
    return tuple(a for a in kp.aliases.all() if not any(contains_term(t, a) for t in own))


def _clause_start(low: str, start: int) -> int:
    """Where the clause holding ``start`` begins: just after the last clause end before it."""
    return max((m.end() for m in _CLAUSE_END.finditer(low, 0, start)), default=0)


_RULED_OUT = re.compile(
    r"\b(?:cannot|can'?t|can not|should not|shouldn'?t|must not|mustn'?t|is not|isn'?t|are not|aren'?t|"
    r"it'?s not that|it is not that|there is no|there'?s no|not every|not all|does not|doesn'?t)\b(?!\s+matter)"
    r"|不能|不应该|不应|不该|不要|不可以|不可|不是|并不是|并非|绝不|千万别|切勿|不宜|别(?!人|的|处|名)"
)
"""A prohibition or a copular denial ("you cannot …", "should not …", "不能为了拿五折把 …", "不是把 …"): it
rules out the whole rest of its clause, however far the phrase stands from it ("query i does not look at the
w keys starting from itself going forward"). "don't"/"didn't" are not among them: "we don't wait for the
nightly job and route chat to the Batch API" tells a practice."""
_RESUMES = re.compile(
    r"\b(?:but|rather|instead|so|because|since|yet|though|although|while|whereas)\b|而是|但是|但|而|却|所以|因为|反而|只是"
)
"""Words after which a clause asserts again ("不是 A 而是 B" states B)."""


def _denied(low: str, start: int) -> bool:
    """The clause rejects what stands at ``start`` instead of claiming it: a negator shortly before it
    ("don't put the best chunk in the middle", "不要把最相关的放中间"), or a prohibition or copular denial
    anywhere before it in the clause with no turn since ("you should not do the softmax first and then
    zero out the probabilities", "不应该把这 5% 的账号全部封掉")."""
    clause = low[_clause_start(low, start) : start]
    zh = has_cjk(clause[-6:])
    # four words back, read with the word before them: "to stop X" is a purpose, "we stop X" a denial
    words = clause.split()[-5:]
    window, skip = (clause[-6:], 0) if zh else (" ".join(words), len(words[0]) + 1 if len(words) == 5 else 0)
    if any(at >= skip for at, _ in _negators(window)) or _HEDGE_ZH.search(window):
        return True
    ends = [m.end() for m in _RULED_OUT.finditer(clause)]
    return bool(ends) and _RESUMES.search(clause, ends[-1]) is None


_JUDGED_AFTER = re.compile(
    r"\s*(?:it\s+)?(?:(?:is|are|was|were)\s+(?:not|never)|isn'?t|aren'?t|wasn'?t|weren'?t|doesn'?t|does\s+not|don'?t|"
    r"won'?t|can'?t|cannot)\b|\s*(?:是|也|就|都)?(?:不现实|不可行|行不通|不可复现|不能复现|没法复现|不靠谱|不可取|没用)"
)
_VERDICT = re.compile(
    r"\b(?:is|are|was|were|it'?s|that'?s)\s+(?:not enough|not sufficient|insufficient|not fine|not ok(?:ay)?|a mistake|"
    r"wrong|a bad idea|risky|dangerous|misleading|a myth|false|not true|not the case|useless|pointless|unreliable)\b"
    r"|\b(?:does not|doesn'?t|do not|don'?t|did not|didn'?t)\s+(?:work|prove|help|hold|scale|mean|show)\b"
    r"|(?:并|也|都|是|就)?(?:不够|不足以|不足够|不能说明|不能证明|并不好|不可取|不靠谱|(?<!对)不对|是错的|是错误的|是误区|有风险|行不通|站不住|不是一回事|是两回事|两码事|不展开|不细讲|不赘述)"
)
"""A verdict on what was just named: "… is not enough", "… is risky", "… does not prove it", "…并不足以", "…是有风险的"."""
_VERDICT_NEAR = {False: 25, True: 6}
"""How far (characters) after the phrase a verdict may begin to be about it: a few words, a few characters."""


_LEAD = re.compile(
    r"\s*(?:(?:and|but|so|because|since|as|while|also|then|plus)\s+)*|\s*(?:因为|所以|但是|但|而且|并且|而)?\s*"
)


def _judged(low: str, start: int, end: int) -> bool:
    """The sentence judges the practice the phrase names instead of recommending it:
    - the phrase opens its clause and a negated verb follows it ("evaluating on the live internet isn't
      reproducible", "线上直接评测不可复现"); only a phrase that opens its clause is a subject: in "we set
      temperature 0 so the agent doesn't loop" the negated verb is part of the claim;
    - or a verdict follows it within a few words ("a survey asking users which features they want is not
      enough", "用和智能体同一个模型当评委并不好"), the phrase lying within one clause: in "KV cache 用 fp32
      存，bf16 精度不够" the verdict is about bf16, part of the claim."""
    if _JUDGED_AFTER.match(low, end) is not None:
        lead = _LEAD.match(low, _clause_start(low, start), start)
        if lead is not None and lead.end() == start:
            return True
    if _CLAUSE_END.search(low, start, end):
        return False
    stop = _CLAUSE_END.search(low, end)
    rest = low[end : stop.start() if stop else len(low)]
    verdict = _VERDICT.search(rest)
    return (
        verdict is not None
        and verdict.start() <= _VERDICT_NEAR[has_cjk(low[end - 1 : end] + rest[:1])]
        and _RESUMES.search(rest, 0, verdict.start()) is None
    )


# A stretch in quotation marks: words the answer mentions (a prompt it quotes, a phrase it names)
# rather than claims. Backticks, which the injection guard also reads as quoting, are not: code in
# backticks (`temperature=0`) is the candidate's own claim.
_QUOTED = re.compile(QUOTE_PAIRS)
_QUOTE_MARKS = frozenset('"“”「」『』‘’')


_THAN = re.compile(r"\bthan\s+|比")
_AFTER_THAN = re.compile(f"(?:{_THAN.pattern})$")


def compared_objects(m: Misconception) -> tuple[str, ...]:
    """What ``m``'s own wording compares against: the words after each "比" / "than" of its texts
    (normalised, Chinese without spaces), to the end of their clause (``alias_hit``'s ``objects``)."""
    return _compared_in(m.text.zh, m.text.en)


@cache
def _compared_in(*texts: str) -> tuple[str, ...]:
    out = []
    for text in texts:
        low = normalize(text)
        low = low.replace(" ", "") if has_cjk(low) else low
        for m in _THAN.finditer(low):
            end = _CLAUSE_END.search(low, m.end())
            out.append(low[m.end() : end.start() if end else len(low)])
    return tuple(o for o in out if o)


def _compared_to(low: str, start: int, objects: Sequence[str]) -> bool:
    """The phrase at ``start`` begins with the object of a comparison the misconception does not make."""
    if _AFTER_THAN.search(low, max(0, start - 6), start) is None:
        return False
    head = low[start : start + 2]
    return not any(o.startswith(head) for o in objects)


def _quoted(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(text)]


def alias_hit(
    sentence: str,
    aliases: Terms,
    blockers: Sequence[str] = (),
    protected: Sequence[str] = (),
    context: str | None = None,
    objects: Sequence[str] = (),
) -> str | None:
    """A misconception's tell-tale phrase in ``sentence``, stated rather than reported, denied,
    set aside or quoted: not in a sentence that reports a belief ("a common myth is …"), not right
    after a negator, not in what a contrast sets aside ("top-p rather than greedy decoding" states
    top-p), and not inside quotation marks (the bad prompt an incident story quotes as its cause),
    unless the phrase itself carries the quotes (we added "do not hallucinate"). ``context`` is the
    whole sentence when ``sentence`` is one of its clauses: a clause a contrast in it sets aside
    states nothing. Chinese aliases are matched in the text with spaces removed (as
    :func:`contains_term` does). A phrase that starts right after "比" / "than" starts with what is
    compared against and states nothing, unless the misconception itself compares against it
    (``objects``, from :func:`compared_objects`): "Gopher 比 Chinchilla 参数更多" does not say that
    Chinchilla has more parameters, while "比单次调用效果好就说明值得" is the claim itself."""
    if reports(sentence) or (context is not None and (reports(context) or _set_aside(sentence, context))):
        return None
    low = normalize(sentence)
    squeezed = low.replace(" ", "")
    names = {cjk: [t for t in protected if has_cjk(t) == cjk] for cjk in (False, True)}
    quotes = {False: _quoted(low), True: _quoted(squeezed)}
    aside = {False: contrasted(low), True: contrasted(squeezed)}
    for alias in aliases.all():
        cjk = has_cjk(alias)
        text = squeezed if cjk else low
        spans = _alias_spans(text, alias, blockers, names[cjk])
        mentioned = quotes[cjk] if not _QUOTE_MARKS.intersection(alias) else []
        if any(
            not _denied(text, start)
            and not _compared_to(text, start, objects)
            and not _judged(text, start, end)
            and not any(qs < start and end < qe for qs, qe in mentioned)
            and not any(cs < end and start < ce for cs, ce in aside[cjk])
            for start, end in spans
        ):
            return alias
    return None


def stated(question: Question, sentence: str) -> list[str]:
    """The ids of ``question``'s misconceptions whose tell-tale phrases ``sentence`` states, read
    alone (the offline judge reads clauses with their sentence as ``context``; see ``alias_hit``)."""
    subjects = all_subjects(question)
    return [
        m.id
        for _, kp in question.rubric.key_points()
        for m in kp.misconceptions
        if alias_hit(sentence, m.aliases, subjects, protected_terms(kp, m), objects=compared_objects(m))
    ]


@lru_cache(maxsize=4096)  # asked per clause and misconception
def _set_aside(clause: str, sentence: str) -> bool:
    """``clause`` lies in what a contrast of ``sentence`` sets aside ("而不是 A、B" split at "、")."""
    low, whole = normalize(clause), normalize(sentence)
    at = whole.find(low)
    return at > 0 and any(cs < at < ce for cs, ce in contrasted(whole))
