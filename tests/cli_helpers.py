"""Running `trioquest` in-process for the CLI tests: a `program` fixture that
writes .q files (text, or bytes) into a fresh working directory, and `run` (status, stdout,
stderr)."""

import pytest

from trioquest.cli import main


@pytest.fixture
def program(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def write(text, name="prog.q"):
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return name
    return write


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err
