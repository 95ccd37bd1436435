"""The shape std/db/sqlite and std/db/postgres share: Connection, Transaction,
the error types, parameter checks and the module factory.

A backend subclasses `Connection` and implements `_run(mode, sql, params)`
(one statement, one round trip to its driver), `_command(sql)`,
`_rollback_to(level)`, `_reusable()` and `_close()`.  Everything a Quest
program sees — serialised operations, transactions and savepoints,
cancellation, errors — is written once, here.

Every operation of a connection holds the connection's `trio.Lock`, so two
tasks sharing one connection (QEP-027 Example 6) take turns: the second waits,
nothing interleaves on the wire.

An open transaction belongs to the task that opened it and to its descendants
(`Task.parent`; the main program, which has no Task, is the root: every task
descends from it): those use the connection as outside a transaction (one
operation at a time; a nested ``transaction()`` is a savepoint).  Any other
task that uses the connection — a statement, its own ``transaction()``,
``close()`` — waits until the transaction ends (COMMIT or ROLLBACK), then goes
on, so one task's COMMIT or ROLLBACK never takes another task's statements
with it.  The check is made holding the lock; a task that must wait lets the
lock go and waits on the transaction's `trio.Event` (cancelling that wait
leaves nothing behind).
"""

from __future__ import annotations

import re

import trio

from ...errors import ArgErr, QuestError, TypeErr
from ...eval.values.forms import type_name
from ...eval.values.methods import register
from ...eval.values.modules import QModule
from ...nursery_bridge.diagnostics import describes
from ...nursery_bridge.task import CURRENT_TASK
from ..handles import AClosing

EXECUTE, ONE, ALL, VALUE = range(4)


# -- errors ------------------------------------------------------------------------------


class DatabaseError(QuestError):
    """An error the database reported (syntax, missing table, type mismatch ...).

    ``e.code()`` is PostgreSQL's SQLSTATE (``"42P01"``) or SQLite's error name
    (``"SQLITE_ERROR"``), nil when the driver raised it itself."""

    type_name = "DatabaseError"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class IntegrityError(DatabaseError):
    """A constraint violation (unique, foreign key, not null, check).

    Quest's catch matches exact type names: ``catch e: postgres.DatabaseError``
    does not catch an IntegrityError; catch both, or ``Err``."""

    type_name = "IntegrityError"


class DbConnectionError(QuestError):
    """The link to the database: cannot connect, connection lost or closed."""

    type_name = "ConnectionError"


register(DatabaseError, {"code": lambda e: e.code})

ERRORS = {"DatabaseError": DatabaseError, "IntegrityError": IntegrityError,
          "ConnectionError": DbConnectionError}

_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^/\s]*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|[^&\s]*)", re.IGNORECASE)


def redact(url: str) -> str:
    """`url` with its password replaced by ``***`` (URL and key=value forms)."""
    url = _URL_PASSWORD.sub(r"\1***@", url)
    return _KEYWORD_PASSWORD.sub(r"\1***", url)


def expect_str(what: str, value, backend: str) -> str:
    if value.__class__ is not str:
        raise TypeErr(f"{backend}: {what} must be a Str, got {type_name(value)}")
    return value


# -- connections ----------------------------------------------------------------------


class Connection(AClosing):
    """One database connection (see the module docstring).

    Subclasses set `backend` ("sqlite"/"postgres"), `cleanup_seconds` (the
    deadline of shielded cleanup after cancellation; None: no clock bound,
    for a local database whose cleanup cannot wait on a network) and the
    transaction statements."""

    _q_name = "Connection"
    backend = "db"
    cleanup_seconds: float | None = 5.0
    begin_sql = "BEGIN"

    def __init__(self, shown_url: str) -> None:
        self._shown = shown_url
        self._lock = trio.Lock()
        self._closed = False
        self._depth = 0          # open transaction() blocks (1: a transaction, 2+: savepoints)
        self._pool = None
        self._tx = None          # the open outermost Transaction, or None
        self._tx_owner = None    # the Task that opened it (None: the main program)
        self._tx_ended = None    # a trio.Event, set when it ends

    # -- the backend's part ---------------------------------------------------------------

    def _convert_params(self, params):
        """The driver's parameters for a Quest Array (or Dict where supported)."""
        raise NotImplementedError

    async def _run(self, mode: int, sql: str, params):
        raise NotImplementedError

    async def _command(self, sql: str) -> None:
        """A statement without parameters or results (BEGIN, COMMIT ...)."""
        await self._run(EXECUTE, sql, None)

    async def _rollback_to(self, level: int) -> None:
        """Undo the transaction (level 0) or savepoint `level`, when still open."""
        raise NotImplementedError

    def _reusable(self) -> bool:
        """Open, and outside any transaction: fit to go back to a pool."""
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError

    async def _stop_running(self) -> None:
        """Stop the statement in flight, if any, before closing under it
        (called shielded)."""

    def _released(self) -> bool:
        """Whether the database ran the RELEASE SAVEPOINT whose wait was just
        cancelled (then there is no savepoint left to roll back to)."""
        return False

    # -- Quest methods ------------------------------------------------------------------------

    async def _op(self, mode: int, sql, params):
        expect_str("the SQL", sql, self.backend)
        args = self._convert_params(params)
        holding = False   # read by the task tree (_querying)
        await self._acquire()
        try:
            holding = True
            if self._closed:
                raise self._closed_error()
            return await self._run(mode, sql, args)
        finally:
            self._lock.release()

    def execute(self, sql, params=None):
        """Rows affected (Int; 0 for statements that affect none)."""
        return self._op(EXECUTE, sql, params)

    def fetch_one(self, sql, params=None):
        """The first row as a Dict (column names as keys), or nil."""
        return self._op(ONE, sql, params)

    def fetch_all(self, sql, params=None):
        """Every row, an Array of Dicts."""
        return self._op(ALL, sql, params)

    def fetch_value(self, sql, params=None):
        """The first column of the first row, or nil."""
        return self._op(VALUE, sql, params)

    def transaction(self) -> Transaction:
        return Transaction(self)

    async def close(self) -> None:
        """Close the connection after the operation in flight, if any, and
        after another task's open transaction (closing itself is shielded).
        Cancelled while it waits for either, it stops the operation in
        flight and closes at once.  Closing twice does nothing."""
        if self._closed:
            await trio.lowlevel.checkpoint()
            return
        try:
            await self._acquire()
        except BaseException:
            await self._abandon()
            raise
        try:
            if not self._closed:
                self._closed = True
                with trio.CancelScope(shield=True):
                    await self._close()
        finally:
            self._lock.release()

    def is_closed(self) -> bool:
        return self._closed

    # -- who may use the connection --------------------------------------------------------------

    def _may_use(self) -> bool:
        """No transaction is open, or the current task opened it or descends
        from the task that did."""
        if self._tx is None:
            return True
        owner = self._tx_owner
        if owner is None:        # the main program's: every task descends from it
            return True
        task = CURRENT_TASK.get()
        while task is not None:
            if task is owner:
                return True
            task = task.parent
        return False

    async def _acquire(self) -> None:
        """Take the connection's lock, once no other task's transaction is
        open on it (see the module docstring)."""
        lock = self._lock
        while True:
            await lock.acquire()
            if self._may_use():
                return
            ended = self._tx_ended
            lock.release()
            await self._wait_transaction(ended)

    async def _wait_transaction(self, ended: trio.Event) -> None:
        owner = self._tx_owner   # read by the task tree (_on_transaction)
        await ended.wait()

    def _begun(self, tx: Transaction) -> None:
        """`tx` (outermost) is open: it belongs to the current task."""
        self._tx, self._tx_owner, self._tx_ended = tx, CURRENT_TASK.get(), trio.Event()

    def _ended(self, tx: Transaction) -> None:
        """`tx` is over (committed, rolled back, or the connection closed):
        the tasks waiting for it go on."""
        if self._tx is tx:
            ended = self._tx_ended
            self._tx, self._tx_owner, self._tx_ended = None, None, None
            ended.set()

    def _closed_error(self) -> DbConnectionError:
        return DbConnectionError(f"the connection to {self._shown} is closed")

    def _q_str(self) -> str:
        state = " closed" if self._closed else ""
        return f"<{self.backend}.Connection {self._shown}{state}>"

    # -- cleanup after failure or cancellation ---------------------------------------------------

    def _cleanup_scope(self) -> trio.CancelScope:
        scope = trio.CancelScope(shield=True)
        if self.cleanup_seconds is not None:
            scope.deadline = trio.current_time() + self.cleanup_seconds
        return scope

    async def _rollback(self, level: int, after_error: bool) -> None:
        """Roll back to `level` after the block failed; a connection that
        cannot is closed (it would otherwise stay in a failed transaction).
        After an error (`after_error`) the task is not cancelled: a plain
        await.  After cancellation (or KeyboardInterrupt): shielded, within
        the backend's cleanup deadline."""
        if after_error:
            try:
                await self._rollback_locked(level)
                return
            except Exception:   # noqa: BLE001 - the original error is what the user sees
                await self._abandon()
            except BaseException:   # cancelled meanwhile
                await self._abandon()
                raise
            return
        with self._cleanup_scope():
            try:
                await self._rollback_locked(level)
                return
            except Exception:   # noqa: BLE001
                pass
        await self._abandon()   # failed, or out of time (the scope caught its own deadline)

    async def _undo_begin(self) -> None:
        """Roll back what a BEGIN cancelled in flight may have begun (the
        lock is held: no other task's statement lands in that transaction);
        a connection that cannot is closed."""
        with self._cleanup_scope():
            try:
                if not self._closed:
                    await self._rollback_to(0)
                return
            except Exception:   # noqa: BLE001 - the cancellation is what the user sees
                pass
        await self._abandon()

    async def _rollback_locked(self, level: int) -> None:
        async with self._lock:
            if not self._closed:
                await self._rollback_to(level)

    async def _abandon(self) -> None:
        """Close without waiting for the lock (the connection is unusable, or
        its closing was cancelled); a statement in flight is stopped."""
        if not self._closed:
            self._closed = True
            with self._cleanup_scope():
                try:
                    await self._stop_running()
                except Exception:   # noqa: BLE001 - closing is what matters now
                    pass
            with trio.CancelScope(shield=True):
                try:
                    await self._close()
                except Exception:   # noqa: BLE001
                    pass


@describes(Connection._op)
def _querying(frame, now):
    conn = frame.f_locals.get("self")
    text = " ".join(str(frame.f_locals.get("sql")).split())
    if len(text) > 60:
        text = text[:57] + "..."
    verb = "query" if frame.f_locals.get("holding") else "wait for the connection, then query"
    return f"{getattr(conn, 'backend', 'db')} {verb}: {text}", []


@describes(Connection._wait_transaction)
def _on_transaction(frame, now):
    conn = frame.f_locals.get("self")
    owner = frame.f_locals.get("owner")
    whose = "the main program" if owner is None else owner.describe()
    return (f"wait for the transaction of {whose} on {getattr(conn, 'backend', 'db')} "
            f"connection {getattr(conn, '_shown', '?')}"), []


class Transaction:
    """``async with c.transaction()``: BEGIN ... COMMIT, or ROLLBACK when the
    block fails or is cancelled (shielded, with the backend's cleanup deadline).
    Nested blocks on one connection are savepoints.  ``as`` binds the
    connection."""

    _q_name = "Transaction"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._level = None

    async def __aenter__(self):
        conn = self._conn
        if self._level is not None:
            raise ArgErr("this transaction() block was already entered; call transaction() again")
        await conn._acquire()   # after another task's transaction, if one is open
        try:
            if conn._closed:
                raise conn._closed_error()
            level = conn._depth
            try:
                await conn._command(conn.begin_sql if level == 0
                                    else f"SAVEPOINT trioquest_{level}")
            except BaseException as failure:
                if level == 0 and not isinstance(failure, Exception):
                    await conn._undo_begin()   # the BEGIN may have run: no __aexit__ follows
                raise
            conn._depth = level + 1
            if level == 0:
                conn._begun(self)
        finally:
            conn._lock.release()
        self._level = level
        return conn

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        try:
            return await self._end(exc_type)
        finally:
            if self._level == 0:
                self._conn._ended(self)

    async def _end(self, exc_type) -> bool:
        conn, level = self._conn, self._level
        conn._depth = level
        if exc_type is None:
            sent = False
            try:
                async with conn._lock:
                    if conn._closed:
                        raise conn._closed_error()
                    sent = True
                    await conn._command("COMMIT" if level == 0
                                        else f"RELEASE SAVEPOINT trioquest_{level}")
                return False
            except BaseException as failure:
                cancelled = not isinstance(failure, Exception)
                if not (level and sent and cancelled and conn._released()):
                    await conn._rollback(level, not cancelled)
                raise
        await conn._rollback(level, issubclass(exc_type, Exception))
        return False

    def _q_str(self) -> str:
        return "<Transaction>"


register(Connection, {
    "execute": Connection.execute, "fetch_one": Connection.fetch_one,
    "fetch_all": Connection.fetch_all, "fetch_value": Connection.fetch_value,
    "transaction": Connection.transaction, "close": Connection.close,
    "is_closed": Connection.is_closed,
})
register(Transaction, {})


# -- the module --------------------------------------------------------------------------------


def make_db_module(name: str, doc: str, connect, pool) -> QModule:
    module = QModule(name, doc)
    module.__dict__.update({"connect": connect, "pool": pool, **ERRORS})
    return module
