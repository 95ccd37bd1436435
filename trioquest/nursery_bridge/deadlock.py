"""Global deadlock detection (CONCURRENCY.md §8).

A program is deadlocked when every one of its tasks waits for something only
another of its tasks could provide, and nothing from outside can wake any
of them:

* no Trio task is runnable, and nothing is queued from another thread
  (``run_sync_soon``);
* no deadline is pending (a sleep, a timeout, a select with a
  timeout_channel: whatever clock the run uses, so under a MockClock too);
* no task waits for the kernel (sockets, listening servers, pipes,
  subprocesses), and
* every task is parked in a wait registered in `waits` (channels, Events,
  Locks, awaiting a task, a nursery waiting for its children).  A task in
  anything else (a worker thread, a database query, code we do not know) is
  taken to be wakeable: the detector never fires on a program that
  something outside can still wake.

How it looks: a daemon thread asks the Trio loop, a few times a second, to
run `Watchdog.check` (``run_sync_soon``).  The check runs in the loop's own
thread between task steps, so what it sees is one consistent state; the
thread costs nothing while the program runs (one wake-up per interval), and
it is outside the run's clock, so a MockClock sees no deadline of ours.  The
last task found wakeable is remembered and looked at first next time, so a
program with many parked tasks and one in I/O costs one look per check.

Then `respond` shows the task tree and raises DeadlockError where the main
program waits.

For trioquest's own tests, two environment variables: TRIOQUEST_DEADLOCK_INTERVAL
(seconds between checks) and TRIOQUEST_DEADLOCK_TRACE=1 (each check writes
its verdict to stderr as ``trioquest-deadlock-check: VERDICT``), so a test
can wait until the detector has looked at a state instead of sleeping.
"""

from __future__ import annotations

import math
import os
import sys
import threading

import trio

from .errors import DeadlockError
from .waits import USER, parked_wait

INTERVAL = 0.2      # seconds between checks: a deadlock ends the program within ~0.4 s


def task_coroutine(trio_task):
    """The coroutine a Trio task runs: inside greenback's shim for tasks
    with a portal."""
    coro = trio_task.coro
    frame = getattr(coro, "cr_frame", None)
    if frame is not None and frame.f_code.co_name == "greenback_shim":
        return frame.f_locals.get("orig_coro")
    return coro


def all_trio_tasks() -> list:
    """Every Trio task of the run, the root first."""
    found = []
    stack = [trio.lowlevel.current_root_task()]
    while stack:
        task = stack.pop()
        found.append(task)
        for nursery in task.child_nurseries:
            stack.extend(nursery.child_tasks)
    return found


def _busy() -> str | None:
    """Why something may still happen: a task is runnable, something is
    queued from a thread, a deadline is pending or a task waits for I/O
    (None: none of these)."""
    stats = trio.lowlevel.current_statistics()
    if stats.tasks_runnable or stats.run_sync_soon_queue_size:
        return "runnable"
    if stats.seconds_to_next_deadline != math.inf:
        return "deadline"
    io = stats.io_statistics
    if io.backend == "epoll":
        waiting = io.tasks_waiting_read or io.tasks_waiting_write
    elif io.backend == "kqueue":
        waiting = io.tasks_waiting or io.monitors
    else:
        waiting = True  # a backend whose statistics we do not know: never claim a deadlock
    return "io" if waiting else None


def _wakeable(trio_task) -> bool:
    coro = task_coroutine(trio_task)
    if getattr(coro, "cr_frame", None) is None and getattr(coro, "gi_frame", None) is None:
        return False                        # ended (or not a coroutine we can read)
    return parked_wait(coro) is None


class Watchdog:
    """The thread and the check; `on_deadlock(parked)` gets the parked Trio
    tasks (as ``[(trio_task, kind, frame)]``) when the program is deadlocked."""

    def __init__(self, on_deadlock, interval: float | None = None) -> None:
        self.on_deadlock = on_deadlock
        self.interval = interval or float(os.environ.get("TRIOQUEST_DEADLOCK_INTERVAL", INTERVAL))
        self.trace = bool(os.environ.get("TRIOQUEST_DEADLOCK_TRACE"))
        self.token = trio.lowlevel.current_trio_token()
        self.root = trio.lowlevel.current_root_task()
        self.stopped = threading.Event()
        self.asked = False
        self.witness = None             # the last task found wakeable
        self.thread = threading.Thread(target=self._run, name="trioquest-deadlock-watch",
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if threading.current_thread() is not self.thread:
            self.thread.join()      # at once: the event wakes it

    def _run(self) -> None:
        while not self.stopped.wait(self.interval):
            if self.asked:
                continue                # the loop has not run the last check yet
            self.asked = True
            try:
                self.token.run_sync_soon(self._check)
            except trio.RunFinishedError:
                return

    def _check(self) -> None:
        self.asked = False
        if self.stopped.is_set():
            return
        try:
            verdict, parked = self.parked()
            if self.trace:
                sys.stderr.write(f"trioquest-deadlock-check: {verdict}\n")
                sys.stderr.flush()
            if parked is not None:
                self.on_deadlock(parked)
        except Exception:  # noqa: BLE001 - a failing check must never take the run down
            self.stop()

    def parked(self):
        """(verdict, parked): parked is [(trio_task, kind, frame)] when
        every task is parked in an in-memory wait and nothing can wake them,
        else None; the verdict says which (``runnable``, ``deadline``,
        ``io``, ``wakeable TASK``, ``deadlock``)."""
        busy = _busy()
        if busy is not None:
            return busy, None
        witness = self.witness
        if witness is not None and _wakeable(witness):
            return f"wakeable {witness.name}", None
        here = trio.lowlevel.current_task()
        parked = []
        for task in all_trio_tasks():
            if task is here or task is self.root:
                continue
            wait = parked_wait(task_coroutine(task))
            if wait is None:
                self.witness = task
                return f"wakeable {task.name}", None
            parked.append((task, *wait))
        self.witness = None
        return "deadlock", parked


def respond(bridge, parked) -> None:
    """The watchdog found every task parked for good: show the task tree
    and raise DeadlockError where the main program waits; if it does not
    wait in Quest code (it is ending, and tasks it cancelled are stuck in
    their cleanup), in every task that waits."""
    from .diagnostics import snapshot, wait_of

    main = [p for p in parked if p[0] is bridge.main_trio_task and p[1] == USER]
    targets = main or [p for p in parked if p[1] == USER]
    targets = [p for p in targets if getattr(p[0], "_abort_func", None) is not None]
    if not targets:
        return
    tree = snapshot(bridge)
    bridge.diagnostics.deadlocks.append(tree)
    if main:
        what, _, _ = wait_of(bridge.main.coro, bridge.now())
        message = ("every task is waiting and nothing can wake any of them "
                   f"(the main program waits here: {what})")
    else:
        message = ("every task is waiting and nothing can wake any of them "
                   "(while the program ends)")
    bridge.reporter.deadlock(tree, message)
    for trio_task, _, _ in targets:
        _raise_in(trio_task, DeadlockError(message))


def _raise_in(trio_task, error: BaseException) -> None:
    """Raise `error` in a Trio task parked in a wait, as Trio delivers a
    Ctrl-C to the main task: the wait's abort function tidies up (it leaves
    the channel's or lock's queue), then the task resumes with the error."""
    def raise_error():
        raise error

    trio_task._attempt_abort(raise_error)
