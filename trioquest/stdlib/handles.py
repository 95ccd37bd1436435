"""What the std objects that hold a resource share: files, streams,
listeners, database connections and pools, http clients and servers.

* `AClosing` / `Closing` (as contextlib's aclosing / closing): ``async with
  h`` gives `h` and closes it when the block ends, however it ends (``await
  h.close()``, or ``h.close()`` for a handle that closes at once).  The
  block's error is never suppressed.
* `UntilNil`: ``for x in h`` takes ``await h.<next>()`` until it gives nil
  (a server's requests, a file's lines, an async.stream's values); the class
  names its method in `_next_item`.
* `Opening`: what a call that opens a handle returns (``io.open_async``,
  ``net.connect``): ``await`` it once for the handle, or use it in ``async
  with`` (the handle is closed at the end of the block, as above).  Awaiting
  it a second time is a RuntimeErr.
"""

from __future__ import annotations

from ..errors import RuntimeErr
from ..nursery_bridge.diagnostics import describes


class UntilNil:
    """``for x in h``: ``await h._next_item()`` until it returns nil."""

    __slots__ = ()

    def __aiter__(self):
        return self

    async def __anext__(self):
        value = await self._next_item()
        if value is None:
            raise StopAsyncIteration
        return value


class AClosing:
    """``async with h``: `h`, and ``await h.close()`` at the end."""

    __slots__ = ()

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        await self.close()
        return False


class Closing:
    """``async with h``: `h`, and ``h.close()`` (sync) at the end."""

    __slots__ = ()

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False


def _fresh(coro, what: str):
    """`coro`, if it was not awaited yet."""
    if coro.cr_frame is None or coro.cr_running:
        raise RuntimeErr(f"{what} was already awaited: call it again for another one")
    return coro


class Opening:
    """A handle being opened by `coro` (a coroutine that returns it).

    `what` names the call (its str(), and the already-awaited error:
    ``io.open_async('x', 'r')``); `doing` is what a task waiting on it
    shows in the task tree and leak reports (`what` when omitted)."""

    _q_name = "Opening"
    __slots__ = ("_coro", "_handle", "_what", "_doing")

    def __init__(self, coro, what: str, doing: str | None = None) -> None:
        self._coro = coro     # made now: dropped unawaited, it is reported as a leak
        self._handle = None
        self._what = what
        self._doing = what if doing is None else doing

    def __await__(self):     # a generator, so the task tree sees this frame
        return (yield from _fresh(self._coro, self._what).__await__())

    async def __aenter__(self):
        self._handle = await _fresh(self._coro, self._what)
        return self._handle

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        return await self._handle.__aexit__(exc_type, exc, tb)

    def _q_str(self) -> str:
        return f"<{self._what}>"


@describes(Opening.__await__)
@describes(Opening.__aenter__)
def _opening(frame, now):
    return frame.f_locals["self"]._doing, []
