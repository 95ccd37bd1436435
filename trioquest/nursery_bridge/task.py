"""Task handles (CONCURRENCY.md §3).

A task calls its function inside itself and awaits the result when it is
awaitable.  States: ``pending`` (spawned, not started), ``running``,
``finished``, ``failed``, ``cancelled``.  A task's failure is delivered where
it is observed: ``await task``, a combinator, ``try_unwrap``, or at its
scope's exit; cancellation is never a failure.
"""

from __future__ import annotations

import contextvars
from types import CoroutineType

import trio

from ..errors import QuestError
from .errors import CancelledError
from .scope import CURRENT_SCOPE, Scope

CURRENT_TASK: contextvars.ContextVar = contextvars.ContextVar("quest_task", default=None)


def is_awaitable(value) -> bool:
    return value.__class__ is CoroutineType or hasattr(value.__class__, "__await__")


class Task:
    __slots__ = ("id", "name", "fn", "scope", "site", "state", "result", "error", "observed",
                 "cancel_scope", "done", "callbacks", "aborted", "cancel_requested", "started",
                 "waiting_on", "propagate", "__weakref__")
    _q_name = "Task"

    def __init__(self, task_id: int, fn, name, scope, site, *, propagate: bool = False) -> None:
        self.id = task_id
        self.name = name
        self.fn = fn
        self.scope = scope
        self.site = site
        self.state = "pending"
        self.result = None
        self.error: QuestError | None = None
        self.observed = False
        self.cancel_scope = trio.CancelScope()
        self.done = trio.Event()
        self.callbacks: list | None = None
        self.aborted = False
        self.cancel_requested = False
        self.started = trio.current_time()
        self.waiting_on: str | None = None
        self.propagate = propagate

    # -- running ---------------------------------------------------------------------

    async def run(self) -> None:
        from ..eval.values.exceptions import to_quest_error

        CURRENT_TASK.set(self)
        self.state = "running"
        body = Scope("task")
        body.token = CURRENT_SCOPE.set(body)
        try:
            with self.cancel_scope:
                try:
                    value = self.fn()
                    if is_awaitable(value):
                        value = await value
                except BaseException as exc:
                    body.failing = exc
                    raise
                finally:
                    if body.leave():
                        await body.close()
                self.result = value
                self.state = "finished"
        except Exception as exc:
            self.error = to_quest_error(exc)
            self.state = "failed"
            if self.propagate:
                self.observed = True
                raise self.error from None
        finally:
            if self.state == "running" or self.state == "pending":
                self.state = "cancelled"
            self._finish()

    def _finish(self) -> None:
        self.done.set()
        self.fn = None
        callbacks, self.callbacks = self.callbacks, None
        for cb in callbacks or ():
            cb(self)

    def on_done(self, callback) -> None:
        """Call `callback(task)` when the task ends (at once if it has)."""
        if self.done.is_set():
            callback(self)
        else:
            if self.callbacks is None:
                self.callbacks = []
            self.callbacks.append(callback)

    # -- the Quest API ------------------------------------------------------------------

    def cancel(self) -> None:
        """Request cancellation: delivered at the task's next checkpoint."""
        if not self.done.is_set():
            self.cancel_requested = True
            self.cancel_scope.cancel()

    def abort(self) -> None:
        """Cancel; awaiting the task then raises at once, without waiting."""
        self.aborted = True
        self.cancel()

    def is_finished(self) -> bool:
        return self.done.is_set()

    def is_cancelled(self) -> bool:
        return self.state == "cancelled" or (self.cancel_requested and self.state != "finished"
                                             and self.state != "failed")

    def outcome(self):
        """The result, or the task's own error, or CancelledError (observing it)."""
        if self.state == "failed":
            self.observed = True
            raise self.error
        if self.state == "cancelled" or self.aborted:
            raise CancelledError(f"Task {self.id} was cancelled")
        return self.result

    def try_unwrap(self):
        if not self.done.is_set():
            if self.aborted:
                raise CancelledError(f"Task {self.id} was cancelled")
            return None
        return self.outcome()

    async def wait(self):
        if self.done.is_set() or self.aborted:
            await trio.lowlevel.checkpoint()
        else:
            me = CURRENT_TASK.get()
            if me is not None:
                me.waiting_on = f"task {self.id}"
            try:
                await self.done.wait()
            finally:
                if me is not None:
                    me.waiting_on = None
        return self.outcome()

    def __await__(self):
        return self.wait().__await__()

    def _q_str(self) -> str:
        label = f" {self.name}" if self.name else ""
        return f"<Task {self.id}{label} {self.state}>"
