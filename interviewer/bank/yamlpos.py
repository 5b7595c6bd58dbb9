"""YAML loading that remembers the line of every value, so errors can name file and line.

User files (bank questions, note front matter, answers files) are untrusted: every problem —
unreadable, not UTF-8, binary, malformed, nested too deeply, an unknown tag — is a YamlError
naming the file and line, and aliases (``*name``) are refused: expanding them is how a "billion
laughs" file of a few hundred bytes turns into gigabytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    def __init__(self, file: Path, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file, self.line, self.message = file, line, message


def read_text(file: Path) -> str:
    """The UTF-8 text of a user file; YamlError for a directory, an unreadable, binary or non-UTF-8 file.
    FileNotFoundError propagates (callers word it themselves)."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise YamlError(file, 0, "is a directory, not a file") from None
    except OSError as exc:
        raise YamlError(file, 0, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(file, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise YamlError(file, text.count("\n", 0, nul) + 1, "holds a NUL byte: a binary file, not text")
    return text.removeprefix("\ufeff")


def load_with_lines(file: Path) -> tuple[Any, dict[Path_, int]]:
    """Parse ``file``; return the data and a map from key path to 1-based line number."""
    return load_text_with_lines(read_text(file), file)


MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted (the bank needs about ten levels)."""


def load_text_with_lines(text: str, file: Path, first_line: int = 1) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML ``text`` read from ``file`` (whose line ``first_line`` it starts at).

    Built straight from the parser's events, without recursion: a deeply nested file is refused
    at MAX_DEPTH instead of overflowing the stack (libyaml's own composer crashes the process on
    a few hundred thousand levels), and an alias is refused where it appears."""
    try:
        return _Builder(file, first_line - 1).run(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line, text.count("\n")) + first_line if mark else first_line  # libyaml may point past the end
        raise YamlError(file, line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:  # e.g. ReaderError: a control character YAML does not allow
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + first_line if isinstance(position, int) else first_line
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise YamlError(file, line, f"invalid YAML: {reason}") from None


class _Frame:
    __slots__ = ("container", "key", "path")

    def __init__(self, container: dict[Any, Any] | list[Any], path: Path_) -> None:
        self.container, self.path = container, path
        self.key: str | None = None
        """In a mapping: the key read, waiting for its value."""


class _Builder:
    def __init__(self, file: Path, offset: int) -> None:
        self.file, self.offset = file, offset
        self.loader = yaml.SafeLoader("")

    def error(self, event: yaml.Event, message: str) -> YamlError:
        return YamlError(self.file, self.line(event), message)

    def line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return (int(mark.line) if mark is not None else 0) + 1 + self.offset

    def run(self, text: str) -> tuple[Any, dict[Path_, int]]:
        lines: dict[Path_, int] = {}
        root: Any = None
        stack: list[_Frame] = []
        documents = 0
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.error(event, "invalid YAML: expected a single document in the stream")
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue  # stream and document ends
            if isinstance(event, yaml.AliasEvent):
                raise self.error(event, "YAML aliases (*name) are not allowed here; write the value out")
            top = stack[-1] if stack else None
            if top is not None and isinstance(top.container, dict) and top.key is None:
                if not isinstance(event, yaml.ScalarEvent):
                    raise self.error(event, "a mapping key must be a plain value, not a list or a mapping")
                top.key = event.value
                lines[(*top.path, event.value)] = self.line(event)
                continue
            if top is None:
                path: Path_ = ()
            elif isinstance(top.container, list):
                path = (*top.path, len(top.container))
            else:
                path = (*top.path, top.key)  # type: ignore[arg-type]
            if top is None or isinstance(top.container, list):
                lines[path] = self.line(event)  # a mapping value keeps its key's line
            if isinstance(event, yaml.ScalarEvent):
                value: Any = self.scalar(event)
            else:
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
                if len(stack) >= MAX_DEPTH:
                    raise self.error(event, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")
            if top is None:
                root = value
            elif isinstance(top.container, list):
                top.container.append(value)
            else:
                top.container[top.key] = value
                top.key = None
            if not isinstance(event, yaml.ScalarEvent):
                stack.append(_Frame(value, path))
        if root is not None or documents:
            lines.setdefault((), 1 + self.offset)
        return root, lines

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)  # type: ignore[arg-type]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # e.g. an unknown or unsafe tag (!!python/object)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise self.error(event, f"invalid YAML value: {problem}") from None
        except Exception as exc:  # a value its tag cannot build: a date 2024-13-45, "!!timestamp x", "!!int y"
            raise self.error(event, f"invalid YAML value {event.value[:60]!r}: {exc}") from None


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
