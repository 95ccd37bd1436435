"""Task handles (CONCURRENCY.md §3).

A task calls its function inside itself and awaits the result when it is
awaitable.  States: ``pending`` (spawned, not started), ``running``,
``finished``, ``failed``, ``cancelled``.  A task's failure is delivered where
it is observed: ``await task``, a combinator, ``try_unwrap``, or at its
scope's exit; cancellation is never a failure.

The per-task Trio cancel scope is entered lazily.  Entering one costs about
as much as spawning the task, and most short tasks never suspend, so a task
enters it only just before it can first suspend: at its first Quest
``await`` (also ``for x in chan`` and ``async with``), or at once when its
body is not Quest code.  Until then the task cannot be parked in Trio, so a
`cancel()` needs no delivery: a task not started yet never runs its body, and
one running (between suspensions, or in its scope's shielded close) has its
scope cancelled before it is entered, which Trio delivers at the first
checkpoint inside.  `PENDING_ENTRY` holds the task whose scope is still to
be entered; generated code checks it before every await.
"""

from __future__ import annotations

import contextvars
from types import CoroutineType

import trio

from ..eval.values.exceptions import QUEST_SOURCES, to_quest_error
from .errors import CancelledError
from .scope import CANCELLED, CURRENT_SCOPE, DONE, FAILED, FINISHED, PENDING, RUNNING, TaskScope

CURRENT_TASK: contextvars.ContextVar = contextvars.ContextVar("quest_task", default=None)
PENDING_ENTRY: contextvars.ContextVar = contextvars.ContextVar("quest_pending_entry",
                                                               default=None)
pending_entry = PENDING_ENTRY.get


def is_awaitable(value) -> bool:
    return value.__class__ is CoroutineType or hasattr(value.__class__, "__await__")


async def ensure_portal() -> None:
    """Let sync code in this task suspend it (greenback; block_on)."""
    import greenback

    await greenback.ensure_portal()


def enter_pending() -> None:
    """Enter the current task's cancel scope if it still waits to be entered
    (called before anything that may suspend)."""
    task = PENDING_ENTRY.get()
    if task is not None:
        task.enter()


class Task:
    __slots__ = ("id", "name", "fn", "scope", "site", "state", "result", "error", "observed",
                 "cancel_scope", "entered", "event", "callbacks", "aborted", "cancel_requested",
                 "cancelled_by", "started", "parent", "portal", "coro", "__weakref__")
    _q_name = "Task"

    def __init__(self, task_id: int, fn, name, scope, site, started: float, parent) -> None:
        self.id = task_id
        self.name = name
        self.fn = fn
        self.scope = scope          # the Scope that owns it
        self.site = site            # (file, line) of the spawn call, or None
        self.state = PENDING
        self.result = None
        self.error = None
        self.observed = False
        self.cancel_scope = None    # made when first needed
        self.entered = False
        self.event = None           # a trio.Event, made when somebody waits
        self.callbacks = None
        self.aborted = False
        self.cancel_requested = False
        self.cancelled_by = None    # what requested the cancellation, in Quest terms
        self.started = started      # trio.current_time() at spawn
        self.parent = parent        # the Task that spawned it (None: the main task)
        self.portal = False         # install a greenback portal (block_on from sync code)
        self.coro = None            # the coroutine of run(), while it runs (diagnostics)

    # -- running ---------------------------------------------------------------------

    async def run(self) -> None:
        CURRENT_TASK.set(self)      # each Trio task runs in its own context
        if self.cancel_requested:   # cancelled before it started: the body never runs
            self.state = CANCELLED
            self._finish()
            return
        self.state = RUNNING
        body = TaskScope()
        CURRENT_SCOPE.set(body)
        PENDING_ENTRY.set(self)
        try:
            try:
                if self.portal:
                    self.enter()
                    await ensure_portal()
                value = self.fn()
                if value.__class__ is CoroutineType:
                    if value.cr_code.co_filename not in QUEST_SOURCES:
                        self.enter()
                    value = await value
                elif hasattr(value.__class__, "__await__"):
                    self.enter()
                    value = await value
            except BaseException as exc:
                body.failing = exc
                raise
            finally:
                if body.children is not None:
                    await body.close()
        except BaseException as exc:
            if self.entered:
                self.entered = False
                try:
                    if self.cancel_scope.__exit__(exc.__class__, exc, exc.__traceback__):
                        self.state = CANCELLED      # our own cancellation, now unwound
                        return
                except BaseException as remaining:
                    exc = remaining
            if not isinstance(exc, Exception):
                self.state = CANCELLED              # Trio's cancellation from outside
                raise exc
            self.error = to_quest_error(exc)
            self.state = FAILED
            if self.scope.propagate:                # async.nursery: fail fast
                self.observed = True
                raise self.error from None
        else:
            if self.entered:
                self.entered = False
                self.cancel_scope.__exit__(None, None, None)
            self.result = value
            self.state = FINISHED
        finally:
            self._finish()

    def enter(self) -> None:
        """Enter the task's cancel scope (see the module docstring)."""
        PENDING_ENTRY.set(None)
        if not self.entered:
            self.entered = True
            if self.cancel_scope is None:
                self.cancel_scope = trio.CancelScope()
            self.cancel_scope.__enter__()

    def _finish(self) -> None:
        self.fn = self.coro = None
        if self.event is not None:
            self.event.set()
        callbacks, self.callbacks = self.callbacks, None
        for cb in callbacks or ():
            cb(self)

    def on_done(self, callback) -> None:
        """Call `callback(task)` when the task ends (at once if it has)."""
        if self.state in DONE:
            callback(self)
        elif self.callbacks is None:
            self.callbacks = [callback]
        else:
            self.callbacks.append(callback)

    async def wait_done(self) -> None:
        """Wait until the task has ended (a checkpoint only when it waits)."""
        if self.state not in DONE:
            if self.event is None:
                self.event = trio.Event()
            await self.event.wait()

    # -- the Quest API ------------------------------------------------------------------

    def cancel(self, by: str | None = None) -> None:
        """Request cancellation: delivered at the task's next checkpoint."""
        if self.state in DONE:
            return
        self.cancel_requested = True
        if self.cancelled_by is None:
            self.cancelled_by = by or "task.cancel()"
        if self.cancel_scope is None:
            self.cancel_scope = trio.CancelScope()
        self.cancel_scope.cancel()

    def abort(self) -> None:
        """Cancel; awaiting the task then raises at once, without waiting."""
        self.aborted = True
        self.cancel("task.abort()")

    def is_finished(self) -> bool:
        return self.state in DONE

    def is_cancelled(self) -> bool:
        return self.state is CANCELLED or (self.cancel_requested and self.state not in DONE)

    def outcome(self):
        """The result, or the task's own error, or CancelledError (observing it)."""
        if self.state is FAILED:
            self.observed = True
            raise self.error
        if self.state is CANCELLED or self.aborted:
            raise CancelledError(f"Task {self.id} was cancelled")
        return self.result

    def try_unwrap(self):
        if self.state not in DONE:
            if self.aborted:
                raise CancelledError(f"Task {self.id} was cancelled")
            return None
        return self.outcome()

    async def wait(self):
        if self.state in DONE or self.aborted:
            await trio.lowlevel.checkpoint()
        else:
            await self.wait_done()
        return self.outcome()

    def __await__(self):
        return self.wait().__await__()

    def _q_str(self) -> str:
        label = f" {self.name}" if self.name else ""
        return f"<Task {self.id}{label} {self.state}>"
