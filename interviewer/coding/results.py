"""What a test run of a candidate's code reports: per-test outcomes plus how the process ended.

Everything here is already safe to print or store: messages and output pass through
:func:`interviewer.safetext.safe_text` and are capped where the runner builds them, and
:meth:`TestRun.from_public` re-applies both so a tampered transcript cannot smuggle controls back in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

from interviewer.safetext import safe_text

Status = Literal["passed", "failed", "error", "timeout", "killed", "skipped"]
STATUSES: tuple[str, ...] = ("passed", "failed", "error", "timeout", "killed", "skipped")

MESSAGE_CAP = 1000
OUTPUT_CAP = 20_000
DETAIL_CAP = 500


def cap(text: str, limit: int) -> str:
    """``text`` made safe and cut to ``limit`` characters, keeping the head and the tail (the end of a
    traceback or of a flood of output is what tells you what happened)."""
    text = safe_text(text)
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return f"{text[:head]}\n… [{len(text) - limit} characters cut] …\n{text[-tail:]}"


@dataclass(frozen=True)
class TestCase:
    """One test function: its name, whether it passed, and the assertion or exception message."""

    __test__ = False  # not a pytest class

    name: str
    passed: bool
    message: str = ""
    time_s: float = 0.0

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message, "time_s": round(self.time_s, 4)}


@dataclass(frozen=True)
class TestRun:
    """The outcome of running one test file (public or hidden) against one submission."""

    __test__ = False

    status: Status
    tests: tuple[TestCase, ...] = ()
    passed: int = 0
    total: int = 0
    time_s: float = 0.0
    peak_mb: float = 0.0
    output: str = ""
    detail: str = ""
    hidden: bool = False
    setup_s: float = 0.0
    """Seconds the sandbox spent importing the task's requirements (numpy, torch) before the tests."""
    sandbox: str = ""
    """Which isolation applied: ``namespaces`` (user, network and PID namespaces) or ``guard``."""
    question_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def failed_names(self) -> list[str]:
        return [t.name for t in self.tests if not t.passed]

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def summary(self) -> str:
        """One line for a terminal: ``failed: 3/5 tests passed (0.41 s, 38 MB) — why``."""
        line = f"{self.status}: {self.passed}/{self.total} tests passed ({self.time_s:.2f} s, {self.peak_mb:.0f} MB)"
        return f"{line} — {self.detail}" if self.detail else line

    def public(self) -> dict[str, Any]:
        """JSON for ``code test --json`` and for transcripts; :meth:`from_public` reads it back."""
        return {
            "question_id": self.question_id,
            "status": self.status,
            "hidden": self.hidden,
            "passed": self.passed,
            "total": self.total,
            "failed": self.failed_names,
            "tests": [t.public() for t in self.tests],
            "time_s": round(self.time_s, 3),
            "setup_s": round(self.setup_s, 3),
            "peak_mb": round(self.peak_mb, 1),
            "output": self.output,
            "detail": self.detail,
            "sandbox": self.sandbox,
        }

    @classmethod
    def from_public(cls, d: dict[str, Any]) -> TestRun:
        """Rebuild a run from :meth:`public` JSON (e.g. a stored transcript); unknown keys are ignored,
        missing ones take defaults, an unknown status becomes ``error``."""
        status = str(d.get("status", "error"))
        tests = tuple(
            TestCase(
                name=safe_text(str(t.get("name", ""))),
                passed=bool(t.get("passed", False)),
                message=cap(str(t.get("message", "")), MESSAGE_CAP),
                time_s=_num(t.get("time_s")),
            )
            for t in d.get("tests") or ()
            if isinstance(t, dict)
        )
        return cls(
            status=cast(Status, status if status in STATUSES else "error"),
            tests=tests,
            passed=int(_num(d.get("passed", sum(t.passed for t in tests)))),
            total=int(_num(d.get("total", len(tests)))),
            time_s=_num(d.get("time_s")),
            peak_mb=_num(d.get("peak_mb")),
            output=cap(str(d.get("output", "")), OUTPUT_CAP),
            detail=cap(str(d.get("detail", "")), DETAIL_CAP),
            hidden=bool(d.get("hidden", False)),
            setup_s=_num(d.get("setup_s")),
            sandbox=safe_text(str(d.get("sandbox", ""))),
            question_id=safe_text(str(d.get("question_id", ""))),
        )


def _num(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
