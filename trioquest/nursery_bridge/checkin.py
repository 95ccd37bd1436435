"""Checking in before a task may suspend (see `task`).

A batched task runs its first step under the starter, in no Trio task of its
own.  Wherever it could suspend, it first awaits `checkin()`: in the first
step that yields `MIGRATE` to the starter, which hands the coroutine to a
Trio task of its own; there the task enters its cancel scope and goes on.
Everywhere else `checkin()` is done at once.  `PENDING_START` holds the task
whose first step is running (None elsewhere).
"""

from __future__ import annotations

import contextvars

from .diagnostics import describes

PENDING_START: contextvars.ContextVar = contextvars.ContextVar("quest_pending_start",
                                                              default=None)
pending_start = PENDING_START.get


class _Migrate:
    """Yielded by a task in its first step where it may suspend (to the
    starter, never to Trio); resumed in the task's own Trio task."""

    __slots__ = ()

    def __await__(self):
        yield self
        task = PENDING_START.get()
        PENDING_START.set(None)
        task.enter_cancel_scope()


class _Ready:
    """An awaitable that is done at once (nothing to migrate)."""

    __slots__ = ()

    def __await__(self):
        return iter(())


MIGRATE = _Migrate()
READY = _Ready()


def checkin():
    """``await checkin()`` before anything that may suspend: in a task's
    first step it moves the task to a Trio task of its own."""
    return READY if PENDING_START.get() is None else MIGRATE




@describes(_Migrate.__await__)
def _moving(frame, now):
    return "starting (moving to a Trio task of its own)", []
