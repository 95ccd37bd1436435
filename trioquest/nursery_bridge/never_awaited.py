"""Awaitables dropped without being awaited (CONCURRENCY.md §1, §7).

CPython reports a coroutine that is destroyed before it ran through
``warnings._warn_unawaited_coroutine``.  Once trioquest's async runtime is
imported, that hook records Quest's coroutines in the running program's
diagnostics instead of printing a Python warning (one dropped after its run
ended is not reported), and so are the coroutines of std functions that
Quest code called (``http.get(url)`` without ``await``); other coroutines
get Python's warning.  The site reported is the line that called it when origins
are tracked (``sys.set_coroutine_origin_tracking_depth``, which costs a
little on every coroutine made, so only when asked), else the line where
the last reference to it went: for ``f()`` used as a statement, the same.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from inspect import CORO_CREATED, getcoroutinestate
from types import CoroutineType

from ..eval.values.exceptions import QUEST_SOURCES
from .diagnostics import Site


ORIGIN_DEPTH = 8  # frames recorded per coroutine when origins are tracked
_STD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # trioquest's own code


def _record(coro) -> None:
    from .runner import BRIDGE

    bridge = BRIDGE.get()
    site = None
    for file, line, _ in getattr(coro, "cr_origin", None) or ():
        if file in QUEST_SOURCES:
            site = Site(file, line)
            break
    else:
        try:
            frame = sys._getframe(1)
        except ValueError:   # finalised at interpreter shutdown: no Python frame left
            frame = None
        while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
            frame = frame.f_back
        if frame is not None:
            site = Site(frame.f_code.co_filename, frame.f_lineno)
    code = getattr(coro, "cr_code", None)
    if site is None and (code is None or not _quests(code.co_filename)):
        return _python_hook(coro)     # not Quest's: Python's own warning
    if bridge is None:
        return None                   # dropped after the run ended: nothing to report to
    name = getattr(coro, "__qualname__", None) or type(coro).__name__
    bridge.diagnostics.record_never_awaited(f"{name}()", site)


def record_leftovers(values) -> None:
    """The awaitables still held when the main program ends (in its module's
    variables) will never be awaited: recorded now, while the run can take
    them, and closed (so that nothing reports them again at exit)."""
    from .runner import BRIDGE

    bridge = BRIDGE.get()
    for value in values:
        if value.__class__ is not CoroutineType or getcoroutinestate(value) != CORO_CREATED:
            continue
        site = next((Site(file, line) for file, line, _ in value.cr_origin or ()
                     if file in QUEST_SOURCES), None)
        if bridge is not None and _quests(value.cr_code.co_filename):
            bridge.diagnostics.record_never_awaited(f"{value.__qualname__}()", site)
            value.close()


def _quests(filename: str) -> bool:
    """Made by Quest code, or by a std function Quest code called (`http.get`)."""
    return filename in QUEST_SOURCES or filename.startswith(_STD)


_python_hook = warnings._warn_unawaited_coroutine
warnings._warn_unawaited_coroutine = _record


@contextlib.contextmanager
def recording_never_awaited(track_origins: bool = False):
    """While a program runs: with `track_origins`, record the lines that
    made never-awaited coroutines."""
    depth = sys.get_coroutine_origin_tracking_depth()
    if track_origins:
        sys.set_coroutine_origin_tracking_depth(ORIGIN_DEPTH)
    try:
        yield
    finally:
        sys.set_coroutine_origin_tracking_depth(depth)
