"""Run async Quest programs in-process under Trio's MockClock (no real sleeps)."""

from __future__ import annotations

import contextlib
import io
import textwrap

import trio.testing

from trioquest.eval.interpreter import Interpreter, format_uncaught
from trioquest.source import Source


def run_async(source: str, *, dedent: bool = True, filename: str = "prog.q"):
    """(stdout, interpreter) of a program run under an autojumping MockClock.
    Errors propagate (use `run_async_error` to see the report)."""
    if dedent:
        source = textwrap.dedent(source).lstrip("\n")
    interp = Interpreter([filename])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        interp.run_main(Source(source, filename),
                        clock=trio.testing.MockClock(autojump_threshold=0))
    return out.getvalue(), interp


def output(source: str) -> str:
    return run_async(source)[0]


def error_report(source: str) -> str:
    """The uncaught-error report of a program that must fail."""
    try:
        run_async(source)
    except Exception as exc:  # noqa: BLE001 - any Quest error
        return format_uncaught(exc)
    raise AssertionError("the program did not fail")
