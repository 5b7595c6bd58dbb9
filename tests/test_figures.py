"""Figures: what a sentence's numbers count, and a misconception said by its number in any words."""

from __future__ import annotations

import pytest

from interviewer.agent.followup import challenge_text, sure
from interviewer.bank import load_bank
from interviewer.judge import claims, figures
from interviewer.lang_setting import Lang


def _read(text: str) -> list[tuple[float, str]]:
    return [(f.value, f.kind) for f in figures.figures(text)]


def test_a_figure_is_a_number_with_what_it_counts() -> None:
    assert _read("about 31 GB, 128 KiB per token") == [(31e9, "bytes"), (128e3, "bytes")]
    assert _read("PRM ~78% vs ORM 72%, a 2.1x saving") == [(78.0, "%"), (72.0, "%"), (2.1, "x")]
    assert _read("s1 used 1,000 traces; 37B active of 671B total") == [
        (1000.0, "n:trace"),
        (37e9, "n:active"),
        (671e9, "n:total"),
    ]
    assert _read("~20 tokens per parameter, 15T tokens") == [(20.0, "n:token/param"), (15e12, "n:token")]
    assert _read("p99 800 ms, 两张 80GB 卡, 约 2.1 倍, 300 题") == [
        (0.8, "seconds"),
        (80e9, "bytes"),
        (2.1, "x"),
        (300.0, "n:题"),
    ]
    assert _read("5B–500B tokens") == [(5e9, "n:token"), (500e9, "n:token")]  # a range gives both ends


@pytest.mark.parametrize(
    "text",
    [
        "Llama-3-8B and Mixtral 8x7B",  # numbers inside names identify, they do not claim
        "4-bit and 8-bit weights, top-2 routing",
        "a 70B model with RoPE base 10000",  # a model size in passing, a bare number
        "Hoffmann et al. 2022 trained many models",  # a year
        "Llama 3 models and v2.4",
    ],
)
def test_names_years_and_bare_numbers_are_no_figures(text: str) -> None:
    assert figures.figures(text) == ()


def _case():
    q = load_bank().questions["sd-rag-pipeline"]
    for _, kp in q.rubric.key_points():
        for m in kp.misconceptions:
            if m.id == "memory-estimate-off":
                return q, kp, m
    raise AssertionError("the bank lost memory-estimate-off")


def test_a_misconceptions_wrong_figure_is_the_one_its_correction_answers() -> None:
    _, kp, m = _case()
    assert {(f.value, f.kind) for f in figures.wrong(m, kp)} == {(3e9, "bytes")}  # corrected to ~31 GB
    # a figure the correction gives no other value for is not what a misconception gets wrong
    tts = load_bank().questions["fr-test-time-scaling"]
    said = [(m2, kp2) for _, kp2 in tts.rubric.key_points() for m2 in kp2.misconceptions if "14" in m2.text.en]
    assert said and all(not any(f.kind == "x" for f in figures.wrong(m2, kp2)) for m2, kp2 in said)


WRONG_3GB = [
    ("en", "Our 10M passages at 768 dims in fp32 come to roughly 3GB, so one box is plenty."),
    ("zh", "一千万条 embedding（每条 768 个 fp32 数）差不多 3 GB 出头，单机就能放下。"),
]
RIGHT_31GB = [
    ("en", "Our 10M passages at 768 dims in fp32 come to roughly 31GB before the index, so we shard."),
    ("zh", "一千万条 embedding（每条 768 个 fp32 数）差不多 31 GB 出头，还没算索引，得分片。"),
]


@pytest.mark.parametrize(("lang", "sentence"), WRONG_3GB)
def test_a_wrong_figure_is_an_error_in_any_words(offline, lang: Lang, sentence: str) -> None:
    """No tell-tale phrase of the misconception is in these sentences: only the number says it."""
    q, kp, m = _case()
    assert m.id not in claims.stated(q, sentence)
    errors = offline.coverage(q, sentence).errors
    assert [(e.kind, e.key_point.id, e.misconception.id if e.misconception else None) for e in errors] == [
        ("wrong_figure", kp.id, m.id)
    ]
    error = errors[0].claim_error(lang)
    assert "31" in error.correction and error.reference == m.note and error.quote in sentence
    assert sure(errors[0])  # said back to the candidate: a number is a clear claim
    asked = challenge_text(errors[0], lang)  # how they got the number, never the right one
    assert "3" in asked and "31" not in asked and ("arithmetic" in asked if lang == "en" else "怎么得出来" in asked)


@pytest.mark.parametrize(("lang", "sentence"), RIGHT_31GB)
def test_the_right_figure_is_no_error(offline, lang: str, sentence: str) -> None:
    q, _, _ = _case()
    assert offline.coverage(q, sentence).errors == []
