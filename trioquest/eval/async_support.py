"""Helpers for compiled async code: ``await`` of any value, async calls as
scopes, ``async with`` and ``for x in channel``.  Imported (with Trio) only by
programs that use async features: the compiler adds these to a module's
globals when needed.

Before anything that may suspend, a task still in its batched first step
moves to a Trio task of its own (`nursery_bridge.task`): ``await`` checks
`_Q_pending()` inline (and awaits `_Q_migrate`), and the helpers below
await `checkin()` themselves.
"""

from __future__ import annotations

import math
import sys
from types import CoroutineType

import trio

from ..nursery_bridge.checkin import MIGRATE, checkin, pending_start
from ..nursery_bridge.portals import PORTALS
from ..nursery_bridge.runner import run_scoped
from ..nursery_bridge.scope import CURRENT_SCOPE, Scope
from ..nursery_bridge.task import Task, ensure_portal
from .values.methods import METHODS


async def _ready(value):
    return value


def awaitable(value):
    """What ``await value`` awaits: the value itself when it is awaitable,
    else a coroutine returning it (``await 5`` is 5, CONCURRENCY.md §1).
    A Task is awaited through its ``wait()`` coroutine, so that the task
    tree can see what its awaiter waits for."""
    if value.__class__ is Task:
        return value.wait()
    if hasattr(value.__class__, "__await__"):
        return value
    return _ready(value)


def is_async_iterable(value) -> bool:
    return hasattr(value.__class__, "__aiter__")


class AsyncWith:
    """``async with``: ``_aenter``/``_aexit``, or ``_enter``/``_exit`` awaited
    when they return awaitables (QEP-027 async context managers)."""

    __slots__ = ("manager",)

    def __init__(self, manager) -> None:
        self.manager = manager

    async def _call(self, names):
        table = METHODS[self.manager.__class__]
        for name in names:
            if name in table:
                value = table[name](self.manager)
                if hasattr(value.__class__, "__await__"):
                    value = await value
                return value
        from ..errors import AttrErr
        from .values.forms import type_name

        raise AttrErr(f"{type_name(self.manager)} cannot be used with 'async with': "
                      f"no {names[0]}() or {names[1]}()")

    async def __aenter__(self):
        await checkin()
        native = getattr(self.manager.__class__, "__aenter__", None)
        if native is not None:   # a std object (a transaction, a file): Python's protocol
            return await native(self.manager)
        return await self._call(("_aenter", "_enter"))

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        native = getattr(self.manager.__class__, "__aexit__", None)
        if native is not None:   # it is told whether the block failed (commit or roll back)
            suppress = await native(self.manager, exc_type, exc, tb)
        else:
            suppress = await self._call(("_aexit", "_exit"))
        return bool(suppress) and exc_type is not None and issubclass(exc_type, Exception)


ENSURE_GRACE = 5.0   # seconds a cancelled task's ensure block may still await


class Cleanup:
    """``async with _Q_cleanup()``: the context an ``ensure`` block that
    awaits runs in.  It is shielded from cancellation, so it runs to its
    end whatever cancelled its task (``task.cancel()``, a timeout, a failing
    nursery sibling, scope exit, Ctrl-C, SIGTERM); a cancellation that
    comes while it runs is delivered after it.  When it starts while its
    task is being cancelled, its awaits get `ENSURE_GRACE` seconds, after
    which they are cancelled.  A task in its batched first step moves to
    its own Trio task before the shield is entered."""

    __slots__ = ("deadline", "scope")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.scope = None

    async def __aenter__(self):
        if pending_start() is not None:
            await MIGRATE
        self.scope = trio.CancelScope(shield=True, deadline=self.deadline)
        self.scope.__enter__()

    async def __aexit__(self, exc_type, exc, tb):
        return self.scope.__exit__(exc_type, exc, tb)


def cleanup():
    """The `Cleanup` for an ensure block starting now (called where the
    block starts, so it sees the exception that is unwinding)."""
    exc = sys.exc_info()[1]
    if (exc is not None and not isinstance(exc, Exception)) \
            or trio.current_effective_deadline() == -math.inf:
        return Cleanup(trio.current_time() + ENSURE_GRACE)
    return Cleanup(math.inf)


async def block_on_here(fn):
    """``async.block_on(fn)`` written in async code: await it in a scope."""
    return await run_scoped(fn)


block_on_here.__qualname__ = "async.block_on"  # what its argument errors name


async def portal_check():
    """After a ``use`` in async code: once some module calls block_on from
    sync functions, the running task gets a greenback portal."""
    if PORTALS[0]:
        import greenback

        if not greenback.has_portal():
            await checkin()
            await ensure_portal()


HELPERS = {
    "_Q_Scope": Scope,
    "_Q_CS": CURRENT_SCOPE,
    "_Q_pending": pending_start,
    "_Q_checkin": checkin,
    "_Q_migrate": MIGRATE,
    "_Q_Coroutine": CoroutineType,
    "_Q_awaitable": awaitable,
    "_Q_is_aiter": is_async_iterable,
    "_Q_AsyncWith": AsyncWith,
    "_Q_block_on_here": block_on_here,
    "_Q_portal_check": portal_check,
    "_Q_cleanup": cleanup,
}
