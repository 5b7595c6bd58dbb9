"""Which sentences of a question's model answer serve as exemplars: the offline judge compares an
answer's sentences with them, and the bundled query vectors are built from the same list
(``python -m interviewer.rag.bundle``)."""

from __future__ import annotations

from interviewer.textproc import sentences


def exemplar_sentences(model_answer: str) -> list[str]:
    """The sentences of a model answer long enough to state something."""
    return [x for x in sentences(model_answer) if len(x.strip()) >= 12]
