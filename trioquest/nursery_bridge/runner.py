"""The one ``trio.run`` a Quest program runs in, spawning, and block_on
(CONCURRENCY.md §2, §3, §6).

A `Bridge` is the per-run state: the root nursery every task runs in, the
task id counter and the diagnostics.  It lives in a context variable set in
the main task, so every task of the run inherits it.
"""

from __future__ import annotations

import contextvars
import itertools
import sys
from functools import partial

import trio

from ..errors import RuntimeErr, TypeErr
from ..eval.values.exceptions import QUEST_SOURCES
from .checkin import checkin
from .deadlock import Watchdog, respond
from .diagnostics import Diagnostics
from .failures import GRACE, WATCH, FailureWatch
from .never_awaited import record_leftovers, recording_never_awaited
from .portals import PORTALS
from .interrupts import interrupts, lending_sigint
from .reporting import current_reporter
from .wait_graph import MAIN, MainProgram
from .scope import COMPACT_AT, CURRENT_SCOPE, DONE, ENDING, FAILED, Scope, opened
from .starter import Starter, given
from .task import CURRENT_TASK, Task, ensure_portal, is_awaitable

BRIDGE: contextvars.ContextVar = contextvars.ContextVar("trioquest_bridge", default=None)


class Bridge:
    def __init__(self, reporter=None, failure_grace: float | None = GRACE) -> None:
        self.nursery: trio.Nursery | None = None
        self.starter: Starter | None = None
        self.ids = itertools.count(1)
        self.diagnostics = Diagnostics()
        self.root = opened("module")
        self.now = trio.current_time
        self.started = trio.current_time()
        self.reporter = reporter or current_reporter()
        self.failures = FailureWatch(self, failure_grace)
        self.main = MainProgram()
        self.main_trio_task = None


def current_bridge() -> Bridge:
    bridge = BRIDGE.get()
    if bridge is None:
        raise RuntimeErr("No async runtime is running: use async.block_on() or await")
    return bridge


def in_loop() -> bool:
    """Whether this thread runs a Quest program's Trio loop."""
    if BRIDGE.get() is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


def spawn(fn, name=None, scope=None) -> Task:
    """``async.spawn(fn, name:, scope:)``: start `fn()` in a new task owned by
    `scope` (default: the innermost scope of the caller).  Not a checkpoint:
    the task starts at the caller's next one."""
    if scope is not None and not isinstance(scope, Scope):
        raise TypeErr("async.spawn(scope:) expects a nursery")
    return start_task(fn, None if name is None else str(name), scope, True)


def _compact(scope: Scope, children: list) -> None:
    """Forget the children that ended with nothing left to report (finished,
    cancelled, or failed and observed), so that a long-lived scope spawning
    a task per request (QEP Example 7's server loop) stays the size of its
    running tasks.  Amortised: the next compaction waits until the list has
    doubled."""
    kept = [t for t in children if t.state not in DONE or (t.state is FAILED and not t.observed)]
    children[:] = kept
    scope.compact_at = max(COMPACT_AT, 2 * len(kept))


def start_task(fn, name, scope, numbered: bool) -> Task:
    """A new task running `fn()`.  User tasks are `numbered` (ids 1, 2, 3, ...
    in spawn order); the children a combinator makes for the awaitables and
    functions it is given are not (their id is None)."""
    bridge = BRIDGE.get()
    if bridge is None:
        current_bridge()
    if scope is None:
        scope = CURRENT_SCOPE.get() or bridge.root
    if not callable(fn):
        if not is_awaitable(fn):
            from ..eval.values.forms import type_name

            raise TypeErr(f"async.spawn() expects a function, got {type_name(fn)}")
        fn = _returning(fn)
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
        frame = frame.f_back
    site = None if frame is None else (frame.f_code.co_filename, frame.f_lineno)
    task = Task(next(bridge.ids) if numbered else None, fn, name, scope, site, bridge.now(),
                CURRENT_TASK.get())
    if scope.children is None:
        scope.children = [task]
        scope.task = task.parent
        scope.where = _scope_site(frame)
    else:
        children = scope.children
        children.append(task)
        if len(children) >= scope.compact_at:
            _compact(scope, children)
    task.coro = task.main()
    if scope.nursery is None and not PORTALS[0]:
        task.context = contextvars.copy_context()
        bridge.starter.add(task)
    else:
        task.direct = PORTALS[0]
        (scope.nursery or bridge.nursery).start_soon(given, task.coro, name="trioquest.task")
    return task


def _returning(awaitable):
    return lambda: awaitable


def _scope_site(frame):
    """(file, line, function, called) for the scope being spawned into: the
    innermost Quest async function running at `frame`, and the Quest line
    awaiting it (called) or, when a task runs it, where it is defined."""
    while frame is not None:
        code = frame.f_code
        if code.co_flags & 0x80 and code.co_filename in QUEST_SOURCES:  # CO_COROUTINE
            caller = frame.f_back
            while caller is not None and caller.f_code.co_filename not in QUEST_SOURCES:
                caller = caller.f_back
            if caller is None:  # run by a task itself: where it is defined
                return (code.co_filename, code.co_firstlineno, code.co_name, False)
            return (caller.f_code.co_filename, caller.f_lineno, code.co_name, True)
        frame = frame.f_back
    return None


def _check_block_on(fn) -> None:
    if not callable(fn) and not is_awaitable(fn):
        from ..eval.values.forms import type_name

        raise TypeErr(f"async.block_on() expects a function, got {type_name(fn)}")


async def run_scoped(fn, label: str = "block_on"):
    """Call `fn()` (awaiting its result), or await `fn` if it is an
    awaitable, inside a scope of its own."""
    _check_block_on(fn)
    await checkin()
    scope = opened(label)
    outer = CURRENT_SCOPE.get()
    CURRENT_SCOPE.set(scope)
    try:
        value = fn() if callable(fn) else fn
        if is_awaitable(value):
            value = await value
        return value
    except BaseException as exc:
        scope.failing = exc
        raise
    finally:
        CURRENT_SCOPE.set(outer)
        if scope.children is not None:
            await scope.close()


def run_program(body, *, clock=None, on_diagnostics=None, watch=None, track_origins=False,
                tasks_at_exit=False, deadlock=True, failure_grace=GRACE, reporter=None,
                leftovers=None):
    """Run a module body (sync, or returning a coroutine) inside ``trio.run``.

    `watch(bridge)`, if given, is an async function run beside the program
    (not as a Quest task) and cancelled when the program ends: how the REPL,
    Ctrl-C and tests look at the task tree while the program runs.
    `track_origins` makes never-awaited awaitables report the line that made
    them (at a small cost for every coroutine).  `tasks_at_exit` keeps the
    task tree as it is when the body ends (``diagnostics.at_exit``); the tree
    at a Ctrl-C is always kept (``diagnostics.at_interrupt``).  `deadlock`
    turns the deadlock detector on; `failure_grace` is how long a failed
    task may stay unobserved before `reporter` (default: the current one,
    `reporting.use_reporter`) is told (None: never).  `leftovers()` gives
    the values that outlive the body (its module's variables): awaitables
    among them are reported as never awaited."""
    async def main():
        bridge = Bridge(reporter, failure_grace)
        BRIDGE.set(bridge)
        WATCH.set(bridge.failures)
        bridge.main_trio_task = trio.lowlevel.current_task()
        bridge.main.coro = bridge.main_trio_task.coro
        MAIN.set(bridge.main)
        watchdog = Watchdog(partial(respond, bridge)) if deadlock else None
        try:
            with interrupts(bridge, sigint_before):
                return await _serve(bridge, body, watch, tasks_at_exit, leftovers)
        finally:
            if watchdog is not None:
                watchdog.stop()
            bridge.main.coro = None
            if on_diagnostics is not None:
                on_diagnostics(bridge.diagnostics)

    with recording_never_awaited(track_origins), lending_sigint() as sigint_before:
        try:
            return trio.run(main, clock=clock)
        except BaseExceptionGroup as group:
            raise _single(group) from None


async def _serve(bridge, body, watch, tasks_at_exit, leftovers):
    """The program in the root nursery, beside the starter (and a watcher)."""
    watching = trio.CancelScope()

    async def watcher():
        with watching:
            await watch(bridge)

    async with trio.open_nursery() as nursery:
        bridge.nursery = nursery
        bridge.starter = Starter(nursery)
        nursery.start_soon(bridge.starter.serve, name="trioquest.starter")
        nursery.start_soon(bridge.failures.serve, name="trioquest.failures")
        if watch is not None:
            nursery.start_soon(watcher, name="trioquest.watch")
        if PORTALS[0]:
            await ensure_portal()
        root = bridge.root
        CURRENT_SCOPE.set(root)
        try:
            value = body()
            if is_awaitable(value):
                value = await value
            return value
        except BaseException as exc:
            root.failing = exc
            raise
        finally:
            if tasks_at_exit:
                from .diagnostics import snapshot

                bridge.diagnostics.at_exit = snapshot(bridge, main=False)
            if leftovers is not None:
                record_leftovers(leftovers())
            try:
                if root.children is not None:
                    await root.close()
            finally:
                bridge.starter.stop()
                bridge.failures.stop()
                watching.cancel()


def _single(group: BaseExceptionGroup) -> BaseException:
    """The one exception inside nested single-member groups (else the group).

    An exception that ends the whole process (Ctrl-C, standard output closed)
    wins over the errors it caused in other tasks."""
    for kind in ENDING:
        ending = group.subgroup(kind)
        if ending is not None:
            return _first_leaf(ending)
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def can_block() -> bool:
    """Whether sync code here may call block_on: no loop runs in this thread,
    or this task has a greenback portal."""
    if not in_loop():
        return True
    import greenback

    return greenback.has_portal()


def block_on(fn):
    """``async.block_on(fn)``: run `fn()` to completion and return its value.

    With no loop running it starts one.  From sync code inside the loop it
    suspends only the calling task (greenback); from a worker thread of
    ``async.run_in_thread`` it runs `fn` in the loop and waits for it.
    Async code awaits it directly (the compiler turns ``async.block_on(f)``
    in an async function into ``await``).
    """
    _check_block_on(fn)
    if BRIDGE.get() is None:
        return run_program(lambda: run_scoped(fn))
    if not in_loop():
        return trio.from_thread.run(run_scoped, fn)
    import greenback

    if greenback.has_portal():
        return greenback.await_(run_scoped(fn))
    raise RuntimeErr("async.block_on() cannot suspend this task here: call it as "
                     "async.block_on(...) in the function, or use 'await'")



