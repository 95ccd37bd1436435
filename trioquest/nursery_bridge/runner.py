"""The one ``trio.run`` a Quest program runs in, spawning, and block_on
(CONCURRENCY.md §2, §3, §6).

A `Bridge` is the per-run state (Trio's run-local storage): the root
nursery every task runs in, the task id counter and the diagnostics.
"""

from __future__ import annotations

import itertools

import greenback
import trio

from ..errors import RuntimeErr, TypeErr
from .diagnostics import Diagnostics, quest_site
from .scope import CURRENT_SCOPE, Scope
from .task import Task, is_awaitable

_BRIDGE: trio.lowlevel.RunVar = trio.lowlevel.RunVar("trioquest_bridge")


class Bridge:
    def __init__(self) -> None:
        self.nursery: trio.Nursery | None = None
        self.ids = itertools.count(1)
        self.diagnostics = Diagnostics()
        self.root = Scope("module")


def current_bridge() -> Bridge:
    try:
        return _BRIDGE.get()
    except (LookupError, RuntimeError):
        raise RuntimeErr("No async runtime is running: use async.block_on() or await") \
            from None


def in_loop() -> bool:
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    try:
        _BRIDGE.get()
    except LookupError:
        return False
    return True


def spawn(fn, *, name=None, scope=None, site=None, propagate: bool = False) -> Task:
    """Start `fn()` in a new task owned by `scope` (default: the innermost)."""
    if not callable(fn) and not is_awaitable(fn):
        raise TypeErr(f"async.spawn() expects a function, got {type(fn).__name__}")
    bridge = current_bridge()
    owner = scope if scope is not None else (CURRENT_SCOPE.get() or bridge.root)
    run = fn if callable(fn) else (lambda aw=fn: aw)
    task = Task(next(bridge.ids), run, None if name is None else str(name), owner,
                site if site is not None else quest_site(), propagate=propagate)
    owner.add(task)
    nursery = getattr(owner, "nursery", None) or bridge.nursery
    nursery.start_soon(task.run, name=f"quest-task-{task.id}")
    return task


async def run_scoped(fn, label: str = "block_on"):
    """Call `fn()` (awaiting its result) inside a scope of its own."""
    scope = Scope(label)
    scope.token = CURRENT_SCOPE.set(scope)
    try:
        value = fn()
        if is_awaitable(value):
            value = await value
        return value
    except BaseException as exc:
        scope.failing = exc
        raise
    finally:
        if scope.leave():
            await scope.close()


def run_program(body, *, clock=None, on_diagnostics=None):
    """Run a module body (sync, or returning a coroutine) inside ``trio.run``."""
    async def main():
        bridge = Bridge()
        _BRIDGE.set(bridge)
        try:
            async with trio.open_nursery() as nursery:
                bridge.nursery = nursery
                await greenback.ensure_portal()
                root = bridge.root
                root.token = CURRENT_SCOPE.set(root)
                try:
                    value = body()
                    if is_awaitable(value):
                        value = await value
                    return value
                except BaseException as exc:
                    root.failing = exc
                    raise
                finally:
                    if root.leave():
                        await root.close()
        finally:
            if on_diagnostics is not None:
                on_diagnostics(bridge.diagnostics)

    try:
        return trio.run(main, clock=clock)
    except BaseExceptionGroup as group:
        raise _single(group) from None


def _single(group: BaseExceptionGroup) -> BaseException:
    """The one exception inside nested single-member groups (else the group)."""
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def block_on(fn):
    """``async.block_on(fn)``: run `fn()` to completion and return its value.

    With no loop running it starts one; from sync code inside the loop it
    suspends only the calling task (greenback).  Tasks get a greenback
    portal only where sync code is expected to need one (the program's main
    task, block_on's own and tasks running sync functions), so calling
    block_on from sync code deep inside an async function's task is an error
    that says to use ``await``.
    """
    if not in_loop():
        return run_program(lambda: run_scoped(fn))
    if greenback.has_portal():
        return greenback.await_(run_scoped(fn))
    raise RuntimeErr("async.block_on() cannot run here (inside a running task); "
                     "use 'await' instead")
