"""Retrieval over the reference notes: embedders, chunking, Chroma index, BM25 and hybrid fusion."""
