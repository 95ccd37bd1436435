"""Scopes: where tasks live (CONCURRENCY.md §2).

Every async function call, every ``block_on``, each task body and the module
top level is a scope.  ``async.spawn`` attaches the new task to the innermost
scope of the code calling it, found through a context variable, also from a
sync helper.  When a scope's body ends, its still-running children are
cancelled (each recorded as a leak) and waited for, so their ``ensure``
blocks run; then the failures nobody observed are raised: one as itself,
several as ``async.TaskGroupError``.

Scopes are cheap, because every async call opens one: generated code makes a
`Scope` with no arguments (no Python-level ``__init__`` runs; the attributes
below are class-level defaults until set) and sets `CURRENT_SCOPE` itself.
Only a scope that gets children costs more.  Tasks run in the program's root
Trio nursery; their scope owns them logically, cancelling and waiting for
them at its end, which is what structured concurrency needs here without a
Trio nursery per async call (~11 µs each).
"""

from __future__ import annotations

import contextvars

import trio

from .checkin import checkin
from ..errors import OutputClosed
from .errors import TaskGroupError
from .waits import INTERNAL, in_memory

CURRENT_SCOPE: contextvars.ContextVar = contextvars.ContextVar("quest_scope", default=None)

# Task states (Task.state); a task in DONE has ended and its result is final.
PENDING, RUNNING = "pending", "running"
FINISHED, FAILED, CANCELLED = "finished", "failed", "cancelled"
DONE = frozenset((FINISHED, FAILED, CANCELLED))
COMPACT_AT = 64   # a scope forgets its ended children when it has this many (runner._compact)


class Scope:
    """One scope.  ``children`` is None until the first task is spawned in it;
    then ``task`` is the Quest task the scope runs in (None: the program's
    main task) and ``where`` the site of that first spawn."""

    children: list | None = None
    failing: BaseException | None = None   # what ended the body, when it raised
    label = "call"
    task = None
    where = None
    nursery = None          # the Trio nursery its tasks run in (None: the root one)
    propagate = False       # do its tasks' failures propagate at once (async.nursery)?
    compact_at = COMPACT_AT

    @in_memory(INTERNAL)
    async def close(self) -> None:
        """End the scope: cancel running children, wait, raise the unobserved.
        Children spawned meanwhile (by unwinding ones) are closed too."""
        await checkin()
        from .runner import current_bridge

        diagnostics = current_bridge().diagnostics
        errors = []
        while self.children is not None:
            children, self.children = self.children, None
            running = [t for t in children if t.state not in DONE]
            if running:
                leaks = diagnostics.leaks_of(running, self)
                for t in running:
                    t.cancel(f"the end of {self.describe()}")
                with trio.CancelScope(shield=True):
                    for t in running:
                        await t.wait_done()
                diagnostics.record_leaks(leaks)
            for t in children:
                if t.state is FAILED and not t.observed:
                    t.observed = True
                    errors.append(t)
        if errors:
            diagnostics.record_unobserved(errors)
            if isinstance(self.failing, ENDING):
                return      # the program is ending (Ctrl-C, a signal): that goes on
            raise_failures([t.error for t in errors], self.failing)

    def describe(self) -> str:
        """The scope in Quest terms: ``fetch_all() called at prog.q:12``,
        ``worker() defined at prog.q:3`` (run by a task), ``the module``,
        ``async.join_all()``, ``a task body``."""
        if self.label == "module":
            return "the module"
        if self.label == "session":
            return "the REPL session"
        if self.label == "call":
            if self.where is None:
                return "an async call"
            file, line, function, called = self.where
            return f"{function}() {'called' if called else 'defined'} at {file}:{line}"
        return self.label


ENDING = (KeyboardInterrupt, OutputClosed)   # what ends the whole program, not a task


class TaskScope(Scope):
    label = "a task body"


def raise_failures(errors: list, failing: BaseException | None = None):
    """Raise task errors found at scope exit: one as itself, several as a
    TaskGroupError (with the error that ended the body first, if any)."""
    if failing is not None and isinstance(failing, Exception):
        errors.insert(0, failing)
    if len(errors) == 1:
        raise errors[0]
    raise TaskGroupError(f"{len(errors)} tasks failed", errors)


def opened(label: str) -> Scope:
    """A scope of the given kind (not yet current)."""
    scope = Scope()
    scope.label = label
    return scope


def current() -> Scope | None:
    return CURRENT_SCOPE.get()
