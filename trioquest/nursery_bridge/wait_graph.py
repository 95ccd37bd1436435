"""Cycles of waits the runtime can see exactly (CONCURRENCY.md §8).

Two kinds of wait have a known waker: ``await task`` (only that task's end
wakes it) and acquiring a held ``async.Lock`` (only its holder's release
does).  While a task (or the main program) waits in one of them, its
`waits_on` names what it waits for.  Before a new wait of either kind
begins, the chain is followed: the awaited task's own wait, the lock
holder's wait, and so on.  If it comes back to the waiter, the new wait
would close a cycle that can never end, so the waiter gets
``async.DeadlockError`` at once, naming every task of the cycle and the
line it waits at, even while the rest of the program runs on.  Awaiting
itself is the shortest cycle.  A wait under a deadline (inside
``async.timeout``, or ``async.timeout(task, secs)`` itself) will end by
itself, so it takes no part: `waiter()` is None there.
"""

from __future__ import annotations

import contextvars
import math

import trio

from .errors import DeadlockError


class MainProgram:
    """The main program as a node of the graph (it has no Task handle)."""

    __slots__ = ("waits_on", "coro")

    def __init__(self, coro=None) -> None:
        self.waits_on = None
        self.coro = coro        # the coroutine of the main program's Trio task

    def describe(self) -> str:
        return "the main program"


MAIN: contextvars.ContextVar = contextvars.ContextVar("quest_main_program", default=None)


def waiter(current_task):
    """The node about to wait without a deadline: the current Task, or the
    main program; None when a deadline bounds the wait (or outside a run)."""
    me = current_task or MAIN.get()
    if me is None or trio.current_effective_deadline() != math.inf:
        return None
    return me


def holder(target):
    """Who must act for a wait on `target` to end: the awaited task itself,
    or the holder of a lock (None: nobody holds it)."""
    return getattr(target, "holder", target)


def check(waiter, target, what: str) -> None:
    """Raise DeadlockError if `waiter` waiting on `target` closes a cycle."""
    node = holder(target)
    chain = [(waiter, target)]
    seen = set()
    while node is not None:
        if node is waiter:
            raise DeadlockError(_message(chain, what))
        if id(node) in seen:
            return              # a cycle not through the waiter: its own members get it
        seen.add(id(node))
        nxt = getattr(node, "waits_on", None)
        if nxt is None:
            return
        chain.append((node, nxt))
        node = holder(nxt)


def _message(chain, what: str) -> str:
    waiter, target = chain[0]
    if len(chain) == 1 and holder(target) is waiter:
        if what == "await":
            return f"{_cap(waiter.describe())} awaits itself: it would wait for ever"
        return (f"{_cap(waiter.describe())} already holds this Lock: acquiring it again "
                "would wait for ever")
    text = f"{waiter.describe()} {_verb(target)}"
    for node, on in chain[1:]:
        place = _waiting_site(node)
        text += f", which {_verb(on)}" + (f" at {place}" if place else "")
    return _cap(text) + ": a cycle of waits that can never end"


def _verb(target) -> str:
    if not hasattr(target, "holder"):
        return f"awaits {target.describe()}"
    owner = target.holder
    held = f" held by {owner.describe()}" if owner is not None else ""
    return f"waits to acquire a {target._q_name}{held}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _waiting_site(node) -> str | None:
    """The Quest line a parked task (or the main program) waits at."""
    from .diagnostics import quest_site

    site = quest_site(node.coro) if node.coro is not None else None
    return None if site is None else str(site)
