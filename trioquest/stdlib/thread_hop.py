"""One thread hop: a blocking function run in a worker thread for a Trio
task, on `trio.lowlevel.start_thread_soon` (IO-STACK.md: a hop costs
150-250 µs, so a caller does the work of one call in one hop).

Unlike `trio.to_thread.run_sync`, a cancelled hop returns at once and the
thread is abandoned: it runs its job to the end on its own, and the job's
result goes to an `on_drop` callback (a file opened meanwhile is closed
there).  Jobs abandoned this way, and cleanups started with `detach`, are
waited for at interpreter exit (at most `EXIT_WAIT` seconds), because worker
threads are daemon threads and would otherwise die in the middle of a write.

Used by the async functions of std/io (io_async.py, io_file.py).  Not by
std/db/sqlite: a connection there has one dedicated thread that runs its
statements in order, and a cancelled statement is interrupted and waited
for, never abandoned.
"""

from __future__ import annotations

import atexit
import threading

import trio

EXIT_WAIT = 5.0         # seconds the interpreter waits at exit for abandoned hops

_RUNNING = [0]                    # jobs started in worker threads and not finished
_RUNNING_CHANGED = threading.Condition()


def running() -> int:
    """The jobs started in worker threads that have not finished (those of
    cancelled hops included)."""
    return _RUNNING[0]


def _begin() -> None:
    with _RUNNING_CHANGED:
        _RUNNING[0] += 1


def _end() -> None:
    with _RUNNING_CHANGED:
        _RUNNING[0] -= 1
        _RUNNING_CHANGED.notify_all()


@atexit.register
def _wait_for_abandoned() -> None:
    """Daemon worker threads die at exit: let abandoned writes finish first."""
    with _RUNNING_CHANGED:
        _RUNNING_CHANGED.wait_for(lambda: _RUNNING[0] == 0, EXIT_WAIT)


def detach(fn) -> None:
    """Run `fn()` in a worker thread and do not wait (cleanup after a
    cancellation); its errors are dropped.  Not a checkpoint; may be called
    outside Trio (RuntimeError at interpreter shutdown: no new threads)."""
    _begin()
    try:
        trio.lowlevel.start_thread_soon(fn, lambda result: _end())
    except BaseException:
        _end()
        raise


async def hop(fn, *, before_start=None, on_drop=None):
    """`fn()` in a worker thread (Trio's thread limiter applies); a checkpoint.

    Cancelled before the thread starts: `fn` never runs.  Cancelled after:
    Cancelled is raised at once and `fn` runs to its end in its thread; its
    result goes to `on_drop(outcome)` (in the Trio thread, or the worker's
    if the run has ended).  `before_start()` is called just before the
    thread is started, with no checkpoint between."""
    await trio.lowlevel.checkpoint_if_cancelled()
    limiter = trio.to_thread.current_default_thread_limiter()
    borrower = object()
    await limiter.acquire_on_behalf_of(borrower)
    token = trio.lowlevel.current_trio_token()
    waiter = [trio.lowlevel.current_task()]

    def back(result):
        limiter.release_on_behalf_of(borrower)
        if waiter[0] is not None:
            trio.lowlevel.reschedule(waiter[0], result)
        elif on_drop is not None:
            on_drop(result)

    def deliver(result):
        _end()
        try:
            token.run_sync_soon(back, result)
        except trio.RunFinishedError:
            if on_drop is not None:
                on_drop(result)

    def abort(_raise_cancel):
        waiter[0] = None
        return trio.lowlevel.Abort.SUCCEEDED

    if before_start is not None:
        before_start()
    _begin()
    try:
        trio.lowlevel.start_thread_soon(fn, deliver)
    except BaseException:
        _end()
        limiter.release_on_behalf_of(borrower)
        raise
    return await trio.lowlevel.wait_task_rescheduled(abort)   # fn's value, or its error
