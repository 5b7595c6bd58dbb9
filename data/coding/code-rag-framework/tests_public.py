"""Public tests: run them as often as you like."""

from solution import RAG, chunk_text
from support import NOT_IN_CONTEXT, FakeLLM, HashEmbedder


def test_short_text_is_one_chunk():
    assert chunk_text("hello world", size=50, overlap=10) == ["hello world"]


def test_retrieves_the_matching_document():
    rag = RAG(HashEmbedder(), FakeLLM(), chunk_size=100, overlap=20)
    rag.add("cats.md", "Cats purr and sleep most of the day.")
    rag.add("rust.md", "Rust has ownership and borrowing rules.")
    hits = rag.retrieve("why do cats purr")
    assert hits and hits[0].source == "cats.md", f"best hit should be cats.md, got {[h.source for h in hits]}"


def test_unrelated_question_is_refused():
    llm = FakeLLM()
    rag = RAG(HashEmbedder(), llm)
    rag.add("cats.md", "Cats purr and sleep most of the day.")
    assert rag.answer("quantum chromodynamics lattice").text == NOT_IN_CONTEXT
