"""What a block of Python code does, said in words, so that code earns the key points it implements.

The offline judge reads code through its comments and identifiers; a loop capped by ``max_steps``, a
``try``/``except`` around a tool call or a ``seen`` set that catches a repeated action says nothing in
either. This module reads the code's syntax tree for a few constructs that key points name in every
coding question (bounded loops and the fallback after them, caught exceptions, truncation, repeat
detection, parsing, timeouts, masking before a softmax, the max subtracted for stability, a ring buffer,
saved tensors for backward, tests and scripted fakes) and states each in one plain sentence, with the
line of code it was read from as the quote. Code that does not parse says nothing here. Pure functions.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

MAX_FACTS = 24
"""Facts per block at most: a long file says each kind of thing a few times."""


@dataclass(frozen=True)
class CodeFact:
    text: str
    """The sentence the judge reads."""
    line: str
    """The line of code it was read from (stripped): what the grade quotes."""


def _name(node: ast.AST) -> str:
    """A readable name for an expression: ``self.max_steps`` -> "max_steps", ``tools[name]`` -> "tools"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    if isinstance(node, ast.Call):
        return _name(node.func)
    if isinstance(node, ast.Constant):
        return repr(node.value)[:30]
    return ""


def _words(name: str) -> str:
    return name.replace("_", " ").strip()


def _calls(nodes: list[ast.stmt]) -> list[str]:
    found = [_name(n.func) for body in nodes for n in ast.walk(body) if isinstance(n, ast.Call)]
    return [c for c in dict.fromkeys(found) if c and c not in {"str", "len", "print", "isinstance", "int", "float"}]


def _is_neg_inf(node: ast.AST) -> bool:
    """-inf or a stand-in for it: float("-inf"), -math.inf, -1e9, torch.finfo(dtype).min."""
    text = ast.unparse(node).replace(" ", "").replace('"', "'").lower()
    return "'-inf'" in text or (text.startswith("-") and ("inf" in text or "1e" in text)) or "finfo(" in text


_LIMIT_WORDS = ("max", "limit", "budget", "step", "iter", "turn", "round", "retries", "attempt")
_SEEN_WORDS = ("seen", "visited", "history", "tried", "done")
_REGISTRY_WORDS = ("tool", "registry", "handler", "function", "action")


def _limit(name: str) -> bool:
    return any(w in name.lower() for w in _LIMIT_WORDS)


def _facts(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    for node in ast.walk(tree):
        yield from _loop(node)
        yield from _handler(node)
        yield from _call(node)
        yield from _misc(node)


def _loop(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    if isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and _name(node.iter.func) == "range":
        args = node.iter.args
        bound = _name(args[1] if len(args) > 1 else args[0]) if args else ""
        if _limit(bound):
            yield f"The loop runs at most {_words(bound)} times: a step limit caps it, so it cannot loop forever.", node
    if (
        isinstance(node, ast.While)
        and isinstance(node.test, ast.Compare)
        and any(_limit(_name(n)) for n in [node.test.left, *node.test.comparators])
    ):
        yield "The loop stops when a counter reaches its limit (a maximum number of iterations).", node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        body = node.body
        for i, stmt in enumerate(body[:-1]):
            early = isinstance(stmt, (ast.For, ast.While)) and any(isinstance(n, ast.Return) for n in ast.walk(stmt))
            after = next((s for s in body[i + 1 :] if isinstance(s, ast.Return)), None)
            if early and after is not None:
                yield (
                    "When the loop ends without an answer (the step limit is reached), the function still returns "
                    "a fallback result instead of failing or looping on.",
                    after,
                )
                break


def _handler(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    if not isinstance(node, ast.Try) or not node.handlers:
        return
    calls = _calls(node.body)
    what = f" raised by {', '.join(calls[:3])}" if calls else ""
    kinds = [_name(h.type) if h.type else "any error" for h in node.handlers]
    handled = any(
        isinstance(n, (ast.Return, ast.Assign, ast.AugAssign, ast.Expr, ast.Continue))
        for h in node.handlers
        for n in h.body
    )
    if handled:
        yield (
            f"Exceptions{what} are caught ({', '.join(kinds)}) and turned into an error result instead of crashing.",
            node.handlers[0],
        )
    if any(isinstance(n, ast.Raise) for h in node.handlers for n in h.body):
        yield f"Errors{what} are caught and re-raised with context.", node.handlers[0]


def _call(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    if not isinstance(node, ast.Call):
        return
    fn = _name(node.func)
    keys = {k.arg for k in node.keywords if k.arg}
    if "timeout" in keys:
        yield f"The call to {fn} has a timeout.", node
    if "stop" in keys:
        yield f"Generation from {fn} stops at a stop sequence.", node
    if (
        fn in ("search", "match", "fullmatch", "findall")
        and isinstance(node.func, ast.Attribute)
        and _name(node.func.value) == "re"
    ):
        yield "The model's output is parsed with a regular expression.", node
    if fn in ("loads", "model_validate_json", "parse_raw") or (
        fn == "load" and _name(getattr(node.func, "value", node)) == "json"
    ):
        yield "The output is parsed as JSON and validated.", node
    if fn in ("masked_fill", "masked_fill_", "where") and any(_is_neg_inf(a) for a in node.args):
        yield "Masked positions are set to -inf before the softmax, so they get zero attention weight.", node
    if fn == "softmax":
        yield "A softmax turns the scores into attention weights.", node
    if fn == "save_for_backward":
        yield "The forward pass saves the tensors the backward pass needs (ctx.save_for_backward).", node
    if fn in ("checkpoint", "checkpoint_sequential"):
        yield "Activation checkpointing recomputes activations in the backward pass to save memory.", node
    if fn == "add" and isinstance(node.func, ast.Attribute):
        target = _name(node.func.value)
        if any(w in target.lower() for w in _SEEN_WORDS):
            yield f"Each action is recorded in {_words(target)}, so a repeated identical action is detected.", node


def _is_row_max(node: ast.AST) -> bool:
    """``x.max(-1, keepdims=True)``, ``torch.max(s, dim=-1).values``, ``np.amax(s)``, ``logsumexp(s)``."""
    if isinstance(node, ast.Attribute) and node.attr == "values":
        node = node.value
    return isinstance(node, ast.Call) and _name(node.func) in ("max", "amax", "logsumexp")


def _subject(node: ast.AST) -> str:
    """What a slice cuts: ``str(obs)[:2000]`` cuts obs."""
    if isinstance(node, ast.Call) and _name(node.func) in ("str", "repr") and node.args:
        return _name(node.args[0])
    return _name(node)


def _misc(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        s = node.slice
        cap = s.upper
        if (
            s.lower is None
            and s.step is None
            and (
                (isinstance(cap, ast.Constant) and isinstance(cap.value, int) and cap.value >= 50)
                or (isinstance(cap, (ast.Name, ast.Attribute)) and _limit(_name(cap)))
            )
        ):
            what = _words(_subject(node.value)) or "the value"
            yield f"An over-long {what} is truncated: only its first {_words(_name(cap))} are kept.", node
    if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
        container = _name(node.comparators[0]).lower()
        left = node.left
        if any(w in container for w in _SEEN_WORDS):
            yield f"A repeated action is detected by checking {_words(container)} before acting.", node
        elif any(w in container for w in _REGISTRY_WORDS):
            yield (
                f"It checks that the requested name is registered in {_words(container)}; an unknown one is handled.",
                node,
            )
        elif isinstance(left, ast.Constant) and isinstance(left.value, str) and "answer" in left.value.lower():
            yield "The loop stops as soon as the model gives its final answer.", node
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.right, (ast.Name, ast.Attribute))
    ):
        size = _name(node.right)
        if size.lower().startswith(("w", "window", "size", "cap", "max", "n_slot", "slots", "buf")):
            yield f"Positions wrap around modulo {_words(size)}: a ring buffer that overwrites the oldest slot.", node
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and _is_row_max(node.right):
        yield "The row maximum is subtracted before exponentiating, for numerical stability.", node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
        yield f"A unit test, {node.name}, checks the behaviour with assertions.", node
    if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and any(
        w in node.name.lower() for w in ("fake", "mock", "scripted", "stub", "dummy")
    ):
        yield (
            f"{node.name} is a scripted fake that returns canned outputs, so the code is tested without a real model.",
            node,
        )
    if isinstance(node, ast.ClassDef) and any(_name(b) == "Function" for b in node.bases):
        yield f"{node.name} is a custom autograd Function with its own forward and backward.", node


def code_facts(block: str) -> list[CodeFact]:
    """The facts a Python code block states (see the module docstring), each once, in source order."""
    source = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith(("```", "~~~")))
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = source.splitlines()
    found: dict[str, tuple[int, str]] = {}
    for text, node in _facts(tree):
        row = getattr(node, "lineno", 0)
        line = lines[row - 1].strip() if 0 < row <= len(lines) else ""
        if text not in found and line:
            found[text] = (row, line)
    ordered = sorted(found.items(), key=lambda f: f[1][0])[:MAX_FACTS]
    return [CodeFact(text, line) for text, (_, line) in ordered]
