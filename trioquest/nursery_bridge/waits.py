"""Which waits only another task of the program can end (CONCURRENCY.md §8).

A task parked in a channel operation, on an Event or Lock, awaiting another
task, in a select without a deadline or in a nursery waiting for its
children can only be woken by another task of the same program.  The
functions doing those waits are registered here (`in_memory`), so the
deadlock detector can tell such a task from one waiting for the kernel, a
thread or a clock.  Anything not registered counts as "something outside
may wake it": the detector errs on the side of never firing.

A wait is ``user`` when a Quest program called it (``ch.recv()``, ``await
task``): a DeadlockError can be raised there.  ``internal`` waits are the
runtime's own bookkeeping (a scope waiting for its cancelled children, the
starter parked with nothing to start).
"""

from __future__ import annotations

import os

import trio

USER, INTERNAL = "user", "internal"

WAITS: dict = {}            # code object -> USER or INTERNAL
_TRIO = os.path.dirname(trio.__file__) + os.sep


def in_memory(kind: str = USER):
    """Register a coroutine function whose wait only a task can end."""
    def register(fn):
        WAITS[fn.__code__] = kind
        return fn
    return register


def frames(coro) -> list:
    """The frames of a coroutine and of everything it awaits, outermost first."""
    found = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            found.append(frame)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return found


def parked_wait(coro):
    """(kind, frame) of the registered wait a suspended coroutine is parked
    in, when nothing but Trio's own code runs below it; else None (it waits
    for something else, or we cannot tell)."""
    stack = frames(coro)
    for i in range(len(stack) - 1, -1, -1):
        kind = WAITS.get(stack[i].f_code)
        if kind is None:
            if not stack[i].f_code.co_filename.startswith(_TRIO):
                return None
            continue
        # the outermost registered frame of the run of registered frames
        # right above the Trio ones names the wait (Task.wait above wait_done)
        j = i
        while j > 0 and stack[j - 1].f_code in WAITS:
            j -= 1
        kinds = [WAITS[f.f_code] for f in stack[j:i + 1]]
        return (USER if USER in kinds else INTERNAL), stack[j]
    return None
