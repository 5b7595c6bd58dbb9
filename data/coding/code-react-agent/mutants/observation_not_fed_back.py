# ruff: noqa  (a deliberately broken solution: the hidden tests must catch it)
"""Mutant (observation_not_fed_back): a ReAct loop with anchored parsing, a stop sequence and errors as observations."""

from __future__ import annotations

import re

from support import LLM, STOPPED, Tool

ACTION = re.compile(r"^\s*Action:\s*(?P<name>[^\n]+?)\s*\n\s*Action Input:\s*(?P<input>.*)", re.S | re.M)
FINAL = re.compile(r"^\s*Final Answer:\s*(?P<answer>.*)", re.S | re.M)
FORMAT = "Thought: ...\nAction: <tool name>\nAction Input: <input>\n(or) Final Answer: <answer>"


def _system_prompt(tools: list[Tool]) -> str:
    listing = "\n".join(f"- {t.name}: {t.description}" for t in tools)
    return f"Answer the question. You can use these tools:\n{listing}\n\nUse this format:\n{FORMAT}"


def run_agent(question: str, llm: LLM, tools: list[Tool], max_steps: int = 5, max_obs_chars: int = 2000) -> str:
    registry = {t.name: t for t in tools}
    messages = [{"role": "system", "content": _system_prompt(tools)}, {"role": "user", "content": question}]
    for _ in range(max_steps):
        text = llm(messages, ["\nObservation:", "Observation:"])
        final = FINAL.search(text)
        if final:
            return final.group("answer").strip()
        action = ACTION.search(text)
        if action is None:
            observation = f"Error: could not parse an action. Use the format:\n{FORMAT}"
        else:
            name, arg = action.group("name").strip(), action.group("input").strip()
            tool = registry.get(name)
            if tool is None:
                observation = f"Error: unknown tool {name!r}; valid tools: {', '.join(registry)}"
            else:
                try:
                    observation = str(tool.func(arg))
                except Exception as exc:
                    observation = f"Error: {type(exc).__name__}: {exc}"
        messages.append({"role": "assistant", "content": text})
        print(f"Observation: {observation[:max_obs_chars]}")
    return STOPPED
