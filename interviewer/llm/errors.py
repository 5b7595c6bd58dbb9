"""Errors of the LLM layer."""

from __future__ import annotations


class LLMError(Exception):
    """An LLM call failed for good (after retries): the caller falls back to the offline engine."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind

    @property
    def transport(self) -> bool:
        """The provider could not be reached or kept failing (timeouts, connection, 429, 5xx), as
        opposed to a reply that was merely invalid or a request it rejected."""
        return self.kind in TRANSPORT_KINDS


TRANSPORT_KINDS = frozenset(
    {
        "timeout",
        "Timeout",
        "APIConnectionError",
        "InternalServerError",
        "ServiceUnavailableError",
        "BadGatewayError",
        "RateLimitError",
        "APIError",
    }
)
