"""Public tests: run them as often as you like."""

from solution import run_agent
from support import ScriptedLLM, Tool


def _calc():
    return Tool("calculator", "evaluates an arithmetic expression", lambda s: str(eval(s, {"__builtins__": {}})))


def test_immediate_final_answer():
    llm = ScriptedLLM(["Thought: I know this.\nFinal Answer: Paris"])
    assert run_agent("Capital of France?", llm, [_calc()]) == "Paris"
    assert len(llm.calls) == 1, f"expected one model call, got {len(llm.calls)}"


def test_one_tool_call_then_answer():
    llm = ScriptedLLM(["Thought: compute\nAction: calculator\nAction Input: 6*7", "Final Answer: 42"])
    assert run_agent("What is 6*7?", llm, [_calc()]) == "42"
    second = llm.calls[1][0]
    assert any("42" in m["content"] for m in second[2:]), "the tool's result never reached the model"
