"""Run async Quest programs in-process under Trio's MockClock (no real sleeps)."""

from __future__ import annotations

import contextlib
import io
import textwrap

import trio.testing

from trioquest.eval.interpreter import Interpreter, format_uncaught
from trioquest.source import Source


_MOCK = object()


def run_async(source: str, *, dedent: bool = True, filename: str = "prog.q", watch=None,
              track_origins: bool = False, clock=_MOCK, **options):
    """(stdout, interpreter) of a program run under an autojumping MockClock
    (`clock=None`: Trio's real clock, for programs doing real I/O).
    Errors propagate (use `error_report` to see the report).  `watch(bridge)`
    runs beside the program (see nursery_bridge.runner.run_program), and
    `options` go to it too (deadlock=, failure_grace=, reporter=)."""
    if clock is _MOCK:
        clock = trio.testing.MockClock(autojump_threshold=0)
    if dedent:
        source = textwrap.dedent(source).lstrip("\n")
    interp = Interpreter([filename])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        interp.run_main(Source(source, filename),
                        clock=clock, watch=watch,
                        track_origins=track_origins, **options)
    return out.getvalue(), interp


def snapshot_at(source: str, when: float):
    """(stdout, the task tree `when` seconds into the program)."""
    from trioquest.nursery_bridge.diagnostics import snapshot

    seen = []

    async def watch(bridge):
        await trio.sleep(when)
        seen.append(snapshot(bridge))

    out, _ = run_async(source, watch=watch)
    return out, seen[0]


def output(source: str) -> str:
    return run_async(source)[0]


def error_report(source: str) -> str:
    """The uncaught-error report of a program that must fail."""
    try:
        run_async(source)
    except Exception as exc:  # noqa: BLE001 - any Quest error
        return format_uncaught(exc)
    raise AssertionError("the program did not fail")


# Scopes inside tasks inside scopes: at 1 s, the tree of the diagnostics tests.
NESTED = '''
        use "std/async"
        let ch = async.channel()
        async fun worker(n)
            async.spawn(fun () await ch.recv() end, name: "inner-" .. n)
            await async.sleep(10)
        end
        async fun main()
            async.spawn(fun () worker(1) end, name: "w1")
            await async.sleep(5)
        end
        async.spawn(fun () await async.sleep(3) end, name: "top")
        await main()
    '''
