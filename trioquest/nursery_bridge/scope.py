"""Scopes: where tasks live (CONCURRENCY.md §2).

Every async function call, every ``block_on``, each task body and the module
top level is a scope.  ``async.spawn`` attaches the new task to the innermost
scope of the code calling it, found through a context variable, also from a
sync helper.  When a scope's body ends, its still-running children are
cancelled (each recorded as a leak) and waited for, so their ``ensure``
blocks run; then the failures nobody observed are raised: one as itself,
several as ``async.TaskGroupError``.

Scopes are cheap: a scope is a small object until its first child arrives.
Tasks run in the program's root nursery, each under its own cancel scope;
their scope owns them logically, which is what structured concurrency needs
here (a Trio nursery per async call would cost ~11 µs each).
"""

from __future__ import annotations

import contextvars

import trio

from .diagnostics import Leak, Unobserved
from .errors import TaskGroupError

CURRENT_SCOPE: contextvars.ContextVar = contextvars.ContextVar("quest_scope", default=None)


class Scope:
    __slots__ = ("children", "token", "failing", "label", "parent")

    def __init__(self, label: str = "call") -> None:
        self.children: list | None = None
        self.token = None
        self.failing: BaseException | None = None
        self.label = label
        self.parent = None

    def add(self, task) -> None:
        if self.children is None:
            self.children = []
        self.children.append(task)

    def leave(self) -> bool:
        """Restore the enclosing scope; True when children need closing."""
        CURRENT_SCOPE.reset(self.token)
        return self.children is not None

    async def close(self) -> None:
        """End the scope: cancel running children, wait, raise the unobserved."""
        children = self.children or ()
        running = [t for t in children if not t.done.is_set()]
        if running:
            from .runner import current_bridge

            diagnostics = current_bridge().diagnostics
            now = trio.current_time()
            for t in running:
                diagnostics.leaks.append(Leak(t.id, t.name, t.site, self.label,
                                              now - t.started, t.waiting_on))
                t.cancel()
            with trio.CancelScope(shield=True):
                for t in running:
                    await t.done.wait()
        errors = []
        for t in children:
            if t.state == "failed" and not t.observed:
                t.observed = True
                errors.append(t.error)
                from .runner import current_bridge

                current_bridge().diagnostics.unobserved.append(
                    Unobserved(t.id, t.name, t.site, f"{t.error.type_name}: {t.error.reason}"))
        self.children = None
        if not errors:
            return
        failing = self.failing
        if failing is not None and isinstance(failing, Exception):
            errors.insert(0, failing)
        if len(errors) == 1:
            raise errors[0]
        raise TaskGroupError(f"{len(errors)} tasks failed", errors)


def enter(label: str = "call") -> Scope:
    """Open a scope for the running code (generated code calls this)."""
    scope = Scope(label)
    scope.token = CURRENT_SCOPE.set(scope)
    return scope


def current() -> Scope | None:
    return CURRENT_SCOPE.get()
