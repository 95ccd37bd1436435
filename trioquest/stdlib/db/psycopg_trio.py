"""psycopg 3.3 on Trio: route (b) of IO-STACK.md.

psycopg does its I/O in generators (psycopg.generators) that yield "wait for
readable / writable" and are resumed when the socket is ready; its
`AsyncConnection.wait()` drives them with asyncio.  `TrioConnection` overrides
`wait()` to drive them with `trio.lowlevel.wait_readable/wait_writable`, and
`connect()` drives the connection generator the same way.  Everything else is
psycopg's own code: query conversion, adaptation, prepared statements, results.

Private API this relies on (pinned by ``psycopg[binary]==3.3.*`` and tested
against a real server in tests/db): the generator protocol (`Wait`/`Ready`),
`BaseConnection._connect_gen` and `_cancel_gen`, that a generator must not be
resumed once libpq's connection is freed (the C generators would crash), and
that `AsyncConnection`'s
asyncio lock is only taken uncontended — true because every operation holds
the Trio lock of the owning Connection first, and an uncontended
`asyncio.Lock` never touches an event loop.

Cancellation: when the Trio task is cancelled while the server is running a
statement, `wait()` sends a server-side cancel (`cancel_safe()`'s
non-blocking protocol, libpq >= 17; else `cancel()` in a thread), then keeps
driving the interrupted generator to the end so the connection is left idle —
all shielded, within `CANCEL_SECONDS`; if that runs out the connection is
closed, not left half-read.  Then the cancellation continues.
"""

from __future__ import annotations

import math

import trio
from psycopg import AsyncConnection, pq
from psycopg import errors as e
from psycopg._capabilities import capabilities
from psycopg.conninfo import conninfo_attempts, conninfo_to_dict, make_conninfo
from psycopg.conninfo import timeout_from_conninfo

CANCEL_SECONDS = 5.0
ACTIVE = pq.TransactionStatus.ACTIVE
# psycopg.waiting.Wait and Ready: R = 1, W = 2, RW = 3
WAIT_R, WAIT_W, WAIT_RW = 1, 2, 3
READY_R, READY_W = 1, 2


async def _either(fileno: int) -> int:
    """Wait until `fileno` is readable or writable (rare: a full send buffer)."""
    ready = 0

    async def wait(fn, flag):
        nonlocal ready
        await fn(fileno)
        ready |= flag
        nursery.cancel_scope.cancel()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(wait, trio.lowlevel.wait_readable, READY_R)
        nursery.start_soon(wait, trio.lowlevel.wait_writable, READY_W)
    return ready


async def _ready(fileno: int, state: int) -> int:
    if state == WAIT_R:
        await trio.lowlevel.wait_readable(fileno)
        return READY_R
    if state == WAIT_W:
        await trio.lowlevel.wait_writable(fileno)
        return READY_W
    if state == WAIT_RW:
        return await _either(fileno)
    raise e.InternalError(f"bad poll status: {state}")


async def wait_conn(gen):
    """Drive a generator yielding (fileno, Wait) pairs (connect, cancel)."""
    try:
        fileno, state = next(gen)
        while True:
            ready = await _ready(fileno, state)
            fileno, state = gen.send(ready)
    except StopIteration as done:
        return done.value


class TrioConnection(AsyncConnection):
    """An `AsyncConnection` whose waits are Trio's (see the module docstring)."""

    _finished = False   # set by _finish(): libpq's connection is freed

    async def wait(self, gen, interval=None, timeout=None):
        if timeout is not None:
            raise e.NotSupportedError("TrioConnection.wait() takes no timeout")
        fileno = self.pgconn.socket
        try:
            state = next(gen)
        except StopIteration as done:
            return done.value
        while True:
            try:
                ready = await _ready(fileno, state)
            except BaseException:
                await self._interrupted(gen, fileno, state)
                raise
            if self._finished:
                # closed by another task while this one waited: the generator
                # must not touch the freed libpq connection (psycopg's C code
                # would crash)
                raise e.OperationalError("the connection was closed")
            try:
                state = gen.send(ready)
            except StopIteration as done:
                return done.value

    async def _interrupted(self, gen, fileno: int, state: int) -> None:
        """The task was cancelled while `gen` waited: cancel the statement on
        the server and read its end, shielded; or close the connection."""
        if self.closed:
            return
        if self.pgconn.transaction_status != ACTIVE:
            return   # nothing sent yet: the generator is simply dropped
        with trio.CancelScope(shield=True) as scope:
            scope.deadline = trio.current_time() + CANCEL_SECONDS
            try:
                await self._cancel_on_server()
                while not self._finished:
                    ready = await _ready(fileno, state)
                    if self._finished:
                        break
                    state = gen.send(ready)
                return
            except StopIteration:
                return   # idle again; the results are dropped
            except trio.ClosedResourceError:
                return   # closed by another task meanwhile
            except e.Error:
                # QueryCanceled, raised by the cursor's generator: fine when the
                # statement is over (the connection is idle, or in a failed
                # transaction that the Transaction block rolls back)
                if not self.closed and self.pgconn.transaction_status != ACTIVE:
                    return
        await self._finish()

    async def _cancel_on_server(self) -> None:
        if not self._should_cancel():
            return
        if capabilities.has_cancel_safe():
            await wait_conn(self._cancel_gen())
        else:
            await trio.to_thread.run_sync(self.cancel)

    async def _finish(self) -> None:
        """Close now, waking any task waiting on the socket."""
        if self._finished:
            return
        self._finished = True
        try:
            fileno = self.pgconn.socket
        except e.Error:
            fileno = -1
        if fileno >= 0:
            trio.lowlevel.notify_closing(fileno)
        self._closed = True
        self.pgconn.finish()

    async def close(self) -> None:
        await self._finish()


async def connect(conninfo: str) -> TrioConnection:
    """A `TrioConnection` in autocommit mode; psycopg's errors propagate
    (OperationalError for a failed connection, with every attempt listed)."""
    params = conninfo_to_dict(conninfo)
    # libpq's connect_timeout when the URL gives one; else none of ours (the
    # OS gives up on an unreachable host, and async.timeout is the program's)
    timeout = timeout_from_conninfo(params) if "connect_timeout" in params else math.inf
    attempts = await trio.to_thread.run_sync(conninfo_attempts, params,
                                             abandon_on_cancel=True)
    failures: list[tuple[e.Error, str]] = []
    for attempt in attempts:
        described = f"host: {attempt.get('host')!r}, port: {attempt.get('port')!r}"
        gen = TrioConnection._connect_gen(make_conninfo("", **attempt))
        try:
            with trio.move_on_after(timeout) as scope:
                conn = await wait_conn(gen)
            if scope.cancelled_caught:
                gen.close()
                failures.append((e.ConnectionTimeout("connection timeout expired"),
                                 described))
                continue
        except e.Error as exc:
            failures.append((exc, described))
            continue
        except BaseException:
            gen.close()
            raise
        await conn.set_autocommit(True)
        return conn
    last = failures[-1][0]
    if len(failures) == 1:
        raise last.with_traceback(None)
    lines = [str(last), "Multiple connection attempts failed. All failures were:"]
    lines += [f"- {descr}: {error}" for error, descr in failures]
    raise type(last)("\n".join(lines)).with_traceback(None)
