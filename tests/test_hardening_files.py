"""Hardening (issue 13, items 2-4 and 11-15): files, terminals, imports, loaders and CLI messages.

Sessions are written straight into the store (no interview runs, no index), so these tests are
quick and independent of the agent and the judge.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviewer import paths
from interviewer.agent.events import (
    AnswerGraded,
    AnswerReceived,
    Fallback,
    FollowUpAsked,
    QuestionAsked,
    SessionEnded,
    SessionStarted,
)
from interviewer.cli.main import main
from interviewer.domain import CriterionGrade, Grade, Session
from interviewer.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
QID = "code-react-agent"
AT = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)

# What an imported answer (or a model's reply) may smuggle to a terminal.
TITLE = "\x1b]0;pwned\x07"  # OSC 0: set the window title
CLEAR = "\x1b[2J\x1b[H"  # CSI: clear the screen
CLIPBOARD = "\x1b]52;c;ZXZpbCBjb21tYW5k\x1b\\"  # OSC 52: write the clipboard
C1_CSI = "\x9b31m"  # the one-byte CSI
BIDI = "\u202eevil\u202c"  # right-to-left override
HOSTILE = f"Plain start. {TITLE}{CLEAR}{CLIPBOARD}{C1_CSI} bell\x07 cr\rover {BIDI} end\ttab\nsecond line"
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\u202c")

HTML = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> <svg onload=alert(3)> "
    "<iframe src=javascript:alert(4)></iframe> [click](javascript:alert(5)) <javascript:alert(6)> "
    "![](https://tracker.example/p.png)"
)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def add_session(
    sid: str = "a1b2c3d4e5f6",
    answer: str = "A ReAct agent loops over thought, action and observation.",
    *,
    at: datetime = AT,
    model: str = "",
    follow_up: str = "How do you stop it?",
    summary: str = "Solid.",
) -> str:
    """A completed one-question session written event by event, as the interview loop writes it."""
    store = Store(paths.db_file())
    try:
        store.record(
            SessionStarted(
                session_id=sid, session=Session(id=sid, started_at=at, model=model, tracks=["coding"]), at=at
            )
        )
        store.record(
            QuestionAsked(session_id=sid, question_id=QID, index=1, total=1, text="Build a ReAct agent.", at=at)
        )
        store.record(AnswerReceived(session_id=sid, question_id=QID, text=answer, at=at))
        store.record(FollowUpAsked(session_id=sid, question_id=QID, follow_up_index=1, text=follow_up, at=at))
        store.record(AnswerReceived(session_id=sid, question_id=QID, follow_up_index=1, text="max_steps", at=at))
        grade = Grade(
            question_id=QID,
            overall=50.0,
            criteria=[CriterionGrade(id="loop", score=2, reason=answer[:80], evidence=[answer[:60]], missing=[answer])],
        )
        store.record(AnswerGraded(session_id=sid, question_id=QID, grade=grade, at=at))
        store.record(SessionEnded(session_id=sid, status="completed", overall=50.0, summary=summary, at=at))
    finally:
        store.close()
    return sid


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


def one_line_error(err: str, *names: object) -> None:
    """A single `interviewer: error:` line naming every one of ``names``."""
    no_traceback(err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interviewer: error:"), err
    for name in names:
        assert str(name) in lines[0], (name, err)


# -- item 2: export -o ---------------------------------------------------------------------------------------
def test_export_does_not_follow_a_link_planted_at_a_predictable_temp_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid = add_session()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    target = tmp_path / "x.md"
    (tmp_path / "x.md.tmp").symlink_to(victim)
    rc, _out, err = cli(capsys, "export", sid, "-o", str(target))
    assert rc == 0, err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert target.read_text(encoding="utf-8").startswith(f"# Interview {sid}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "victim.txt", "x.md", "x.md.tmp"]


def test_export_refuses_special_files_and_links_at_the_destination(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid = add_session()
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.md"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    victim = tmp_path / "victim.md"
    victim.write_text("precious", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    try:
        for target, kind in ((fifo, "FIFO"), (sock_path, "socket"), (link, "symbolic link")):
            for extra in ([], ["--force"]):
                rc, out, err = cli(capsys, "export", sid, "-o", str(target), *extra)
                assert rc == 2, (target, extra)
                one_line_error(err, target, kind, "unchanged")
                assert out == ""
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_ISSOCK(os.lstat(sock_path).st_mode)
        assert link.is_symlink() and victim.read_text(encoding="utf-8") == "precious"
    finally:
        sock.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "link.md", "pipe.md", "s.md", "victim.md"]


def test_export_replaces_an_existing_file_only_with_force(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sid = add_session()
    target = tmp_path / "x.md"
    target.write_text("my notes", encoding="utf-8")
    target.chmod(0o640)
    rc, out, err = cli(capsys, "export", sid, "-o", str(target))
    assert rc == 2
    one_line_error(err, target, "exists", "--force")
    assert target.read_text(encoding="utf-8") == "my notes"
    rc, out, err = cli(capsys, "export", sid, "-o", str(target), "--force")
    assert rc == 0 and f"wrote {target}" in out
    assert target.read_text(encoding="utf-8").startswith(f"# Interview {sid}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the replaced file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "x.md"]  # no temporary file left


# -- item 3: terminal controls ---------------------------------------------------------------------------------
def test_safe_text_neutralises_controls_and_keeps_newlines_tabs_and_scripts() -> None:
    from interviewer.safetext import safe_json, safe_text

    text = safe_text(HOSTILE)
    assert not any(c in text for c in TERMINAL_CONTROLS)
    assert "␛]0;pwned␇" in text and "second line" in text and "end\ttab\n" in text
    assert "cr\nover" in text and safe_text("a\r\nb") == "a\nb"
    mixed = "中文 English العربية עברית 😀 zero\u200bwidth"
    assert safe_text(mixed) == mixed
    data = {"a": HOSTILE + "\u2028\x7f"}
    encoded = safe_json(json.dumps(data, ensure_ascii=False))
    assert json.loads(encoded) == data and not any(c in encoded for c in (*TERMINAL_CONTROLS, "\x7f", "\u2028"))


def test_show_replay_and_exports_never_write_terminal_controls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sid = add_session(answer=HOSTILE, model=f"evil{TITLE}", follow_up=f"Follow {CLEAR}?", summary=f"Sum {CLIPBOARD}")
    outputs = {}
    for argv in (
        ["show", sid],
        ["replay", sid, "--plain"],
        ["export", sid, "--format", "md"],
        ["export", sid, "--format", "html"],
        ["export", sid, "--format", "json"],
        ["show", sid, "--json"],
        ["history"],
        ["history", "--json"],
    ):
        rc, out, err = cli(capsys, *argv)
        assert rc == 0, (argv, err)
        assert not any(c in out for c in TERMINAL_CONTROLS), (argv, [c for c in TERMINAL_CONTROLS if c in out])
        outputs[" ".join(argv)] = out
    assert "␛]0;pwned␇" in outputs[f"show {sid}"] and "Plain start." in outputs[f"show {sid}"]
    assert "evil␛]0;pwned␇" in outputs["history"]
    # JSON stays lossless: the escapes parse back to the very text stored
    assert json.loads(outputs[f"show {sid} --json"])["questions"][0]["answer"] == HOSTILE
    target = tmp_path / "s.json"
    assert cli(capsys, "export", sid, "--format", "json", "-o", str(target))[0] == 0
    raw = target.read_text(encoding="utf-8")
    assert not any(c in raw for c in TERMINAL_CONTROLS)
    assert json.loads(raw)["questions"][0]["answer"] == HOSTILE
    # an error message quoting hostile input is neutralised too
    rc, out, err = cli(capsys, "show", f"x{TITLE}")
    assert rc == 2 and "\x1b" not in err and "\x07" not in err
    with pytest.raises(SystemExit):
        main(["history", TITLE])  # argparse quotes it back: "unrecognized arguments: ..."
    err = capsys.readouterr().err
    assert "unrecognized" in err and "\x1b" not in err and "\x07" not in err


# -- item 4: raw HTML in the Markdown export --------------------------------------------------------------------
def test_markdown_export_escapes_html_and_links_in_user_text(capsys: pytest.CaptureFixture[str]) -> None:
    from markdown_it import MarkdownIt

    sid = add_session(answer=HTML, follow_up=f"Why {HTML}?", summary=HTML)
    rc, md, err = cli(capsys, "export", sid, "--format", "md")
    assert rc == 0, err
    for renderer in (MarkdownIt("commonmark"), MarkdownIt("gfm-like")):
        page = renderer.render(md).lower()
        for bad in ("<script", "<img", "<svg", "<iframe", 'href="javascript:'):
            assert bad not in page, (bad, page[:2000])
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped
    assert "\\[click\\](javascript:alert(5))" in md
    # the terminal transcript stays readable: no entities there
    rc, shown, _ = cli(capsys, "show", sid)
    assert rc == 0 and "<script>alert(1)</script>" in shown


# -- item 11: a message, not a traceback -------------------------------------------------------------------------
def test_bad_answers_files_get_one_line_naming_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = {
        "nul.yaml": b'- question: code-react-agent\n  answer: "a\x00b"\n',
        "latin1.yaml": "- answer: caf\xe9\n".encode("latin-1"),
        "tag.yaml": b"- answer: !!python/object/apply:os.system [echo hi]\n",
        "date.yaml": b"- answer: 2024-13-45\n",
        "timestamp-tag.yaml": b"- answer: !!timestamp nope\n",
        "key.yaml": b"- ? [a, b]\n  : x\n",
        "deep.yaml": b"- answer: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "deeper.yaml": b"- " * 300_000 + b"x\n",  # libyaml's own composer crashes the process on this
        "two-docs.yaml": b"- answer: a\n---\n- answer: b\n",
    }
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "dir.yaml").mkdir()
    for name in [*cases, "dir.yaml"]:
        path = tmp_path / name
        rc, out, err = cli(capsys, "run", "--answers", str(path))
        assert rc == 2, (name, err)
        one_line_error(err, path)
        assert out == ""


def test_bad_bank_and_note_files_are_reported_not_raised(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "notes").mkdir()
    (bank / "questions" / "nul.yaml").write_bytes(b"- id: x\x00y\n")
    (bank / "questions" / "dir.yaml").mkdir()
    (bank / "notes" / "latin1.md").write_bytes("---\nid: n\ntitle: caf\xe9\n---\nbody\n".encode("latin-1"))
    (bank / "notes" / "x.md").mkdir()
    (bank / "notes" / "bomb.md").write_text("---\nid: b\ntitle: &a x\ntags: [*a, *a]\n---\nbody\n", encoding="utf-8")
    (bank / "questions" / "newline-key.yaml").write_text('- id: nl\n  "two\\nlines": 1\n', encoding="utf-8")
    rc, out, err = cli(capsys, "bank", "validate", str(bank))
    no_traceback(err)
    assert rc == 1  # `bank validate` exits 1 and lists every problem as file:line: message
    assert all(row.startswith(str(bank)) for row in out.splitlines()[:-1]), out  # one line per problem
    for name, line, what in (
        ("questions/nul.yaml", 1, "NUL"),
        ("questions/dir.yaml", 0, "directory"),
        ("notes/latin1.md", 3, "UTF-8"),
        ("notes/x.md", 0, "directory"),
        ("notes/bomb.md", 4, "aliases"),
    ):
        where = f"{bank / name}:{line}:"
        assert any(row.startswith(where) and what in row for row in out.splitlines()), (name, out)


@pytest.mark.parametrize(
    "content",
    [b"model = [unclosed\n", b"\x89PNG\r\n\x1a\n\x00\x00binary", b"max_follow_ups = 99\n"],
    ids=["malformed", "binary", "out-of-range"],
)
def test_a_broken_config_file_is_named(capsys: pytest.CaptureFixture[str], isolated_home: Path, content: bytes) -> None:
    config = isolated_home / "config.toml"
    config.write_bytes(content)
    for argv in (["history"], ["config", "show"], ["bank", "list"], ["export", "abc"]):
        rc, out, err = cli(capsys, *argv)
        assert rc == 2, (argv, err)
        one_line_error(err, config)
        assert out == ""


def test_a_home_that_is_a_file_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home-file"
    home.write_text("not a directory")
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    for argv in (["history"], ["show", "abc"], ["config", "show"]):
        rc, _out, err = cli(capsys, *argv)
        assert rc == 2, (argv, err)
        one_line_error(err, home)
    monkeypatch.setenv("INTERVIEWER_HOME", str(home / "below"))  # a home under a file
    rc, _out, err = cli(capsys, "history")
    assert rc == 2
    one_line_error(err, home)
    assert home.read_text() == "not a directory"


def test_import_of_deeply_nested_json_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for depth in (100_000, 900, 50):
        path = tmp_path / f"deep{depth}.json"
        inner = "[" * depth + "]" * depth
        path.write_text('{"format": "interviewer-session/1", "events": [{"type": "x", "p": ' + inner + "}]}")
        rc, _out, err = cli(capsys, "import", str(path))
        assert rc == 2, err
        one_line_error(err, path)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{\x00")
    rc, _, err = cli(capsys, "import", str(binary))
    assert rc == 2
    one_line_error(err, binary)
    rc, _, err = cli(capsys, "import", str(tmp_path))
    assert rc == 2
    one_line_error(err, tmp_path)
    assert Store(paths.db_file()).sessions() == []


def _corrupt_events_pages(db: Path) -> None:
    """Overwrite every leaf page of the events table below its root: the sessions table stays intact."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'")]
    conn.close()
    pages = [p for p in pages if p != root]
    assert pages
    with open(db, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * page_size)
            f.write(b"\xa5" * page_size)


def test_a_database_with_a_damaged_page_gets_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ids = [add_session(f"s{n:011d}", answer=f"answer {n} " * 300, at=AT + timedelta(hours=n)) for n in range(12)]
    db = paths.db_file()
    try:
        _corrupt_events_pages(db)
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    sid = ids[0]
    for argv in (
        ["show", sid],
        ["show", sid, "--json"],
        ["export", sid, "--format", "md"],
        ["replay", sid, "--plain"],
        ["progress"],
        ["rescore", sid],
    ):
        rc, _out, err = cli(capsys, *argv)
        assert rc == 2, (argv, err)
        one_line_error(err, db, "malformed")
    rc, _out, err = cli(capsys, "history")  # listing sessions may not touch the damaged pages
    no_traceback(err)
    assert rc in (0, 2)


def test_grade_refuses_a_binary_answer_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name, raw in (("bin.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00"), ("latin1.txt", "r\xe9ponse".encode("latin-1"))):
        path = tmp_path / name
        path.write_bytes(raw)
        rc, out, err = cli(capsys, "grade", "--question", QID, "--answer-file", str(path))
        assert rc == 2, err
        one_line_error(err, path)
        assert out == ""
    rc, out, err = cli(capsys, "grade", "--question", QID, "--answer-file", str(tmp_path))
    assert rc == 2
    one_line_error(err, tmp_path)


def test_the_bad_inputs_get_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    """The same through `python -m interviewer`: exit 2 and one line on stderr."""
    answers = tmp_path / "a.yaml"
    answers.write_bytes(b"- answer: \x00\n")
    home_file = tmp_path / "home-file"
    home_file.write_text("x")
    for argv, env in (
        (["run", "--answers", str(answers)], {}),
        (["history"], {"INTERVIEWER_HOME": str(home_file)}),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "interviewer", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            timeout=120,
        )
        assert proc.returncode == 2, proc.stderr
        one_line_error(proc.stderr)


# -- item 12: YAML aliases -------------------------------------------------------------------------------------
BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _in_a_bounded_process(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with 1 GB of address space at most, so a regression cannot eat the machine."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=timeout,
        preexec_fn=limit,
    )


@pytest.mark.parametrize("where", ["answers", "question", "note"])
def test_yaml_alias_bombs_are_refused_at_once(tmp_path: Path, where: str) -> None:
    if where == "answers":
        path = tmp_path / "a.yaml"
        path.write_text("- answer: x\n" + "".join(f"  {line}\n" for line in BOMB.splitlines()) + "  follow_ups: *i\n")
        code = (
            "from pathlib import Path\nfrom interviewer.agent.headless import load_answers, AnswersFileError\n"
            f"try:\n    load_answers(Path({str(path)!r}))\nexcept AnswersFileError as e:\n    print('refused', e)\n"
        )
    elif where == "question":
        path = tmp_path / "q.yaml"
        path.write_text(BOMB + "id: bomb\n")
        code = (
            "from pathlib import Path\nfrom interviewer.bank import load_bank\n"
            f"b = load_bank([Path({str(path)!r})], builtin=False)\nprint('refused', *b.issues)\n"
        )
    else:
        notes = tmp_path / "bank" / "notes"
        notes.mkdir(parents=True)
        path = notes / "bomb.md"
        path.write_text("---\nid: bomb\ntitle: t\n" + BOMB + "tags: *i\n---\nbody\n")
        code = (
            "from pathlib import Path\nfrom interviewer.bank.notes import load_notes\n"
            f"n, e = load_notes(Path({str(notes)!r}))\nprint('refused', *e)\n"
        )
    start = time.perf_counter()
    proc = _in_a_bounded_process(code)
    assert time.perf_counter() - start < 30
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("refused") and "aliases" in proc.stdout and str(path) in proc.stdout, proc.stdout


# -- item 13: a question answered twice ------------------------------------------------------------------------
def test_a_question_twice_in_an_answers_file_is_rejected_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from interviewer.agent.headless import AnswersFileError, load_answers

    path = tmp_path / "answers.yaml"
    path.write_text(
        "- question: code-react-agent\n  answer: first\n"
        "- question: llm-lost-in-the-middle\n  answer: other\n"
        "- question: code-react-agent\n  answer: second\n",
        encoding="utf-8",
    )
    with pytest.raises(AnswersFileError, match=rf"^{path}:5: entry 3: question 'code-react-agent' .* line 1"):
        load_answers(path)
    rc, _out, err = cli(capsys, "run", "--answers", str(path))
    assert rc == 2
    one_line_error(err, f"{path}:5:")
    assert Store(paths.db_file()).sessions() == []


# -- item 14: hostile imports -----------------------------------------------------------------------------------
def _export(capsys: pytest.CaptureFixture[str], sid: str) -> dict:
    rc, out, err = cli(capsys, "export", sid, "--format", "json")
    assert rc == 0, err
    return json.loads(out)


def _with_id(data: dict, new: str) -> dict:
    text = json.dumps(data).replace(json.dumps(data["session_id"])[1:-1], json.dumps(new)[1:-1])
    return json.loads(text)


def test_import_validates_ids_and_the_event_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sid = add_session()
    good = _export(capsys, sid)
    assert cli(capsys, "delete", sid)[0] == 0
    second_start = json.loads(json.dumps(good))
    second_start["events"].insert(3, {**good["events"][0], "at": good["events"][3]["at"]})
    after_end = json.loads(json.dumps(good))
    after_end["events"].append(good["events"][2])
    early_answer = json.loads(json.dumps(good))
    early_answer["events"][1], early_answer["events"][2] = early_answer["events"][2], early_answer["events"][1]
    other_session = json.loads(json.dumps(good))
    other_session["events"][0]["session"]["id"] = "someoneelse1"
    bad_qid = json.loads(json.dumps(good).replace(QID, "../../etc/passwd"))
    cases = {
        "empty-id": _with_id(good, ""),
        "huge-id": _with_id(good, "a" * 100_000),
        "path-id": _with_id(good, "../../x"),
        "slash-id": _with_id(good, "a/b"),
        "control-id": _with_id(good, "ab\x1b]0;x\x07"),
        "second-start": second_start,
        "after-end": after_end,
        "answer-before-question": early_answer,
        "start-names-another-session": other_session,
        "path-question-id": bad_qid,
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        rc, _out, err = cli(capsys, "import", str(path))
        assert rc == 2, name
        one_line_error(err, path)
        assert "\x1b" not in err and len(err) < 600, name
        assert Store(paths.db_file()).sessions() == [], name
    path = tmp_path / "good.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert cli(capsys, "import", str(path))[0] == 0  # the export itself still imports


# -- item 15 ------------------------------------------------------------------------------------------------------
def test_history_says_when_it_stops_and_lists_all_with_all(capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(paths.db_file())
    for n in range(230):
        at = AT + timedelta(minutes=n)
        sid = f"s{n:011d}"
        store.record(SessionStarted(session_id=sid, session=Session(id=sid, started_at=at), at=at))
    store.close()
    rc, out, err = cli(capsys, "history")
    assert rc == 0 and len(out.splitlines()) == 200
    assert "200" in err and "230" in err and "--all" in err
    assert out.splitlines()[0].startswith("s00000000229")  # newest first
    rc, out, err = cli(capsys, "history", "--json")
    assert rc == 0 and len(json.loads(out)) == 200 and "230" in err
    rc, out, err = cli(capsys, "history", "--all")
    assert rc == 0 and len(out.splitlines()) == 230 and err == ""
    rc, out, err = cli(capsys, "history", "--all", "--json")
    assert rc == 0 and len(json.loads(out)) == 230 and err == ""


def test_config_show_masks_secrets_in_the_api_base_query(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERVIEWER_API_BASE", "https://u:pw@host.example/v1?api_key=SEKRET123&region=eu&token=TOK456")
    for argv in (["config", "show"], ["config", "show", "--json"]):
        rc, out, _ = cli(capsys, *argv)
        assert rc == 0
        assert "SEKRET123" not in out and "TOK456" not in out and "pw@" not in out
        assert "region=eu" in out and "host.example/v1" in out


def test_delete_wants_a_long_prefix_or_a_confirmation(capsys: pytest.CaptureFixture[str]) -> None:
    a = add_session("a1b2c3d4e5f6")
    b = add_session("b1b2c3d4e5f6")
    rc, _out, err = cli(capsys, "delete", a[:4])
    assert rc == 2
    one_line_error(err, a, "--yes")
    assert {r.id for r in Store(paths.db_file()).sessions()} == {a, b}
    assert cli(capsys, "delete", a[:8])[0] == 0
    assert cli(capsys, "delete", b[:3], "--yes")[0] == 0
    assert Store(paths.db_file()).sessions() == []


def test_files_are_private(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fresh" / "home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    old = os.umask(0o022)
    try:
        sid = add_session()
        assert cli(capsys, "history")[0] == 0
        export = tmp_path / "out" / "s.md"
        assert cli(capsys, "export", sid, "-o", str(export))[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    db = paths.db_file(home)
    files = [db, *(p for p in (Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(export.stat().st_mode) == 0o600


def test_run_says_on_stderr_when_it_falls_back_to_offline(capsys: pytest.CaptureFixture[str]) -> None:
    from interviewer.cli.headless import _FallbackNotices

    notices = _FallbackNotices()
    for stage, reason in (("follow_up", "timeout: no reply in 3s"), ("llm", "3 LLM calls failed in a row (timeout)")):
        notices(Fallback(session_id="s", stage=stage, reason=reason))
        notices(Fallback(session_id="s", stage=stage, reason=reason))  # said once
    notices(AnswerReceived(session_id="s", question_id=QID, text="x"))
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2 and "follow_up" in lines[0] and "offline engine" in lines[1] and "timeout" in lines[1]


def test_run_with_a_failing_model_says_so_on_stderr(
    indexed_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.llm.errors import LLMError
    from interviewer.llm.fake import FakeLLM
    from interviewer.services import Services

    llm = FakeLLM(default=LLMError("connection", "connection refused"), name="openai/unreachable")
    monkeypatch.setattr(Services, "llm", lambda self, model=None: llm)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"- question: {QID}\n  answer: A loop over thought, action and observation.\n")
    rc, out, err = cli(capsys, "run", "--answers", str(answers), "--json")
    assert rc == 0, err
    assert json.loads(out)["questions"][0]["answer"].startswith("A loop")
    assert llm.calls, "the model was asked"
    assert "offline engine" in err and "connection refused" in err, err
