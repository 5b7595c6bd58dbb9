"""The coding track: runnable tasks (starter code, public and hidden tests, reference, mutants) and a
sandbox that runs a candidate's code against them. No Textual, no LLM: the TUI, the judge and the CLI
build on this API."""

from interviewer.coding.results import TestCase, TestRun
from interviewer.coding.runner import run_tests, run_tests_async
from interviewer.coding.sandbox import namespaces_available
from interviewer.coding.task import CodingTask, TaskError, load_task, missing_requirements, task_ids, tasks_dir

__all__ = [
    "CodingTask",
    "TaskError",
    "TestCase",
    "TestRun",
    "load_task",
    "missing_requirements",
    "namespaces_available",
    "run_tests",
    "run_tests_async",
    "task_ids",
    "tasks_dir",
]
