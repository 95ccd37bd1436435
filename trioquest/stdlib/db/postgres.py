"""``std/db/postgres``: PostgreSQL through psycopg 3.3 on Trio (psycopg_trio.py).

Statements use PostgreSQL's own ``$1, $2 ...`` placeholders (psycopg's raw
cursor: the SQL goes to the server as written, ``%`` is not special) and an
Array of parameters; a statement without parameters goes through the simple
query protocol, so ``execute()`` may run several statements separated by ``;``.
Connections are in autocommit mode: a statement outside ``transaction()``
commits on its own.  psycopg prepares a statement on the server after its
fifth run on a connection.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import psycopg.adapt
import trio
from psycopg import errors as e
from psycopg.adapt import AdaptersMap
from psycopg.generators import copy_from, fetch_many, send
from psycopg.pq import Format, TransactionStatus
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb
from psycopg.types.string import TextLoader

from ...errors import TypeErr
from ...eval.values.bigint import BigInt
from ...eval.values.forms import to_str, type_name
from ..json_ import stringify
from ..time_ import NS, Date, Span, Time, Timestamp, Zoned
from . import psycopg_trio
from .api import (ALL, EXECUTE, ONE, VALUE, Connection, DatabaseError, DbConnectionError,
                  IntegrityError, expect_str, make_db_module, redact)
from .pool import DEFAULT_SIZE, Pool

IDLE, ACTIVE = TransactionStatus.IDLE, TransactionStatus.ACTIVE
_PLAIN = frozenset((int, float, str, bytes, type(None), bool, Decimal))
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


# -- values: Quest -> PostgreSQL --------------------------------------------------------------


def _param(v):
    cls = v.__class__
    if cls in _PLAIN:
        return v
    if cls is list:
        return [_param(x) for x in v]
    if cls is dict:
        return Jsonb(v, dumps=stringify)
    if cls is BigInt:
        return v.value
    if cls is Timestamp:
        return v.to_datetime()
    if cls is Zoned:
        return v.dt
    if cls is Date:
        return v.d
    if cls is Time:
        return v.t
    if cls is Span:
        if v.years or v.months:
            return to_str(v)   # ISO 8601 text; the server reads it as an interval
        return dt.timedelta(microseconds=v.clock_ns() // 1000)
    raise TypeErr(f"postgres: cannot pass {type_name(v)} as a query parameter "
                  "(Int, Float, Str, Bool, Nil, Bytes, Decimal, BigInt, Array, Dict, "
                  "time values)")


def _params(params):
    if params is None:
        return None
    if params.__class__ is list:
        return [v if v.__class__ in _PLAIN else _param(v) for v in params]
    if params.__class__ is dict:
        raise TypeErr("postgres: placeholders are positional ($1, $2 ...): pass the "
                      "parameters as an Array, not a Dict")
    raise TypeErr(f"postgres: parameters must be an Array (for $1, $2 ...), "
                  f"got {type_name(params)}")


# -- values: PostgreSQL -> Quest --------------------------------------------------------------


def _timestamp(d: dt.datetime) -> Timestamp:
    delta = d - _EPOCH
    return Timestamp((delta.days * 86400 + delta.seconds) * NS + delta.microseconds * 1000)


def _span(td: dt.timedelta) -> Span:
    seconds = td.seconds
    return Span(days=td.days, hours=seconds // 3600, minutes=seconds // 60 % 60,
                seconds=seconds % 60, nanos=td.microseconds * 1000)


def _converting(base, convert):
    """A loader wrapping psycopg's `base` (a C class, not subclassable)."""

    class Loader(psycopg.adapt.Loader):
        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._inner = base(oid, context).load

        def load(self, data):
            return convert(self._inner(data))

    Loader.__name__ = f"Quest{base.__name__}"
    return Loader


def _adapters() -> AdaptersMap:
    """psycopg's adapters, with loaders giving Quest values for every type
    whose default Python value is not one (docs/db.md lists the mapping)."""
    adapters = AdaptersMap(psycopg.adapters)
    types = psycopg.adapters.types
    conversions = {
        "timestamptz": _timestamp,
        "timestamp": lambda d: Zoned(d.replace(tzinfo=dt.timezone.utc)),
        "date": Date, "time": Time, "interval": _span,
        "record": list,
    }
    for name, convert in conversions.items():
        oid = types[name].oid
        adapters.register_loader(oid, _converting(psycopg.adapters.get_loader(oid, Format.TEXT),
                                                  convert))
    as_text = ["timetz", "uuid", "inet", "cidr", "macaddr", "macaddr8"]
    as_text += [t.name for t in types if getattr(t, "subtype_oid", None) is not None
                or t.__class__.__name__ in ("RangeInfo", "MultirangeInfo")]
    for name in as_text:
        info = types.get(name)
        if info is not None:
            adapters.register_loader(info.oid, TextLoader)
    return adapters


ADAPTERS = _adapters()


# -- errors -------------------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return first.removeprefix("connection failed: ")


def _error(exc: e.Error, conn: psycopg_trio.TrioConnection | None, shown: str):
    code = exc.sqlstate
    if conn is not None and conn.broken or code is None and isinstance(exc, e.OperationalError):
        return DbConnectionError(f"lost the connection to {shown}: {_first_line(exc)}")
    diag = exc.diag
    message = diag.message_primary or _first_line(exc)
    if diag.message_detail:
        message += f": {diag.message_detail}"
    if code:
        message += f" (SQLSTATE {code})"
    if code and code.startswith("23"):
        return IntegrityError(message, code)
    return DatabaseError(message, code)


# -- the connection ------------------------------------------------------------------------------


class PostgresConnection(Connection):
    backend = "postgres"
    cleanup_seconds = psycopg_trio.CANCEL_SECONDS

    def __init__(self, shown: str, conn: psycopg_trio.TrioConnection) -> None:
        super().__init__(shown)
        self._pg = conn
        self._rows = psycopg.AsyncRawCursor(conn, row_factory=dict_row)
        self._tuples = psycopg.AsyncRawCursor(conn, row_factory=tuple_row)

    def _convert_params(self, params):
        return _params(params)

    async def _run(self, mode, sql, params):
        cur = self._tuples if mode == VALUE or mode == EXECUTE else self._rows
        try:
            await cur.execute(sql, params)
            if mode == EXECUTE:
                count = max(cur.rowcount, 0)
                while cur.nextset():
                    count += max(cur.rowcount, 0)
                return count
            if cur.pgresult is None or cur.pgresult.status != psycopg.pq.ExecStatus.TUPLES_OK:
                return [] if mode == ALL else None
            if mode == ALL:
                return await cur.fetchall()
            row = await cur.fetchone()
            if row is None or mode == ONE:
                return row
            return row[0]
        except (e.Error, trio.ClosedResourceError) as exc:
            if self._closed:
                # closed while this statement ran (a cancelled close(), a cleanup
                # that gave up on the connection)
                raise DbConnectionError(f"the connection to {self._shown} was closed "
                                        "during the statement") from None
            if not isinstance(exc, e.Error):
                raise
            if isinstance(exc, e.ProgrammingError) and str(exc).startswith("COPY cannot"):
                try:
                    await self._end_copy()
                except e.Error:
                    pass
                except BaseException:   # cancelled: never leave the connection in COPY mode
                    if not self._pg.closed and self._pg.pgconn.transaction_status == ACTIVE:
                        await self._abandon()
                    raise
                if self._pg.closed or self._pg.pgconn.transaction_status == ACTIVE:
                    await self._abandon()
                    raise DbConnectionError(f"lost the connection to {self._shown}: "
                                            "a COPY could not be ended") from None
                raise DatabaseError("postgres: COPY FROM STDIN / TO STDOUT is not "
                                    "supported") from None
            err = _error(exc, self._pg, self._shown)
            if isinstance(err, DbConnectionError):
                await self._abandon()
            raise err from None

    def _released(self) -> bool:
        # wait() reads a cancelled statement to its end: still in the
        # transaction, not failed, means RELEASE ran
        return (not self._pg.closed
                and self._pg.pgconn.transaction_status == TransactionStatus.INTRANS)

    async def _end_copy(self) -> None:
        """End the COPY ... FROM STDIN / TO STDOUT the server started (psycopg
        stops at it, leaving the connection in COPY mode); its data and its
        own errors are dropped.  Raises e.Error when that cannot be done."""
        pgconn = self._pg.pgconn
        while not self._pg.closed and pgconn.transaction_status == ACTIVE:
            try:
                try:
                    pgconn.put_copy_end(b"COPY FROM STDIN is not supported")
                except e.OperationalError:   # not FROM STDIN: read TO STDOUT to its end
                    while isinstance(await self._pg.wait(copy_from(pgconn)), memoryview):
                        pass
                else:
                    await self._pg.wait(send(pgconn))
                    await self._pg.wait(fetch_many(pgconn))
            except e.Error as exc:
                if exc.sqlstate is None and not isinstance(exc, e.ProgrammingError):
                    raise   # no COPY in progress after all, or the connection is lost

    async def _rollback_to(self, level: int) -> None:
        status = self._pg.pgconn.transaction_status
        if status == IDLE:
            return
        if level == 0:
            await self._run(EXECUTE, "ROLLBACK", None)
        else:
            await self._run(EXECUTE, f"ROLLBACK TO SAVEPOINT trioquest_{level}; "
                                     f"RELEASE SAVEPOINT trioquest_{level}", None)

    def _reusable(self) -> bool:
        return (not self._closed and self._depth == 0 and not self._pg.closed
                and self._pg.pgconn.transaction_status == IDLE)

    async def _stop_running(self) -> None:
        if not self._pg.closed and self._pg.pgconn.transaction_status == TransactionStatus.ACTIVE:
            await self._pg._cancel_on_server()   # else the server would run it to its end

    async def _close(self) -> None:
        await self._pg.close()


async def connect(url) -> PostgresConnection:
    """``await postgres.connect(url)``: a ``postgresql://`` URL (or libpq's
    ``key=value`` string).  ConnectionError names the URL, password hidden."""
    expect_str("the database URL", url, "postgres")
    shown = redact(url)
    try:
        conn = await psycopg_trio.connect(url)
    except e.Error as exc:
        raise DbConnectionError(f"cannot connect to {shown}: {_first_line(exc)}") from None
    conn._adapters = AdaptersMap(ADAPTERS)
    return PostgresConnection(shown, conn)


def pool(url, size=DEFAULT_SIZE) -> Pool:
    """``postgres.pool(url, size: n)``: up to n connections, opened on demand."""
    expect_str("the database URL", url, "postgres")
    return Pool("postgres", redact(url), lambda: connect(url), size)


def make_module(interpreter):
    return make_db_module("postgres", "PostgreSQL databases (psycopg 3 on Trio).",
                          connect, pool)
