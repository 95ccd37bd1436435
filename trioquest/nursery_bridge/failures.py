"""A failure never waits silently (CONCURRENCY.md §2).

A task's failure is delivered where it is observed (``await``, a
combinator) or raised when its scope ends.  A scope may live for ever (a
server's accept loop), so a failed task that stays unobserved for a short
grace period (`GRACE` seconds of the run's clock, ``--failure-grace``) is
reported at once through the run's reporter, with its Quest location and
stack.  It is reported once: the error is still raised at scope exit, and
the report of it there says it was reported already.

One Trio task per run keeps the pending failures in the order they
happened and sleeps until the next one is due; with nothing pending it is
parked (no deadline, so it never keeps a deadlocked program alive).
"""

from __future__ import annotations

import contextvars
from collections import deque

import trio

from .scope import FAILED
from .waits import INTERNAL, in_memory

GRACE = 0.5     # seconds a failure may stay unobserved before it is reported

WATCH: contextvars.ContextVar = contextvars.ContextVar("quest_failure_watch", default=None)

# Called as hook(task, error) the moment a task fails, before anybody has
# observed it: how std/http answers 500 at once for the requests a failed
# handler task held.  A hook must not raise.
FAILURE_HOOKS: list = []


def task_failed(task) -> None:
    """Called by a task that has just failed (its error not yet observed)."""
    for hook in FAILURE_HOOKS:
        try:
            hook(task, task.error)
        except Exception:  # noqa: BLE001 - a hook's bug must not hide the failure
            pass
    watch = WATCH.get()
    if watch is not None:
        watch.task_failed(task)


class FailureWatch:
    def __init__(self, bridge, grace: float | None) -> None:
        self.bridge = bridge
        self.grace = grace
        self.pending: deque = deque()   # (due, task), oldest first
        self.failed: list = []          # tasks that failed, while nobody observed them
        self.compact_at = 64
        self.parked = None
        self.cancel_scope = trio.CancelScope()

    def task_failed(self, task) -> None:
        """`task` has just failed and nobody has observed its error yet."""
        failed = self.failed
        failed.append(task)
        if len(failed) >= self.compact_at:      # forget the observed ones (amortised)
            failed[:] = self.unobserved()
            self.compact_at = max(64, 2 * len(failed))
        if self.grace is None:
            return
        self.pending.append((self.bridge.now() + self.grace, task))
        parked = self.parked
        if parked is not None:
            self.parked = None
            trio.lowlevel.reschedule(parked)

    def unobserved(self) -> list:
        """The failed tasks whose error nobody has observed yet (the task
        tree shows them; the REPL's :leaks counts them)."""
        return [t for t in self.failed if not t.observed]

    def stop(self) -> None:
        self.cancel_scope.cancel()

    @in_memory(INTERNAL)
    async def serve(self) -> None:
        with self.cancel_scope:
            while True:
                if not self.pending:
                    self.parked = trio.lowlevel.current_task()
                    await trio.lowlevel.wait_task_rescheduled(self._unpark)
                    continue
                due, task = self.pending[0]
                await trio.sleep_until(due)
                self.pending.popleft()
                if task.state is FAILED and not task.observed and not task.reported:
                    task.reported = True
                    reporter = self.bridge.reporter
                    reporter.task_failed(task)
                    if reporter.shows:  # the report at scope exit can refer to it
                        task.error._q_reported_by = task.describe()

    def _unpark(self, raise_cancel):
        self.parked = None
        return trio.lowlevel.Abort.SUCCEEDED
