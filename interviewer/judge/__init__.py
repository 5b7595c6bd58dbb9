"""Judges: rubric grading with evidence. Offline (embeddings + aliases) or LLM (via interviewer.llm)."""
