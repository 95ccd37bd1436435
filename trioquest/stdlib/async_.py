"""``std/async`` (QEP-027, CONCURRENCY.md): tasks, channels, select,
combinators, timeouts, sync primitives, task-local values, threads.

``use "std/async"`` binds the module as ``async`` (a name, since ``async``
is only a keyword before ``fun``, ``with`` and ``type``).
"""

from __future__ import annotations

import contextvars

import trio

from ..errors import RuntimeErr, TypeErr
from ..eval.values.methods import register
from ..eval.values.modules import QModule
from ..nursery_bridge import combinators, durations
from ..nursery_bridge.channel import Channel, TimeoutChannel, select
from ..nursery_bridge.diagnostics import describes
from ..nursery_bridge.errors import ASYNC_ERRORS, TaskGroupError
from ..nursery_bridge.runner import block_on, current_bridge, spawn
from ..nursery_bridge.scope import Scope, raise_failures
from ..nursery_bridge.task import CURRENT_TASK, Task, is_awaitable
from ..nursery_bridge.wait_graph import MAIN, check, waiter
from ..nursery_bridge.waits import in_memory
from .handles import UntilNil


# -- tasks and channels as Quest values -----------------------------------------------

register(Task, {
    "is_finished": Task.is_finished, "is_cancelled": Task.is_cancelled,
    "cancel": Task.cancel, "abort": Task.abort, "try_unwrap": Task.try_unwrap,
    "await": Task.wait, "state": lambda t: t.state,
})
register(Channel, {
    "send": Channel.send, "recv": Channel.recv, "try_send": Channel.try_send,
    "try_recv": Channel.try_recv, "close": Channel.close,
    "is_closed": lambda c: c.closed, "len": len,
})
register(TimeoutChannel, {"recv": TimeoutChannel.recv})
register(TaskGroupError, {"errors": lambda e: list(e.errors)})
register(ASYNC_ERRORS["AllFailedError"], {"errors": lambda e: list(e.errors)})


# -- explicit nurseries ------------------------------------------------------------------


class QuestNursery(Scope):
    """``async.nursery(fun (n) ... end)``: children are waited for at the end
    of the block, and a failing child cancels its siblings and the block."""

    _q_name = "Nursery"
    label = "async.nursery()"
    propagate = True

    def __init__(self, nursery) -> None:
        self.nursery = nursery

    def spawn(self, fn, name=None) -> Task:
        return spawn(fn, name=name, scope=self)

    def cancel(self) -> None:
        self.nursery.cancel_scope.cancel()

    def _q_str(self) -> str:
        return "<Nursery>"


register(QuestNursery, {"spawn": QuestNursery.spawn, "cancel": QuestNursery.cancel})


@in_memory()
async def nursery(fn):
    try:
        async with trio.open_nursery() as trio_nursery:
            qn = QuestNursery(trio_nursery)
            value = fn(qn)
            if is_awaitable(value):
                value = await value
        return value
    except BaseExceptionGroup as group:
        errors = []
        rest = []
        for exc in _leaves(group):
            if any(exc is seen for seen in errors + rest):
                continue  # Trio can report one child's error twice
            (errors if isinstance(exc, Exception) else rest).append(exc)
        if rest:
            raise rest[0] from None
        raise_failures(errors)


def _leaves(group):
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


# -- sync primitives -----------------------------------------------------------------------


class _Acquirable:
    """A Trio lock-like primitive: ``await x.acquire()``, ``x.release()``,
    ``async with x``.  Trio checks ownership (release by another task is an
    error)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    not_held = "this task does not hold it"

    @in_memory()
    async def acquire(self):
        await self.inner.acquire()

    def release(self):
        try:
            self.inner.release()
        except RuntimeError:   # Trio's "can't release a Lock you don't own"
            raise RuntimeErr(f"{self._q_name}.release(): {self.not_held}") from None

    @in_memory()
    async def _aenter(self):
        await self.acquire()
        return self

    async def _aexit(self):
        self.release()


class Lock(_Acquirable):
    """A Lock knows its holder (the Task, or the main program), so that a
    wait for it that closes a cycle of waits is a DeadlockError at once
    (wait_graph), and the task tree says who holds it."""

    _q_name = "Lock"
    holder = None
    not_held = "this task does not hold the lock"

    def __init__(self) -> None:
        super().__init__(trio.Lock())

    @in_memory()
    async def acquire(self):
        me = CURRENT_TASK.get() or MAIN.get()
        node = waiter(me) if self.inner.locked() else None
        if node is not None:
            check(node, self, "acquire")
            node.waits_on = self
            try:
                await self._acquire()
            finally:
                node.waits_on = None
        else:
            await self._acquire()
        self.holder = me

    @in_memory()
    async def _acquire(self):
        try:
            await self.inner.acquire()
        except trio.BrokenResourceError:   # its holder ended without releasing it
            who = self.holder.describe() if self.holder is not None else "its holder"
            raise RuntimeErr(f"Lock.acquire(): {who} ended while holding the Lock and "
                             "never released it") from None

    def release(self):
        super().release()
        self.holder = None

    def _q_str(self) -> str:
        return "<Lock locked>" if self.inner.locked() else "<Lock>"


class Semaphore(_Acquirable):
    _q_name = "Semaphore"

    def __init__(self, value: int = 1) -> None:
        if value.__class__ is not int or value < 0:
            raise TypeErr("Semaphore() expects an Int >= 0")
        super().__init__(trio.Semaphore(value))


class CapacityLimiter(_Acquirable):
    _q_name = "CapacityLimiter"
    not_held = "this task holds none of its tokens"

    def __init__(self, total: int) -> None:
        if total.__class__ is not int or total < 1:
            raise TypeErr("CapacityLimiter() expects an Int >= 1")
        super().__init__(trio.CapacityLimiter(total))


class Event:
    _q_name = "Event"

    def __init__(self) -> None:
        self.event = trio.Event()

    @in_memory()
    async def wait(self):
        await self.event.wait()


register(Event, {"set": lambda e: e.event.set(), "is_set": lambda e: e.event.is_set(),
                 "wait": Event.wait})
_ACQUIRABLE = {"acquire": _Acquirable.acquire, "release": _Acquirable.release,
               "_aenter": _Acquirable._aenter, "_aexit": _Acquirable._aexit}
register(Lock, {**_ACQUIRABLE, "acquire": Lock.acquire, "release": Lock.release,
               "locked": lambda x: x.inner.locked()})
register(Semaphore, {**_ACQUIRABLE, "value": lambda x: x.inner.value})
register(CapacityLimiter, {
    **_ACQUIRABLE,
    "total_tokens": lambda x: x.inner.total_tokens,
    "borrowed_tokens": lambda x: x.inner.borrowed_tokens,
    "available_tokens": lambda x: x.inner.available_tokens,
})


def _constructor(cls):
    """Both ``async.Lock()`` and ``async.Lock.new()`` make one."""
    cls.new = staticmethod(lambda *a: cls(*a))
    return cls


for _cls in (Lock, Semaphore, Event, CapacityLimiter):
    _constructor(_cls)


# -- task-local values and streams ------------------------------------------------------------


class Local:
    """``async.local(default)``: a value per task; children see it as it was
    when they were spawned."""

    _q_name = "Local"

    def __init__(self, default=None) -> None:
        self.var = contextvars.ContextVar("quest_local", default=default)


register(Local, {"get": lambda x: x.var.get(), "set": lambda x, v: x.var.set(v) and None})


class Stream(UntilNil):
    """``async.stream(fn)``: each ``await s.next()`` calls `fn` (awaiting its
    result); nil ends the stream.  ``for x in s`` iterates it."""

    _q_name = "Stream"

    def __init__(self, fn) -> None:
        self.fn = fn
        self.ended = False

    async def next(self):
        if self.ended:
            await trio.lowlevel.checkpoint()
            return None
        value = self.fn()
        if is_awaitable(value):
            value = await value
        else:
            await trio.lowlevel.checkpoint()
        if value is None:
            self.ended = True
        return value

    _next_item = next   # for x in ... (handles.UntilNil)


register(Stream, {"next": Stream.next})


# -- the module ---------------------------------------------------------------------------------


async def sleep(seconds) -> None:
    """``await async.sleep(secs)``: a checkpoint, also for 0 or less."""
    deadline = trio.current_time() + durations.seconds(seconds, "async.sleep()")
    await trio.sleep_until(deadline)


@describes(sleep)
def _sleeping(frame, now):
    return f"sleep, {max(0.0, frame.f_locals['deadline'] - now):.3g} s left", []


@describes(Event.wait)
def _on_event(frame, now):
    return "Event.wait", []


@describes(_Acquirable.acquire)
@describes(_Acquirable._aenter)
@describes(Lock.acquire)
def _acquiring(frame, now):
    primitive = frame.f_locals["self"]
    holder = getattr(primitive, "holder", None)
    held = f" held by {holder.describe()}" if holder is not None else ""
    return f"acquire {primitive._q_name}{held}", []


@describes(Task.wait)
def _on_task(frame, now):
    return f"await {frame.f_locals['self'].describe()}", []


async def yield_now() -> None:
    await trio.lowlevel.checkpoint()


def is_cancelled() -> bool:
    task = CURRENT_TASK.get()
    if task is not None and task.cancel_requested:
        return True
    try:
        return trio.current_effective_deadline() == float("-inf")
    except RuntimeError:
        return False


def channel(capacity=None) -> Channel:
    return Channel(capacity)


async def run_in_thread(fn):
    if not callable(fn):
        raise TypeErr("async.run_in_thread() expects a function")
    return await trio.to_thread.run_sync(fn)


def _current_time() -> float:
    current_bridge()
    return trio.current_time()


def make_module(interpreter) -> QModule:
    module = QModule("async", "Tasks, channels and structured concurrency on Trio.")
    members = {
        "spawn": spawn, "block_on": block_on, "sleep": sleep, "timeout": combinators.timeout,
        "join_all": combinators.join_all, "try_join_all": combinators.try_join_all,
        "race": combinators.race, "race_ok": combinators.race_ok, "yield_now": yield_now,
        "is_cancelled": is_cancelled, "channel": channel, "select": select,
        "timeout_channel": TimeoutChannel, "nursery": nursery, "local": Local,
        "Lock": Lock, "Semaphore": Semaphore, "Event": Event, "CapacityLimiter": CapacityLimiter,
        "run_in_thread": run_in_thread, "stream": Stream, "now": _current_time,
        **ASYNC_ERRORS,
    }
    module.__dict__.update(members)
    return module
