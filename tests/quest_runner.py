"""Run Quest programs in-process for tests: output, errors and exit status."""

from __future__ import annotations

import contextlib
import io
import textwrap

from trioquest.cli import main


def run(source: str, *args: str, tmp_path=None, dedent: bool = True) -> tuple[str, str, int]:
    """(stdout, stderr, exit status) of ``trioquest -c SOURCE ARGS``, or of a
    file ``main.q`` holding SOURCE when `tmp_path` is given."""
    if dedent:
        source = textwrap.dedent(source).lstrip("\n")
    out, err = io.StringIO(), io.StringIO()
    if tmp_path is not None:
        path = tmp_path / "main.q"
        path.write_text(source, encoding="utf-8")
        argv = [str(path), *args]
    else:
        argv = ["-c", source, *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return out.getvalue(), err.getvalue(), status


def output(source: str, *args: str) -> str:
    """stdout of a program that must succeed."""
    out, err, status = run(source, *args)
    assert status == 0, err
    assert err == "", err
    return out
