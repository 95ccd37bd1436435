"""``db.pool(url, size: n)``: at most `n` connections, opened on demand and
reused, on Trio primitives (psycopg_pool is asyncio-only).

A `trio.Semaphore(size)` counts borrowed connections, so a borrower beyond
`size` waits (first come, first served) until one is given back.  Each query
method of the pool borrows a connection for that one statement;
``async with pool.connection() as c`` keeps one for a block, and
``async with pool.transaction() as c`` for a transaction.  A connection comes
back to the pool only when it is open and outside any transaction; otherwise
it is closed (shielded) and the slot freed.
"""

from __future__ import annotations

import trio

from ...errors import TypeErr
from ...eval.values.methods import register
from ...eval.values.forms import type_name
from ...nursery_bridge.diagnostics import describes
from ..handles import AClosing
from .api import DbConnectionError

DEFAULT_SIZE = 10


class Pool(AClosing):
    _q_name = "Pool"

    def __init__(self, backend: str, shown_url: str, opener, size=DEFAULT_SIZE) -> None:
        if size.__class__ is not int or size < 1:
            raise TypeErr(f"{backend}.pool(): size must be an Int >= 1, got "
                          f"{size if size.__class__ is int else type_name(size)}")
        self._backend = backend
        self._shown = shown_url
        self._open = opener          # async () -> Connection
        self._size = size
        self._slots = trio.Semaphore(size)
        self._idle: list = []
        self._open_count = 0
        self._busy = 0
        self._waiting = 0
        self._closed = False

    async def _acquire(self):
        """A connection of the pool (waits while `size` are borrowed)."""
        if self._closed:
            raise self._closed_error()
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        self._busy += 1   # a slot is taken from here on, even while the connection opens
        try:
            if self._closed:
                raise self._closed_error()
            conn = None
            while self._idle:
                candidate = self._idle.pop()
                if not candidate._closed:
                    conn = candidate
                    break
                self._open_count -= 1
            if conn is None:
                conn = await self._open()
                conn._pool = self
                self._open_count += 1
        except BaseException:
            self._busy -= 1
            self._slots.release()
            raise
        return conn

    async def _release(self, conn) -> None:
        """Give `conn` back, or close it (see the module docstring).  Shielded:
        a borrower that is cancelled still gives its connection back."""
        self._busy -= 1
        try:
            if not self._closed and conn._reusable():
                self._idle.append(conn)
            else:
                self._open_count -= 1
                with trio.CancelScope(shield=True):
                    await conn.close()
        finally:
            self._slots.release()

    def connection(self) -> Borrowed:
        return Borrowed(self)

    def transaction(self) -> PoolTransaction:
        return PoolTransaction(self)

    async def _with_connection(self, method: str, sql, params):
        conn = await self._acquire()
        try:
            return await getattr(conn, method)(sql, params)
        finally:
            await self._release(conn)

    def execute(self, sql, params=None):
        return self._with_connection("execute", sql, params)

    def fetch_one(self, sql, params=None):
        return self._with_connection("fetch_one", sql, params)

    def fetch_all(self, sql, params=None):
        return self._with_connection("fetch_all", sql, params)

    def fetch_value(self, sql, params=None):
        return self._with_connection("fetch_value", sql, params)

    async def close(self) -> None:
        """Close the idle connections now and the borrowed ones when they come
        back; later borrowers get ConnectionError.  Shielded."""
        self._closed = True
        with trio.CancelScope(shield=True):
            while self._idle:
                conn = self._idle.pop()
                self._open_count -= 1
                await conn.close()

    def stats(self) -> dict:
        return {"size": self._size, "open": self._open_count, "busy": self._busy,
                "idle": len(self._idle), "waiting": self._waiting}

    def _closed_error(self) -> DbConnectionError:
        return DbConnectionError(f"the pool of {self._shown} is closed")

    def _q_str(self) -> str:
        return (f"<{self._backend}.Pool {self._shown} size {self._size}"
                f"{' closed' if self._closed else ''}>")


@describes(Pool._acquire)
def _acquiring(frame, now):
    pool = frame.f_locals.get("self")
    if pool is None:
        return "wait for a pooled connection", []
    return (f"wait for a {pool._backend} pool connection "
            f"({pool._busy} of {pool._size} borrowed)"), []


class Borrowed:
    """``async with pool.connection() as c``: c is given back at the end."""

    _q_name = "PoolConnection"

    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._conn = None

    async def __aenter__(self):
        self._conn = await self._pool._acquire()
        return self._conn

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        conn, self._conn = self._conn, None
        await self._pool._release(conn)
        return False


class PoolTransaction:
    """``async with pool.transaction() as c``: a borrowed connection inside a
    transaction, committed or rolled back, then given back."""

    _q_name = "Transaction"

    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._conn = None
        self._tx = None

    async def __aenter__(self):
        conn = await self._pool._acquire()
        try:
            tx = conn.transaction()
            await tx.__aenter__()
        except BaseException:
            await self._pool._release(conn)
            raise
        self._conn, self._tx = conn, tx
        return conn

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        conn, tx = self._conn, self._tx
        try:
            await tx.__aexit__(exc_type, exc, tb)
        finally:
            await self._pool._release(conn)
        return False


register(Pool, {
    "execute": Pool.execute, "fetch_one": Pool.fetch_one, "fetch_all": Pool.fetch_all,
    "fetch_value": Pool.fetch_value, "connection": Pool.connection,
    "transaction": Pool.transaction, "close": Pool.close, "stats": Pool.stats,
})
register(Borrowed, {})
register(PoolTransaction, {})
