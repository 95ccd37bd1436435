"""join_all, try_join_all, race, race_ok and timeout (CONCURRENCY.md §4).

Inputs may be Tasks, awaitables or functions; awaitables and functions run
as children of the combinator's own scope.  A combinator returns (or raises)
only after the inputs it cancelled have finished unwinding, so their
``ensure`` blocks ran, and it marks the errors it consumes as observed.
When the combinator itself is cancelled, it cancels all its inputs.
"""

from __future__ import annotations

import trio

from ..errors import TypeErr
from ..eval.values.exceptions import to_quest_error
from . import durations
from .errors import AllFailedError, AsyncTimeoutError, CancelledError
from .runner import start_task
from .scope import CANCELLED, DONE, FAILED, FINISHED, Scope, opened
from .task import Task, is_awaitable
from .waits import in_memory


def _inputs(items, scope: Scope, what: str) -> list[Task]:
    if items.__class__ is not list:
        raise TypeErr(f"async.{what}() expects an Array of tasks")
    tasks = []
    for item in items:
        if isinstance(item, Task):
            tasks.append(item)
        elif is_awaitable(item) or callable(item):
            tasks.append(start_task(item, None, scope, False))
        else:
            raise TypeErr(f"async.{what}() expects tasks, awaitables or functions")
    return tasks


async def _cancel_and_wait(tasks, by: str) -> None:
    running = [t for t in tasks if t.state not in DONE]
    for t in running:
        t.cancel(by)
    if running:
        with trio.CancelScope(shield=True):
            for t in running:
                await t.wait_done()


@in_memory()
async def _wait_until(tasks, stop) -> None:
    """Wait until `stop(task)` is true for a finished task, or all finished."""
    event = trio.Event()
    left = [len(tasks)]

    def done(t):
        left[0] -= 1
        if left[0] == 0 or stop(t):
            event.set()

    for t in tasks:
        t.on_done(done)
    if not event.is_set():
        await event.wait()
    else:
        await trio.lowlevel.checkpoint()


async def _run(items, what: str, body):
    """Common frame: the combinator's scope, cancellation of all inputs when
    the combinator is cancelled or fails, and closing the scope."""
    scope = opened(f"async.{what}()")
    tasks = _inputs(items, scope, what)
    try:
        return await body(tasks)
    except BaseException:
        await _cancel_and_wait(tasks, f"async.{what}() ending")
        raise
    finally:
        await _cancel_and_wait(scope.children or (), f"async.{what}() ending")
        scope.children = None


async def join_all(items):
    async def body(tasks):
        if not tasks:
            await trio.lowlevel.checkpoint()
            return []
        await _wait_until(tasks, lambda t: t.state is FAILED or t.state is CANCELLED)
        first = next((t for t in tasks if t.state is FAILED or t.state is CANCELLED), None)
        if first is not None:
            await _cancel_and_wait(tasks, "async.join_all() after a failure")
            for t in tasks:
                if t.state is FAILED:
                    t.observed = True
            return first.outcome()
        return [t.outcome() for t in tasks]

    return await _run(items, "join_all", body)


async def try_join_all(items):
    async def body(tasks):
        if tasks:
            await _wait_until(tasks, lambda t: False)
        else:
            await trio.lowlevel.checkpoint()
        ok, err = [], []
        for t in tasks:
            try:
                ok.append(t.outcome())
            except Exception as e:
                err.append(to_quest_error(e))
        return {"ok": ok, "err": err}

    return await _run(items, "try_join_all", body)


async def race(items):
    async def body(tasks):
        if not tasks:
            raise TypeErr("async.race() needs at least one task")
        await _wait_until(tasks, lambda t: True)
        winner = next(t for t in tasks if t.state in DONE)
        await _cancel_and_wait([t for t in tasks if t is not winner], "async.race(), lost")
        return winner.outcome()

    return await _run(items, "race", body)


async def race_ok(items):
    async def body(tasks):
        if not tasks:
            raise TypeErr("async.race_ok() needs at least one task")
        await _wait_until(tasks, lambda t: t.state is FINISHED)
        winner = next((t for t in tasks if t.state is FINISHED), None)
        if winner is not None:
            await _cancel_and_wait([t for t in tasks if t is not winner], "async.race_ok(), lost")
            for t in tasks:  # the failures race_ok ignored were consumed by it
                if t.state is FAILED:
                    t.observed = True
            return winner.result
        errors = []
        for t in tasks:
            try:
                t.outcome()
            except Exception as e:
                errors.append(to_quest_error(e))
        raise AllFailedError(f"All {len(tasks)} tasks failed", errors)

    return await _run(items, "race_ok", body)


async def timeout(work, seconds):
    """``aw``'s value, or TimeoutError once `seconds` passed (the work is cancelled)."""
    seconds = durations.seconds(seconds, "async.timeout()")
    if isinstance(work, Task):
        with trio.move_on_after(seconds):
            return await work.wait()
        await _cancel_and_wait([work], "async.timeout()")
        raise AsyncTimeoutError(f"Timed out after {_seconds(seconds)}")
    if callable(work) and not is_awaitable(work):
        work = work()
    if not is_awaitable(work):
        await trio.lowlevel.checkpoint()
        return work
    with trio.move_on_after(seconds) as scope:
        return await work
    if scope.cancelled_caught:
        raise AsyncTimeoutError(f"Timed out after {_seconds(seconds)}")


def _seconds(s) -> str:
    return f"{s:g} second" + ("" if s == 1 else "s")


__all__ = ["join_all", "try_join_all", "race", "race_ok", "timeout", "CancelledError"]
