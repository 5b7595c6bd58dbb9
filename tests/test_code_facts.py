"""Code earns the key points it implements: what a block of Python does, read off its syntax tree."""

from __future__ import annotations

from typing import Any

from interviewer.judge.code_facts import code_facts

REACT = """```python
import json, re

def react(question, llm, tools, max_steps=8):
    transcript = f"Question: {question}\\n"
    seen = set()
    for step in range(max_steps):
        out = llm(transcript + "Thought:", stop=["Observation:"])
        transcript += "Thought:" + out
        if "Final Answer:" in out:
            return out.split("Final Answer:")[-1].strip()
        m = re.search(r"Action:\\s*(\\w+)\\s*Action Input:\\s*(.*)", out, re.S)
        if not m:
            transcript += "\\nObservation: could not parse an action.\\n"
            continue
        name, arg = m.group(1), m.group(2).strip()
        if (name, arg) in seen:
            transcript += "\\nObservation: you already tried this; try something else.\\n"
            continue
        seen.add((name, arg))
        try:
            obs = tools[name](arg) if name in tools else f"unknown tool {name}"
        except Exception as e:
            obs = f"error: {e}"
        transcript += f"\\nObservation: {str(obs)[:2000]}\\n"
    return "stopped: step limit reached"
```"""


def _said(block: str) -> dict[str, str]:
    return {f.text: f.line for f in code_facts(block)}


def test_a_react_loop_says_what_it_guards_against() -> None:
    said = _said(REACT)
    lines = list(said.values())
    assert "for step in range(max_steps):" in lines  # the step limit
    assert 'return "stopped: step limit reached"' in lines  # the fallback after it
    assert "except Exception as e:" in lines  # tool errors caught
    assert "seen.add((name, arg))" in lines  # a repeated action detected
    assert any("truncated" in text for text in said)  # str(obs)[:2000]
    assert any("stop sequence" in text for text in said)
    for text, line in said.items():
        assert line in REACT, text  # every quote is a line of the answer


def test_code_that_does_nothing_of_the_kind_says_nothing() -> None:
    plain = "def attention(q, k, v):\n    for h in range(n_heads):\n        out = q[h] @ k[h].T\n    return out\n"
    assert code_facts(plain) == []  # a loop over heads is no step limit, and its return no fallback
    assert code_facts("def broken(:\n  pass") == []
    assert code_facts("x = items[:m]\ny = i % 2") == []  # a slice of valid entries, a parity test


def test_attention_code_says_how_it_masks_and_where_it_writes() -> None:
    block = (
        "def step(self, q, k, v):\n"
        "    slot = self.pos % self.window\n"
        "    self.k[slot] = k\n"
        "    s = q @ self.k.T / self.d ** 0.5\n"
        "    s = s.masked_fill(~self.valid, float('-inf'))\n"
        "    s = s - s.max(-1, keepdim=True).values\n"
        "    return s.softmax(-1) @ self.v\n"
    )
    texts = " ".join(_said(block))
    assert "ring buffer" in texts and "-inf" in texts and "numerical stability" in texts


def test_code_alone_covers_the_points_it_implements(services: Any) -> None:
    judge = services.offline_judge
    question = services.bank.questions["code-react-agent"]
    cov = judge.coverage(question, REACT)
    covered = {p.key_point.id for p in cov.covered()}
    assert {"max-steps", "repeat-detection", "tool-exceptions"} <= covered
    # the judge's own sentences are read for their meaning, never searched for the rubric's terms
    hits = {h for p in cov.points for h in p.alias_hits}
    assert "step limit" not in hits and "repeated action" not in hits
