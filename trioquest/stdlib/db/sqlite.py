"""``std/db/sqlite``: SQLite through the stdlib `sqlite3`, one dedicated
worker thread per connection (IO-STACK.md).

Each Quest call is one hop to the connection's thread: the statement runs and
its rows are read and turned into Dicts there.  The Trio task waits with
`trio.lowlevel.wait_task_rescheduled`; when it is cancelled (a timeout, a
cancelled task), the abort hook calls ``sqlite3.Connection.interrupt()`` from
the Trio thread, SQLite stops the statement at its next step, and the task then
raises Cancelled — so a cancelled query really stops, and the connection is
usable at once.  A statement waiting for another connection's lock is stopped
too, within BUSY_STEP (see `_execute`).  The connection runs in autocommit mode (``isolation_level=None``):
statements outside ``transaction()`` commit on their own.

URLs: ``":memory:"`` or ``"sqlite::memory:"`` (a private in-memory database per
connection), ``"sqlite:PATH"`` / ``"sqlite://PATH"`` / a plain ``PATH`` (a file,
created when missing), ``"file:..."`` (an SQLite URI, e.g. ``?mode=ro``).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
import weakref
from decimal import Decimal

import outcome
import trio

from ...errors import TypeErr
from ...eval.values.bigint import BigInt
from ...eval.values.forms import to_str, type_name
from ..time_ import Date, Time, Timestamp, Zoned
from .api import (ALL, EXECUTE, VALUE, Connection, DatabaseError, DbConnectionError,
                  IntegrityError, expect_str, make_db_module, redact)
from .pool import DEFAULT_SIZE, Pool

BUSY_TIMEOUT = 5.0   # seconds a statement waits for another connection's lock
BUSY_STEP = 0.05     # SQLite's own wait for it per try: a cancellation is seen between tries
_PLAIN = frozenset((int, float, str, bytes, type(None), bool))


# -- the worker thread ----------------------------------------------------------------------


class Worker:
    """One thread running jobs in order; `call` waits for a job's outcome."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._stopped = False
        self.cancelled_outcome = None
        self._thread = threading.Thread(target=self._serve, args=(self._jobs,),
                                        name=name, daemon=True)
        self._thread.start()

    @staticmethod
    def _serve(jobs: queue.SimpleQueue) -> None:
        while True:
            job = jobs.get()
            if job is None:
                return
            fn, args, token, task = job
            result = outcome.capture(fn, *args)
            try:
                token.run_sync_soon(trio.lowlevel.reschedule, task, outcome.Value(result))
            except trio.RunFinishedError:
                pass

    async def call(self, fn, *args, interrupt=None):
        """fn(*args) on the thread.  On cancellation, `interrupt()` is called at
        once, the job is still waited for (it is the connection's only user),
        then Cancelled is raised (the job's outcome kept in `cancelled_outcome`)."""
        self.cancelled_outcome = None
        await trio.lowlevel.checkpoint_if_cancelled()
        if self._stopped:
            raise DbConnectionError("the connection is closed")
        self._jobs.put((fn, args, trio.lowlevel.current_trio_token(),
                        trio.lowlevel.current_task()))
        cancelled = []

        def abort(raise_cancel):
            if interrupt is not None:
                interrupt()
            cancelled.append(raise_cancel)
            return trio.lowlevel.Abort.FAILED

        result = await trio.lowlevel.wait_task_rescheduled(abort)
        if cancelled:
            self.cancelled_outcome = result
            cancelled[0]()
        return result.unwrap()

    def stop(self) -> None:
        if not self._stopped:
            self._stopped = True
            self._jobs.put(None)


# -- values -----------------------------------------------------------------------------------


def _param(v):
    cls = v.__class__
    if cls in _PLAIN:
        return v
    if cls is Decimal:
        return str(v)
    if cls is BigInt:
        return v.value
    if cls is Timestamp or cls is Zoned or cls is Date or cls is Time:
        return to_str(v)
    raise TypeErr(f"sqlite: cannot pass {type_name(v)} as a query parameter "
                  "(Int, Float, Str, Bool, Nil, Bytes, Decimal, BigInt, time values)")


def _params(params):
    if params is None:
        return ()
    cls = params.__class__
    if cls is list:
        return [v if v.__class__ in _PLAIN else _param(v) for v in params]
    if cls is dict:
        out = {}
        for k, v in params.items():
            if k.__class__ is not str:
                raise TypeErr(f"sqlite: named parameters need Str keys, got {type_name(k)}")
            out[k] = v if v.__class__ in _PLAIN else _param(v)
        return out
    raise TypeErr(f"sqlite: parameters must be an Array (for ?) or a Dict (for :name), "
                  f"got {type_name(params)}")


# -- jobs (run on the worker thread) ------------------------------------------------------------


def _statements(sql: str) -> list[str]:
    """`sql` split into complete statements (sqlite3 runs one per execute)."""
    out, start = [], 0
    for i, ch in enumerate(sql):
        if ch == ";" and sqlite3.complete_statement(sql[start:i + 1]):
            if sql[start:i + 1].strip(" \t\r\n;"):
                out.append(sql[start:i + 1])
            start = i + 1
    if sql[start:].strip():
        out.append(sql[start:])
    return out


def _execute(db: sqlite3.Connection, sql: str, params, stop: threading.Event):
    """``db.execute``, waiting up to BUSY_TIMEOUT for another connection's
    lock.  SQLite's busy handler cannot be interrupted (``interrupt()`` does
    not reach its sleep), so it waits BUSY_STEP per try and this loop tries
    again until BUSY_TIMEOUT, stopping as soon as `stop` is set (the task
    was cancelled).  A BUSY that SQLite returns without waiting (it does so
    where waiting could deadlock) is raised at once, as SQLite means it."""
    deadline = None
    while True:
        if stop.is_set():
            raise sqlite3.OperationalError("interrupted")
        started = time.monotonic()
        try:
            return db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            now = time.monotonic()
            if now - started < BUSY_STEP / 2:
                raise               # not waited for: a deadlock, retrying cannot help
            if deadline is None:
                deadline = started + BUSY_TIMEOUT
            if now >= deadline:
                raise


def _job(db: sqlite3.Connection, stop: threading.Event, mode: int, sql: str, params):
    try:
        cur = _execute(db, sql, params, stop)
    except sqlite3.ProgrammingError as exc:
        if mode != EXECUTE or params or "one statement at a time" not in str(exc):
            raise
        total = 0
        for statement in _statements(sql):
            cur = _execute(db, statement, (), stop)
            total += max(cur.rowcount, 0)
            cur.close()
        return total
    try:
        if mode == EXECUTE:
            return max(cur.rowcount, 0)
        desc = cur.description
        if mode == ALL:
            if desc is None:
                return []
            names = [d[0] for d in desc]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        row = cur.fetchone()
        if row is None:
            return None
        if mode == VALUE:
            return row[0]
        return dict(zip([d[0] for d in desc], row))
    finally:
        cur.close()


def _rollback_job(db: sqlite3.Connection, level: int) -> None:
    if not db.in_transaction:
        return   # SQLite already rolled it back (an interrupted write does)
    if level == 0:
        db.execute("ROLLBACK")
    else:
        db.execute(f"ROLLBACK TO SAVEPOINT trioquest_{level}")
        db.execute(f"RELEASE SAVEPOINT trioquest_{level}")


def _error(exc: BaseException):
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorname", None)
        message = str(exc) + (f" ({code})" if code and code != "SQLITE_ERROR" else "")
        if isinstance(exc, sqlite3.IntegrityError):
            return IntegrityError(message, code)
        return DatabaseError(message, code)
    if isinstance(exc, OverflowError):
        return DatabaseError(f"{exc} (SQLite integers are 64-bit)")
    return None


# -- the connection ------------------------------------------------------------------------------


class SqliteConnection(Connection):
    backend = "sqlite"
    cleanup_seconds = None   # local: an interrupt stops SQLite, nothing waits on a network

    def __init__(self, shown: str, db: sqlite3.Connection, worker: Worker) -> None:
        super().__init__(shown)
        self._db = db
        self._worker = worker
        self._stop = threading.Event()     # set: the running statement's task was cancelled
        weakref.finalize(self, worker.stop)

    def _convert_params(self, params):
        return _params(params)

    def _interrupt(self) -> None:
        """Stop the running statement: SQLite's interrupt() for one that
        runs, the flag for one waiting for a lock (or not started yet)."""
        self._stop.set()
        self._db.interrupt()

    async def _run(self, mode, sql, params):
        # One statement at a time per connection: the previous job has ended.
        self._stop.clear()
        try:
            return await self._worker.call(_job, self._db, self._stop, mode, sql, params,
                                           interrupt=self._interrupt)
        except Exception as exc:
            if self._closed:   # interrupted by a close() that was cancelled
                raise DbConnectionError(f"the connection to {self._shown} was closed "
                                        "during the statement") from None
            err = _error(exc)
            if err is None:
                raise
            raise err from None

    async def _command(self, sql: str) -> None:
        await self._run(EXECUTE, sql, ())

    async def _rollback_to(self, level: int) -> None:
        try:
            await self._worker.call(_rollback_job, self._db, level)
        except Exception as exc:
            err = _error(exc)
            if err is None:
                raise
            raise err from None

    def _reusable(self) -> bool:
        return not self._closed and self._depth == 0 and not self._db.in_transaction

    def _released(self) -> bool:
        return isinstance(self._worker.cancelled_outcome, outcome.Value)

    async def _stop_running(self) -> None:
        self._interrupt()

    async def _close(self) -> None:
        try:
            await self._worker.call(self._db.close)
        finally:
            self._worker.stop()


def _target(url: str) -> tuple[str, bool]:
    """(what sqlite3.connect opens, whether it is an SQLite URI)."""
    if url in (":memory:", "sqlite::memory:", "sqlite://:memory:"):
        return ":memory:", False
    if url.startswith("file:"):
        return url, True
    for prefix in ("sqlite://", "sqlite:"):
        if url.startswith(prefix):
            return url[len(prefix):], False
    return url, False


def _open(path: str, uri: bool) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_STEP, isolation_level=None,
                           check_same_thread=False, uri=uri)


async def connect(url) -> SqliteConnection:
    """``await sqlite.connect(url)``: open a database (see the module docstring)."""
    expect_str("the database URL", url, "sqlite")
    path, uri = _target(url)
    if not path:
        raise DbConnectionError("sqlite.connect(): empty database path")
    shown = redact(url)
    worker = Worker(f"trioquest-sqlite {shown}")
    try:
        with trio.CancelScope(shield=True):   # opening is quick; never leave it half done
            db = await worker.call(_open, path, uri)
    except sqlite3.Error as exc:
        worker.stop()
        raise DbConnectionError(f"cannot open {shown}: {exc}") from None
    except BaseException:
        worker.stop()
        raise
    conn = SqliteConnection(shown, db, worker)
    try:
        await trio.lowlevel.checkpoint_if_cancelled()
    except BaseException:
        await conn.close()   # cancelled while opening: nobody would close it
        raise
    return conn


def pool(url, size=DEFAULT_SIZE) -> Pool:
    """``sqlite.pool(url, size: n)``: connections opened on demand.  Each
    connection to ``:memory:`` is a separate database: pool a file."""
    expect_str("the database URL", url, "sqlite")
    return Pool("sqlite", redact(url), lambda: connect(url), size)


def make_module(interpreter):
    return make_db_module("sqlite", "SQLite databases, each connection on its own thread.",
                          connect, pool)

