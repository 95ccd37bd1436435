"""The Quest conformance suite: tests/quest/*_test.q, one file per section of
LANGUAGE.md, each run through `trioquest test` and required to pass."""

from pathlib import Path

import pytest

from trioquest.cli import main

HERE = Path(__file__).parent / "quest"
FILES = sorted(HERE.glob("*_test.q"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_section(path, capsys, monkeypatch):
    monkeypatch.chdir(HERE)
    status = main(["test", "--no-color", path.name])
    out = capsys.readouterr().out
    last = out.rstrip("\n").rsplit("\n", 1)[-1]
    assert status == 0, out
    assert last.endswith(" 0 failed") or ", 0 failed," in last, out
