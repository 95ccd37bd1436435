"""Helpers for compiled async code: ``await`` of any value, ``async with``
and ``for x in channel``.  Imported (with Trio) only by programs that use
async features: the compiler adds these to a module's globals when needed.
"""

from __future__ import annotations

from types import CoroutineType

from ..nursery_bridge.scope import enter as scope_enter
from .values.methods import METHODS


async def _ready(value):
    return value


def awaitable(value):
    """What ``await value`` awaits: the value itself when it is awaitable,
    else a coroutine returning it (``await 5`` is 5, CONCURRENCY.md §1)."""
    if hasattr(value.__class__, "__await__"):
        return value
    return _ready(value)


def is_async_iterable(value) -> bool:
    return hasattr(value.__class__, "__aiter__")


class AsyncWith:
    """``async with``: ``_aenter``/``_aexit``, or ``_enter``/``_exit`` awaited
    when they return awaitables (QEP-027 async context managers)."""

    __slots__ = ("manager",)

    def __init__(self, manager) -> None:
        self.manager = manager

    async def _call(self, names):
        table = METHODS[self.manager.__class__]
        for name in names:
            if name in table:
                value = table[name](self.manager)
                if hasattr(value.__class__, "__await__"):
                    value = await value
                return value
        from ..errors import AttrErr
        from .values.forms import type_name

        raise AttrErr(f"{type_name(self.manager)} cannot be used with 'async with': "
                      f"no {names[0]}() or {names[1]}()")

    async def __aenter__(self):
        return await self._call(("_aenter", "_enter"))

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        suppress = await self._call(("_aexit", "_exit"))
        return bool(suppress) and exc_type is not None and issubclass(exc_type, Exception)


HELPERS = {
    "_Q_scope_enter": scope_enter,
    "_Q_Coroutine": CoroutineType,
    "_Q_awaitable": awaitable,
    "_Q_is_aiter": is_async_iterable,
    "_Q_AsyncWith": AsyncWith,
}
