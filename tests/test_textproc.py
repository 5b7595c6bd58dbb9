"""Text processing shared by BM25, the guards and the offline judge."""

from __future__ import annotations

from interviewer.textproc import clauses, contains_term, normalize, tokenize


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
