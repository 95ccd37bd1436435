"""The starter: runs the first step of batched tasks (see `task`).

One Trio task per run.  ``spawn`` queues a task and wakes the starter if it
is parked; the starter then runs the first step of every task queued so far,
in spawn order, each in its own context (a copy of its spawner's, as Trio
gives a new task).  A first step ends in one of two ways:

* the task finished (it never needed to suspend): nothing more to do;
* the task yielded `MIGRATE`: its coroutine goes to a Trio task of its own
  in the root nursery, where it enters its cancel scope and continues.

Tasks queued during a batch wait for the next one, after a checkpoint, so a
storm of spawns cannot starve the rest of the program.  When the run ends,
tasks still queued (all cancelled by their scopes by then) end as cancelled
without running.
"""

from __future__ import annotations

from collections import deque

import trio

from .checkin import MIGRATE, PENDING_START
from .waits import INTERNAL, in_memory


class Starter:
    def __init__(self, nursery: trio.Nursery) -> None:
        self.nursery = nursery
        self.queue: deque = deque()
        self.parked = None          # the starter's Trio task while it waits
        self.current = None         # the task whose first step runs now (the task tree)
        self.cancel_scope = trio.CancelScope()

    def add(self, task) -> None:
        """Queue `task` (spawn): its first step runs at the next batch."""
        self.queue.append(task)
        parked = self.parked
        if parked is not None:
            self.parked = None
            trio.lowlevel.reschedule(parked)

    @in_memory(INTERNAL)
    async def serve(self) -> None:
        batch: deque = deque()
        with self.cancel_scope:
            try:
                while True:
                    if not self.queue:
                        self.parked = trio.lowlevel.current_task()
                        await trio.lowlevel.wait_task_rescheduled(self._unpark)
                    batch, self.queue = self.queue, deque()
                    while batch:
                        self.first_step(batch.popleft())
                    if self.queue:  # spawned by these first steps: the next round
                        await trio.lowlevel.checkpoint()
            finally:
                for task in (*batch, *self.queue):  # cancelled by their scopes already,
                    task.cancel("the end of the program")  # unless the run is failing
                    _drop(task)

    def _unpark(self, raise_cancel):
        self.parked = None
        return trio.lowlevel.Abort.SUCCEEDED

    def stop(self) -> None:
        self.cancel_scope.cancel()

    def first_step(self, task) -> None:
        context = task.context
        task.context = None
        coro = task.coro
        context.run(PENDING_START.set, task)
        self.current = task
        try:
            signal = context.run(coro.send, None)
        except StopIteration:
            return                  # finished without suspending
        finally:
            self.current = None
        if signal is not MIGRATE:
            coro.close()
            raise RuntimeError(f"trioquest bug: task {task.id} yielded {signal!r} "
                               "in its first step")
        context.run(self.nursery.start_soon, given, coro, name="trioquest.task")


def given(coro):
    """What start_soon calls for a task: its coroutine, made by spawn (and
    for a migrated task, already started)."""
    return coro


def _drop(task) -> None:
    """End a queued task that never started (its coroutine never ran)."""
    coro, context = task.coro, task.context
    task.context = None
    if coro is not None:
        try:
            context.run(coro.send, None)    # sees cancel_requested: ends as cancelled
        except StopIteration:
            pass
