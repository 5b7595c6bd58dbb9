"""The padding guard: an answer that restates itself is flagged, in fresh words too; a real answer
that names its subjects again and again (terse, a list, numbers) is not. None of these answers is
in the eval sets."""

from __future__ import annotations

import pytest

from interviewer.judge import guards

FRESH_WORDS_PADDING = (
    "So the KV cache is, at its heart, a store for keys and values. Every time the model produces a new token, "
    "attention needs the keys and values of all earlier tokens, and rather than recomputing them from scratch, "
    "it simply reads what was cached. That's the whole trick, and it's why people call it a KV cache. Reading "
    "cached keys is much quicker than recomputing keys, so decoding gets faster, which matters when you're "
    "serving lots of users. There's a price, though: the cached values take memory, and that memory keeps "
    "growing as the sequence grows, so longer sequences cost more. To wrap up, the KV cache stores keys and "
    "values, it speeds up decoding by skipping recomputation, and it pays for that with memory that grows "
    "with sequence length."
)
"""Three facts, each said again in other forms of the same words ("cached", "caches", "grows",
"growing") and recapped at the end: no sentence repeats an earlier one word for word."""

TERSE_GQA_ZH = (
    "GQA 是把 query 头分组，每组共享一个 K 头和一个 V 头。MHA 是每个 query 头都有自己的 K 头和 V 头，MQA 是所有 query 头"
    "只共享一个 K 头和一个 V 头。Llama 2 70B 用的是 8 个 KV 头，64 个 query 头，KV cache 小了 8 倍，解码快很多，"
    "效果和 MHA 差不多。MQA 的 cache 最小，但效果会掉一点。已有的 MHA 模型可以把 K 头和 V 头做平均池化转成 GQA，"
    "再用 5% 的预训练算力继续训练。"
)
TERSE_CLIPPING_ZH = (
    "梯度裁剪有两种：按值裁剪和按范数裁剪。按值裁剪是把每个梯度分量限制在一个区间里，按范数裁剪是算所有参数梯度的"
    "全局 L2 范数，超过阈值就整体按比例缩小，方向不变。大模型训练一般用按范数裁剪，阈值取 1.0，"
    "因为 loss spike 时梯度范数会突然变大，裁剪能防止一步更新把参数带偏。混合精度下要先 unscale 梯度再裁剪，"
    "否则范数是按放大后的梯度算的。"
)
LIST_EN = (
    "Ways to cut p99 latency of an LLM endpoint, in the order I'd try them:\n"
    "- Cap max_tokens per route; long generations dominate the tail.\n"
    "- Continuous batching (vLLM) instead of static batches, so short requests don't wait for long ones.\n"
    "- Prefix caching for the shared system prompt: prefill drops from ~400 ms to ~60 ms.\n"
    "- Speculative decoding with a small draft model: 1.8-2.5x decode speed at the same quality.\n"
    "- Separate prefill and decode pools once traffic is steady, and autoscale on queue depth, not CPU.\n"
    "- Stream tokens, so time-to-first-token, not the full response, is what users wait for.\n"
    "In short, measure where the tail comes from before buying more GPUs."
)


def test_padding_in_fresh_words_is_flagged() -> None:
    report = guards.check(FRESH_WORDS_PADDING)
    assert "padding" in report.flags, (report.diversity, report.redundancy)


@pytest.mark.parametrize("answer", [TERSE_GQA_ZH, TERSE_CLIPPING_ZH], ids=["gqa", "clipping"])
def test_a_terse_answer_naming_its_subjects_again_is_not_padding(answer: str) -> None:
    # both read below the diversity threshold (0.69 and 0.79) with no sentence said twice
    report = guards.check(answer)
    assert "padding" not in report.flags
    assert report.diversity < guards.PADDING_DIVERSITY and report.redundancy == 0


def test_a_list_answer_with_a_closing_summary_is_not_padding() -> None:
    report = guards.check(LIST_EN)
    assert report.redundancy > 0  # "In short," is a recap
    assert "padding" not in report.flags


def test_the_same_sentences_said_again_are_padding_whatever_the_diversity() -> None:
    once = (
        "LoRA freezes W and learns a low-rank update BA; only A and B are trained, and BA merges into W for inference."
    )
    assert "padding" not in guards.check(once).flags
    assert "padding" in guards.check(" ".join([once] * 4)).flags


def test_inflected_forms_count_as_one_word() -> None:
    assert guards.lemma("methods") == guards.lemma("method")
    assert guards.lemma("fixes") == guards.lemma("fix")
    assert guards.lemma("caches") == guards.lemma("cached") == guards.lemma("caching") == guards.lemma("cache")
    assert guards.lemma("grows") == guards.lemma("growing")
    assert guards.lemma("loss") == "loss" and guards.lemma("bias") == guards.lemma("bias")
    assert guards.lemma("专家") == "专家" and guards.lemma("bf16") == "bf16"
    repeated = "methods fixes grows " * 20
    assert guards.lexical_diversity(repeated) == guards.lexical_diversity("method fix grow " * 20)


@pytest.mark.parametrize("answer", [TERSE_GQA_ZH, TERSE_CLIPPING_ZH], ids=["gqa", "clipping"])
def test_a_hedge_is_not_the_restatement_that_makes_a_terse_answer_padding(answer: str) -> None:
    """A dense answer reads low on diversity; one "说白了" (basically) in it restates nothing, while
    "换句话说" (in other words) announces a restatement."""
    hedged = answer.replace("MQA 的 cache", "说白了，MQA 的 cache").replace("大模型训练", "说白了，大模型训练")
    restated = hedged.replace("说白了", "换句话说")
    assert guards.check(hedged).redundancy > 0
    assert "padding" not in guards.check(hedged).flags
    assert "padding" in guards.check(restated).flags


def test_a_sentence_that_brings_a_new_figure_is_not_a_restatement() -> None:
    """A list of models with the same attributes repeats its words ("专家", "top-2"), but each new
    model brings figures not said before; the same figures said again are a restatement."""
    listing = (
        "Mixtral 8x7B 每层 8 个专家、每个 token 走 top-2，总参数约 47B。DeepSeek-V3 细粒度专家加共享专家，"
        "总 671B、激活 37B。Grok-1 是 314B、8 专家 top-2。"
    )
    again = listing + "Mixtral 是 8 专家 top-2。"
    assert guards.redundancy(listing) == 0.0
    assert guards.redundancy(again) > 0.0
