"""Task handles (CONCURRENCY.md §3).

A task calls its function inside itself and awaits the result when it is
awaitable.  States: ``pending`` (spawned, not started), ``running``,
``finished``, ``failed``, ``cancelled``.  A task's failure is delivered where
it is observed: ``await task``, a combinator, ``try_unwrap``, or at its
scope's exit; cancellation is never a failure.

How a task runs on Trio (see `starter` for the first step):

* Most tasks start *batched*: the run's `Starter` runs their first step, in
  the task's own context, up to the first point where the task could
  suspend.  A task that finishes before that (a short computation, a cached
  value) never needs a Trio task or a cancel scope, which cost about as much
  as the work of most such tasks.
* At its first possible suspension (a Quest ``await``, ``for x in chan``,
  ``async with``, its scope's close, or an awaitable that is not Quest code)
  the task yields `MIGRATE` to the starter, which hands its coroutine to a
  Trio task of its own; resumed there, the task enters its cancel scope and
  goes on.  Until then the task has entered no Trio cancel scope, so its
  coroutine can move to another Trio task, and its cancel scope nests right.
  `PENDING_START` holds the task that is still in its first step; generated
  code checks it before every await.
* Tasks of an ``async.nursery`` (failures must reach that Trio nursery) and
  tasks that need greenback portals run *directly*, in a Trio task of their
  own from the start.

The cancel scope is entered and exited by hand (`enter_cancel_scope`, and
at the end of `main`), because it is entered in a frame nested inside main.

`cancel()` of a task that has not started means its body never runs; a task
running its first step cannot be cancelled by anybody else (it is running),
and its own `cancel()` takes effect at its first checkpoint.
"""

from __future__ import annotations

import contextvars
from types import CoroutineType

import trio

from ..eval.values.exceptions import QUEST_SOURCES, to_quest_error
from .checkin import PENDING_START, checkin
from .failures import task_failed
from .wait_graph import check, waiter
from .waits import INTERNAL, in_memory
from .errors import CancelledError
from .scope import CANCELLED, CURRENT_SCOPE, DONE, FAILED, FINISHED, PENDING, RUNNING, TaskScope

CURRENT_TASK: contextvars.ContextVar = contextvars.ContextVar("quest_task", default=None)
def is_awaitable(value) -> bool:
    return value.__class__ is CoroutineType or hasattr(value.__class__, "__await__")


async def ensure_portal() -> None:
    """Let sync code in this task suspend it (greenback; block_on)."""
    import greenback

    await greenback.ensure_portal()


class Task:
    __slots__ = ("id", "name", "fn", "scope", "site", "state", "result", "error", "observed",
                 "cancel_scope", "entered", "event", "callbacks", "aborted", "cancel_requested",
                 "cancelled_by", "started", "parent", "coro", "context", "direct",
                 "reported", "waits_on", "__weakref__")
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
        self.entered = False        # is the task inside its cancel scope?
        self.event = None           # a trio.Event, made when somebody waits
        self.callbacks = None
        self.aborted = False
        self.cancel_requested = False
        self.cancelled_by = None    # what requested the cancellation, in Quest terms
        self.started = started      # trio.current_time() at spawn
        self.parent = parent        # the Task that spawned it (None: the main task)
        self.coro = None            # main(), while it runs (what it waits on: diagnostics)
        self.context = None         # the context of its first step (batched tasks)
        self.direct = None          # None: batched; else run directly (True: with a portal)
        self.reported = False       # its failure was reported before anybody observed it
        self.waits_on = None        # the Task or Lock it waits for (wait_graph)

    # -- running ---------------------------------------------------------------------

    async def main(self) -> None:
        """The whole task: its body, its scope's close, its final state."""
        CURRENT_TASK.set(self)
        if self.cancel_requested:   # cancelled before it started: the body never runs
            self.state = CANCELLED
            self._finish()
            return
        self.state = RUNNING
        body = TaskScope()
        CURRENT_SCOPE.set(body)
        try:
            try:
                if self.direct is not None:
                    PENDING_START.set(None)
                    self.enter_cancel_scope()
                    if self.direct:
                        await ensure_portal()
                value = self.fn()
                if value.__class__ is CoroutineType:
                    if value.cr_code.co_filename not in QUEST_SOURCES:
                        await checkin()
                    value = await value
                elif hasattr(value.__class__, "__await__"):
                    await checkin()
                    value = await value
            except BaseException as exc:
                body.failing = exc
                raise
            finally:
                if body.children is not None:
                    await checkin()
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
            task_failed(self)
        else:
            if self.entered:
                self.entered = False
                self.cancel_scope.__exit__(None, None, None)
            self.result = value
            self.state = FINISHED
        finally:
            self._finish()

    def enter_cancel_scope(self) -> None:
        """Enter the task's cancel scope, in the Trio task that runs it from now."""
        if self.cancel_scope is None:
            self.cancel_scope = trio.CancelScope()
        self.cancel_scope.__enter__()
        self.entered = True

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

    @in_memory(INTERNAL)
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
            raise CancelledError(f"{_upper_first(self.describe())} was cancelled")
        return self.result

    def try_unwrap(self):
        if self.state not in DONE:
            if self.aborted:
                raise CancelledError(f"{_upper_first(self.describe())} was cancelled")
            return None
        return self.outcome()

    @in_memory()
    async def wait(self):
        """``await task``: its result, its error, or CancelledError.  A
        wait that would close a cycle of awaits raises DeadlockError."""
        await checkin()
        if self.state in DONE or self.aborted:
            await trio.lowlevel.checkpoint()
        else:
            me = waiter(CURRENT_TASK.get())
            if me is not None:
                check(me, self, "await")
                me.waits_on = self
                try:
                    await self.wait_done()
                finally:
                    me.waits_on = None
            else:
                await self.wait_done()
        return self.outcome()

    def __await__(self):
        return self.wait().__await__()

    def describe(self) -> str:
        """``task 3 (worker-1)``, or ``a task of async.join_all()`` for the
        unnumbered children of combinators."""
        if self.id is None:
            return f"a task of {self.scope.describe()}"
        return f"task {self.id}" + (f" ({self.name})" if self.name else "")

    def _q_str(self) -> str:
        label = f" {self.name}" if self.name else ""
        return f"<Task {self.id}{label} {self.state}>"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
