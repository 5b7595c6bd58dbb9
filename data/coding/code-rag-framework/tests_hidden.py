"""Hidden tests: used for the grade."""

from solution import RAG, chunk_text
from support import NOT_IN_CONTEXT, FakeLLM, HashEmbedder

TEXT = "".join(f"sentence {i} about topic {i % 7}. " for i in range(60))
DOCS = {
    "kv.md": "The KV cache stores keys and values of past tokens so decoding does not recompute them.",
    "rope.md": "RoPE rotates query and key vectors by an angle that depends on the token position.",
    "lora.md": "LoRA freezes the base weights and trains two low rank matrices added to each layer.",
    "moe.md": "A mixture of experts routes each token to a few expert feed forward networks.",
}


def _rag(llm=None, **kw):
    rag = RAG(HashEmbedder(), llm or FakeLLM(), **kw)
    for source, text in DOCS.items():
        rag.add(source, text)
    return rag


def test_chunks_respect_size_and_overlap():
    chunks = chunk_text(TEXT, size=120, overlap=30)
    assert chunks, "no chunks"
    assert all(0 < len(c) <= 120 for c in chunks), f"chunk sizes {[len(c) for c in chunks]} (max 120)"
    for a, b in zip(chunks, chunks[1:], strict=False):  # noqa: RUF007
        assert a[-30:] == b[:30], "consecutive chunks must overlap by exactly 30 characters"


def test_chunks_cover_the_whole_text():
    chunks = chunk_text(TEXT, size=120, overlap=30)
    rebuilt = chunks[0] + "".join(c[30:] for c in chunks[1:])
    assert rebuilt == TEXT, f"chunks lose text: rebuilt {len(rebuilt)} of {len(TEXT)} characters"
    assert chunk_text("", 10, 2) == [], "empty text must give no chunks"


def test_add_returns_chunk_count():
    rag = RAG(HashEmbedder(), FakeLLM(), chunk_size=120, overlap=30)
    assert rag.add("t.md", TEXT) == len(chunk_text(TEXT, 120, 30))


def test_best_hit_first_and_at_most_k():
    rag = _rag(k=2, min_score=0.0)
    hits = rag.retrieve("how does the KV cache store keys and values")
    assert len(hits) <= 2, f"k=2 but {len(hits)} hits"
    assert hits[0].source == "kv.md", f"best hit should be kv.md, got {[h.source for h in hits]}"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True), f"hits must be best first: {scores}"


def test_min_score_filters_hits():
    rag = _rag(min_score=0.2)
    hits = rag.retrieve("rotates query key angle position")
    assert hits and all(h.score >= 0.2 for h in hits), f"scores {[round(h.score, 3) for h in hits]} below min_score"
    assert hits[0].source == "rope.md"


def test_refuses_without_calling_the_llm():
    llm = FakeLLM()
    answer = _rag(llm).answer("capital city mongolia ulaanbaatar")
    assert answer.text == NOT_IN_CONTEXT and answer.sources == [], f"expected a refusal, got {answer}"
    assert llm.prompts == [], "the LLM must not be called when nothing relevant was retrieved"


def test_prompt_has_context_with_citations_and_question():
    llm = FakeLLM(reply="LoRA trains low rank matrices [lora.md].")
    question = "what does LoRA freeze and train"
    answer = _rag(llm).answer(question)
    assert len(llm.prompts) == 1, f"expected one LLM call, got {len(llm.prompts)}"
    prompt = llm.prompts[0]
    assert question in prompt, "the question must be in the prompt"
    assert "[lora.md]" in prompt and DOCS["lora.md"] in prompt, "each retrieved chunk must appear tagged with [source]"
    assert "only" in prompt.lower() and "know" in prompt.lower(), (
        "the prompt must say: answer only from the context, else say you don't know"
    )
    assert answer.text == "LoRA trains low rank matrices [lora.md]."
    assert answer.sources and answer.sources[0] == "lora.md", f"sources {answer.sources}"


def test_sources_listed_once_best_first():
    rag = RAG(HashEmbedder(), FakeLLM(), chunk_size=60, overlap=10, k=4, min_score=0.05)
    rag.add("long.md", "experts route tokens. " * 12)
    rag.add("other.md", "tokens are routed to experts by a gate.")
    answer = rag.answer("route tokens to experts")
    assert len(answer.sources) == len(set(answer.sources)), f"duplicate sources: {answer.sources}"
