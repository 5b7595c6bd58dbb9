"""Text processing shared by BM25, the guards and the offline judge."""

from __future__ import annotations

from interviewer.judge.units import answer_units
from interviewer.textproc import clauses, contains_term, normalize, split_clauses, tokenize


def test_chinese_terms_match_regardless_of_spacing_around_latin() -> None:
    assert contains_term(normalize("呈U形，中间最差"), "U 形")
    assert contains_term(normalize("KV 缓存太大"), "KV缓存")
    assert not contains_term(normalize("缓存命中率"), "KV缓存")


def test_latin_terms_match_whole_words_only() -> None:
    assert contains_term(normalize("We use RoPE here"), "rope")
    assert not contains_term(normalize("a tightrope walk"), "rope")
    assert contains_term(normalize("offset m−n"), "m-n")


def test_tokenize_segments_chinese_and_drops_stopwords() -> None:
    tokens = tokenize("旋转位置编码的相对位置 and the RoPE")
    assert "rope" in tokens and "the" not in tokens and "的" not in tokens
    assert any("位置" in t for t in tokens)


def test_clauses_split_both_languages() -> None:
    units = clauses("First point here. Second point there! 第一点在这里。第二点在那里？")
    assert len(units) == 4


def test_clauses_keep_brackets_quotes_and_numbers_whole() -> None:
    sentence = (
        "DPO trains directly on (chosen, rejected) pairs against a frozen reference, "
        "which keeps the 1,000 examples cheap: no reward model"
    )
    assert split_clauses(sentence) == [
        "DPO trains directly on (chosen, rejected) pairs against a frozen reference",
        "which keeps the 1,000 examples cheap",
        "no reward model",
    ]
    assert split_clauses("他说“不是 A，而是 B”，然后（按 p99、p50 两个分位）看延迟") == [
        "他说“不是 A，而是 B”",
        "然后（按 p99、p50 两个分位）看延迟",
    ]
    # a bracket that never closes protects nothing; "http://" and "12:30" are not clause breaks
    assert split_clauses("1) first item, 2) second item at 12:30, see http://x.y") == [
        "1) first item",
        "2) second item at 12:30",
        "see http://x.y",
    ]


def test_the_judge_reads_no_clause_cut_inside_brackets() -> None:
    answer = (
        "PPO needs four models in memory (policy, reference, reward, value), which is why it is expensive "
        "and finicky to tune at scale."
    )
    units = [u.text for u in answer_units(answer)]
    assert "PPO needs four models in memory (policy, reference, reward, value)" in units
    assert not any(u.endswith("(policy") or u.startswith("value)") for u in units)


def test_an_inflected_term_is_found_only_when_asked_for() -> None:
    said = normalize("Quality: we A/B tested it, kept two rollbacks ready and were caching the prefix.")
    for term in ("a/b test", "rollback", "cache"):
        assert not contains_term(said, term)
        assert contains_term(said, term, inflected=True)
    assert not contains_term(normalize("fragments of text"), "rag", inflected=True)
    assert not contains_term(normalize("testament"), "test", inflected=True)
