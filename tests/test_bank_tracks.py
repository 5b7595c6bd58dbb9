"""Tracks are bank data (issue 18): the built-in ones come from data/questions/tracks.yaml, and a user
bank (INTERVIEWER_BANK) adds its own in its own tracks.yaml; a question on a track no bank declares
is a file:line error of `bank validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from interviewer.bank import load_bank
from interviewer.cli.main import main

TRACKS_YAML = """\
# a user bank's own track
- id: rag_eval
  name: {zh: RAG 评测, en: RAG evaluation}
"""


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _question(track: str) -> dict[str, object]:
    """A built-in question, renamed and moved to ``track`` (its notes are the built-in ones)."""
    q = load_bank().questions["llm-lost-in-the-middle"].model_dump(mode="json", exclude_defaults=True)
    q["id"] = "rag-eval-faithfulness"
    q["track"] = track
    return q


def _user_bank(root: Path, track: str, tracks_yaml: str | None = TRACKS_YAML) -> Path:
    """A user bank with one question on ``track``; returns the question file."""
    questions = root / "questions"
    questions.mkdir(parents=True)
    if tracks_yaml is not None:
        (questions / "tracks.yaml").write_text(tracks_yaml, encoding="utf-8")
    file = questions / "rag.yaml"
    file.write_text(yaml.safe_dump([_question(track)], allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def test_a_user_bank_adds_a_track_with_its_questions(
    tmp_path: Path, indexed_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _user_bank(tmp_path / "mine", "rag_eval")
    monkeypatch.setenv("INTERVIEWER_BANK", str(tmp_path / "mine"))

    bank = load_bank()
    assert list(bank.tracks)[-2:] == ["frontier", "rag_eval"]  # after the built-in nine, in order
    assert bank.track_name("rag_eval", "zh") == "RAG 评测" and bank.issues == []

    rc, out, _ = cli(capsys, "bank", "validate")
    assert rc == 0 and "ok: 45 questions" in out

    rc, out, _ = cli(capsys, "bank", "list", "--json", "--track", "rag_eval")
    assert rc == 0 and [(q["id"], q["track"]) for q in json.loads(out)] == [("rag-eval-faithfulness", "rag_eval")]

    rc, out, err = cli(capsys, "practice", "--track", "rag_eval", "--json")
    assert rc == 0, err
    assert [q["question_id"] for q in json.loads(out)["questions"]] == ["rag-eval-faithfulness"]

    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "- question: rag-eval-faithfulness\n"
        "  answer: Models attend most to the start and the end of a long context; the middle is lost.\n",
        encoding="utf-8",
    )
    rc, out, err = cli(capsys, "run", "--answers", str(answers), "--json", "--count", "1", "--track", "rag_eval")
    assert rc == 0, err
    rc, out, _ = cli(capsys, "progress")
    by_track = out.split("By track:")[1].split("\n\n")[0]
    assert rc == 0 and "RAG evaluation" in by_track and "rag_eval" not in by_track
    rc, out, _ = cli(capsys, "progress", "--json")
    assert "rag_eval" in json.loads(out)["tracks"]


def test_an_undeclared_track_is_an_error_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = _user_bank(tmp_path / "mine", "rag_evals", tracks_yaml=None)
    line = next(n for n, text in enumerate(file.read_text("utf-8").splitlines(), 1) if text.startswith("  track:"))
    rc, out, _ = cli(capsys, "bank", "validate", str(tmp_path / "mine"))
    assert rc == 1
    assert f"{file}:{line}: [track] question rag-eval-faithfulness: unknown track 'rag_evals'" in out
    assert "declare it in tracks.yaml" in out and "frontier" in out  # says where, and which are known
    assert load_bank([tmp_path / "mine"]).questions.get("rag-eval-faithfulness") is None


def test_a_run_on_an_undeclared_track_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = cli(capsys, "practice", "--track", "rag_eval")
    assert rc == 2 and "unknown track 'rag_eval'" in err and "system_design" in err


def test_tracks_yaml_errors_name_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tracks = TRACKS_YAML + "- id: rag_eval\n  name: {zh: 重复, en: again}\n- id: Bad Id\n  name: {zh: 坏}\n"
    file = _user_bank(tmp_path / "mine", "rag_eval", tracks_yaml=tracks).parent / "tracks.yaml"
    rc, out, _ = cli(capsys, "bank", "validate", str(tmp_path / "mine"))
    assert rc == 1
    assert f"{file}:4: [id] duplicate track id 'rag_eval' (first at line 2)" in out
    assert f"{file}:6: [id] track Bad Id:" in out and f"{file}:7: [name.en] track Bad Id:" in out
    assert "rag-eval-faithfulness" not in out  # the first declaration stands: the question is fine


def test_a_user_bank_renames_a_builtin_track_in_place(tmp_path: Path) -> None:
    _user_bank(tmp_path / "mine", "coding", tracks_yaml="- id: coding\n  name: {zh: 写代码, en: Programming}\n")
    bank = load_bank([tmp_path / "mine"])
    assert list(bank.tracks) == list(load_bank().tracks) and bank.track_name("coding", "en") == "Programming"
    assert bank.issues == [] and bank.questions["rag-eval-faithfulness"].track == "coding"
