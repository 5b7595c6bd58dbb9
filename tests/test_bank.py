"""The bank: every seed question present in both languages, clean validation, file/line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interviewer.bank import load_bank
from interviewer.cli.main import main
from interviewer.rag.support import unsupported_key_points

ROOT = Path(__file__).resolve().parent.parent
SEED_COPY = ROOT / "tests" / "fixtures" / "seed_questions.txt"
SEED_SHARED = ROOT.parent / "shared" / "seeds" / "000_827915ce261e95d0.txt"


def seed_questions() -> list[str]:
    """Questions of the seed file: numbered or bulleted lines under its '###' sections."""
    text = (SEED_SHARED if SEED_SHARED.exists() else SEED_COPY).read_text(encoding="utf-8")
    body = text.split("### ", 1)[1]
    out = []
    for line in body.splitlines():
        m = re.match(r"^\s*(?:\d+\.|-)\s+(.+)$", line)
        if m:
            out.append(m.group(1).strip())
    return out


def _norm(s: str) -> str:
    return re.sub(r"[\s*]", "", s)


def test_every_seed_question_is_in_the_bank_in_both_languages() -> None:
    seeds = seed_questions()
    assert len(seeds) == 44
    bank = load_bank()
    zh_texts = {_norm(q.text.zh): q for q in bank.questions.values()}
    missing = [s for s in seeds if _norm(s) not in zh_texts]
    assert missing == []
    for q in bank.questions.values():
        assert q.text.en and q.text.zh and q.text.en != q.text.zh


def test_bank_has_nine_tracks_and_is_clean() -> None:
    bank = load_bank()
    assert bank.issues == []
    assert list(bank.tracks) == [
        "system_design",
        "llm_fundamentals",
        "agents_tools",
        "training_alignment",
        "coding",
        "ml_fundamentals",
        "production_mlops",
        "behavioral",
        "frontier",
    ]  # data/questions/tracks.yaml, in the seed's order
    assert {q.track for q in bank.questions.values()} == set(bank.tracks)
    assert bank.track_name("coding", "zh") == "编程与实现" and bank.track_name("gone", "en") == "gone"
    assert len(bank.questions) == 44
    for q in bank.questions.values():
        assert len(q.notes) >= 2, q.id
        assert 3 <= len(q.rubric.criteria) <= 6
        assert 2 <= len(q.follow_ups) <= 4


def test_every_key_point_is_supported_by_a_note_chunk() -> None:
    report = unsupported_key_points(load_bank())
    assert report == [], "\n".join(f"{qid}/{kp}: {text}" for qid, kp, text in report)


def test_validate_clean_bank_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "validate"]) == 0
    assert "44 questions" in capsys.readouterr().out


BROKEN = """\
- id: my-question
  track: coding
  difficulty: 9
  text:
    zh: 题目
    en: A question
  notes: [attention-basics, no-such-note]
  rubric:
    criteria:
      - id: a
        name: {zh: 甲, en: A}
        weight: 0.5
        key_points:
          - id: k1
            text: {zh: 要点, en: point}
            aliases: {zh: [要点], en: [point]}
        levels: [{zh: a, en: a}, {zh: b, en: b}, {zh: c, en: c}, {zh: d, en: d}, {zh: e, en: e}]
  follow_ups: []
"""


def test_validate_reports_file_line_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "questions" / "broken.yaml"
    bad.parent.mkdir()
    bad.write_text(BROKEN, encoding="utf-8")
    assert main(["bank", "validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: [difficulty]" in out
    assert f"{bad}:13: [rubric.criteria[0].key_points]" in out  # only one key point
    assert f"{bad}:18: [follow_ups]" in out
    assert "weights sum to" in out or "criteria" in out


def test_validate_reports_invalid_yaml_with_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("- id: a\n  track: [unclosed\n  other: 1\n", encoding="utf-8")
    assert main(["bank", "validate", str(bad)]) == 1
    assert re.search(rf"{re.escape(str(bad))}:\d+: invalid YAML", capsys.readouterr().out)


def test_duplicate_ids_and_unknown_notes_are_errors(tmp_path: Path) -> None:
    src = (ROOT / "data" / "questions" / "coding.yaml").read_text(encoding="utf-8")
    (tmp_path / "dup.yaml").write_text(src, encoding="utf-8")
    bank = load_bank([tmp_path])  # a user bank may override built-in ids...
    assert not [i for i in bank.issues if "duplicate" in i.message]
    (tmp_path / "dup2.yaml").write_text(src, encoding="utf-8")
    bank = load_bank([tmp_path])  # ...but not define one id twice itself
    assert [i for i in bank.issues if "duplicate question id" in i.message]


def test_user_bank_merges_with_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    q = load_bank().questions["code-react-agent"].model_dump(mode="json")
    q["id"] = "my-own-react"
    import yaml

    (tmp_path / "mine.yaml").write_text(yaml.safe_dump([q], allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("INTERVIEWER_BANK", str(tmp_path))
    bank = load_bank()
    assert "my-own-react" in bank.questions and "code-react-agent" in bank.questions
    assert bank.issues == []


def test_malformed_note_front_matter_is_reported_and_others_load(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("---\nid: good-note\ntitle: Good\n---\n# Good\nbody\n", encoding="utf-8")
    (notes / "bad.md").write_text("---\nid: bad-note\ntitle: [oops\n---\nbody\n", encoding="utf-8")
    bank = load_bank([tmp_path])
    assert "good-note" in bank.notes
    assert any(str(notes / "bad.md") in str(i) and ":3:" in str(i) for i in bank.issues)
