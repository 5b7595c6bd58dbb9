"""interviewer: a terminal mock interviewer for senior AI / LLM engineering roles."""

__version__ = "0.1.0"
