"""Hidden tests: used for the grade."""

from solution import run_agent
from support import STOPPED, ScriptedLLM, Tool


def _tools(log=None):
    def calc(s):
        if log is not None:
            log.append(s)
        return str(eval(s, {"__builtins__": {}}))

    def boom(s):
        raise ValueError("backend down")

    return [
        Tool("calculator", "evaluates an arithmetic expression", calc),
        Tool("search", "looks up a fact on the web", lambda s: f"result for {s}"),
        Tool("flaky", "a tool that always fails", boom),
    ]


def _observations(messages):
    return [m for m in messages if "Observation:" in m["content"]]


def test_system_prompt_lists_tools_and_question_follows():
    llm = ScriptedLLM(["Final Answer: ok"])
    run_agent("hello?", llm, _tools())
    messages = llm.calls[0][0]
    assert messages[0]["role"] == "system", "messages[0] must be the system prompt"
    for name, desc in (("calculator", "arithmetic"), ("search", "looks up a fact")):
        assert name in messages[0]["content"] and desc in messages[0]["content"], (
            f"tool {name} and its description must be in the system prompt"
        )
    assert messages[1] == {"role": "user", "content": "hello?"}, "messages[1] must be the user's question"


def test_stop_sequence_on_every_call():
    llm = ScriptedLLM(["Action: search\nAction Input: x", "Final Answer: done"])
    run_agent("q", llm, _tools())
    for i, (_, stop) in enumerate(llm.calls):
        assert any(s.strip() == "Observation:" for s in stop), (
            f"call {i + 1} had no 'Observation:' stop sequence: {stop}"
        )


def test_hallucinated_observation_is_not_trusted():
    llm = ScriptedLLM(["Action: calculator\nAction Input: 2+2\nObservation: 5\nFinal Answer: 5", "Final Answer: 4"])
    assert run_agent("2+2?", llm, _tools()) == "4", (
        "the model's invented observation was used (pass stop=['Observation:'])"
    )


def test_observation_fed_back_as_user_message():
    log = []
    llm = ScriptedLLM(["Thought: t\nAction: calculator\nAction Input: 3*5", "Final Answer: 15"])
    assert run_agent("3*5?", llm, _tools(log)) == "15"
    assert log == ["3*5"], f"the tool was called with {log}, expected ['3*5']"
    messages = llm.calls[1][0]
    assert messages[2]["role"] == "assistant" and "Action: calculator" in messages[2]["content"], (
        "the model's step must be appended as an assistant message"
    )
    obs = _observations(messages[3:])
    assert obs and obs[0]["role"] == "user" and "15" in obs[0]["content"], (
        "the observation must come back as a user message 'Observation: 15'"
    )


def test_unknown_tool_becomes_an_error_observation():
    llm = ScriptedLLM(["Action: weather\nAction Input: Paris", "Final Answer: sorry"])
    assert run_agent("weather?", llm, _tools()) == "sorry"
    obs = _observations(llm.calls[1][0])
    assert obs, "no observation after an unknown tool"
    text = obs[-1]["content"]
    assert "Error:" in text and "calculator" in text and "search" in text, (
        f"the error must list the valid tools: {text!r}"
    )


def test_malformed_output_becomes_an_error_observation():
    llm = ScriptedLLM(["I think I should search somehow", "Final Answer: fine"])
    assert run_agent("q", llm, _tools()) == "fine"
    obs = _observations(llm.calls[1][0])
    assert obs and "Error:" in obs[-1]["content"], "a malformed reply must be answered with an 'Error:' observation"


def test_tool_exception_becomes_an_error_observation():
    llm = ScriptedLLM(["Action: flaky\nAction Input: x", "Final Answer: gave up"])
    assert run_agent("q", llm, _tools()) == "gave up"
    obs = _observations(llm.calls[1][0])
    assert obs and "Error:" in obs[-1]["content"] and "backend down" in obs[-1]["content"], (
        "the tool's exception must reach the model as 'Error: ...'"
    )


def test_max_steps_stops_the_loop():
    llm = ScriptedLLM(["Action: search\nAction Input: again"] * 10)
    assert run_agent("q", llm, _tools(), max_steps=3) == STOPPED
    assert len(llm.calls) == 3, f"max_steps=3 but the model was called {len(llm.calls)} times"


def test_final_answer_wins_over_an_action():
    log = []
    llm = ScriptedLLM(["Thought: done\nAction: calculator\nAction Input: 1+1\nFinal Answer: 7"])
    assert run_agent("q", llm, _tools(log)) == "7"
    assert log == [], "the output had a Final Answer: the tool must not run"


def test_action_word_inside_a_thought():
    log = []
    llm = ScriptedLLM(
        ["Thought: the right Action: is clear\nAction: calculator\nAction Input: 10-3", "Final Answer: 7"]
    )
    assert run_agent("q", llm, _tools(log)) == "7"
    assert log == ["10-3"], f"parsed the wrong action (tool calls: {log})"


def test_long_observation_is_truncated():
    big = Tool("dump", "returns a huge page", lambda s: "x" * 50_000)
    llm = ScriptedLLM(["Action: dump\nAction Input: page", "Final Answer: ok"])
    run_agent("q", llm, [big], max_obs_chars=100)
    obs = _observations(llm.calls[1][0])
    assert obs and len(obs[-1]["content"]) < 200, (
        f"observation of {len(obs[-1]['content']) if obs else 0} characters with max_obs_chars=100"
    )
