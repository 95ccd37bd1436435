"""Awaitables dropped without being awaited (CONCURRENCY.md §1, §7).

CPython reports a coroutine that is destroyed before it ran through
``warnings._warn_unawaited_coroutine``.  While a Quest program runs, that
hook records the coroutine in the run's diagnostics instead of printing a
Python warning.  The coroutine is destroyed where the last reference to it
goes, which for ``f()`` used as a statement is the line that called it, so
the innermost Quest frame at that moment is the site reported.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

from ..eval.values.exceptions import QUEST_SOURCES
from .diagnostics import Site


def _record(coro) -> None:
    from .runner import BRIDGE

    bridge = BRIDGE.get()
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
        frame = frame.f_back
    site = None if frame is None else Site(frame.f_code.co_filename, frame.f_lineno)
    code = getattr(coro, "cr_code", None)
    if site is None and (code is None or code.co_filename not in QUEST_SOURCES):
        return _python_hook(coro)     # not Quest's: Python's own warning
    if bridge is None:
        return None                   # dropped after the run ended: nothing to report to
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    bridge.diagnostics.record_never_awaited(f"{name}()", site)


_python_hook = warnings._warn_unawaited_coroutine


@contextlib.contextmanager
def recording_never_awaited():
    """Record never-awaited coroutines in the run's diagnostics meanwhile."""
    previous = warnings._warn_unawaited_coroutine
    warnings._warn_unawaited_coroutine = _record
    try:
        yield
    finally:
        warnings._warn_unawaited_coroutine = previous
