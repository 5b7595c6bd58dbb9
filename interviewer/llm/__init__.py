"""LLM layer: one client module (the only litellm importer), prompt templates, and a scripted fake."""
