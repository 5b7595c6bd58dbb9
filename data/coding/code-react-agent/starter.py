"""A ReAct agent from scratch. Implement ``run_agent``; ``support`` (provided) has Tool, the LLM
interface (``llm(messages, stop) -> str``), STOPPED and a ScriptedLLM fake to try it with."""

from __future__ import annotations

from support import LLM, STOPPED, Tool  # noqa: F401


def run_agent(question: str, llm: LLM, tools: list[Tool], max_steps: int = 5, max_obs_chars: int = 2000) -> str:
    """Answer ``question`` with a Thought / Action / Action Input / Observation loop.

    - messages[0] is a system prompt listing every tool's name and description and the format;
      messages[1] is the user's question;
    - every model call passes a stop list containing "Observation:";
    - "Final Answer: X" ends the loop and X (stripped) is returned;
    - otherwise parse "Action: NAME" / "Action Input: TEXT", run the tool, append the model's text as an
      assistant message and "Observation: RESULT" (cut to max_obs_chars) as a user message;
    - problems never raise: a malformed reply, an unknown tool (list the valid ones) or a tool exception
      becomes an observation starting with "Error:";
    - after max_steps model calls without a final answer, return STOPPED.
    """
    raise NotImplementedError
