"""std/db/sqlite: a statement waiting for another connection's lock (issue
#11 item 6).  Two connections to one file: `a` holds a write transaction,
`b`'s statement waits for it (busy timeout 5 s).  Cancelling `b`'s task, or
an async.timeout around the statement, must stop the wait at once, not after
the 5 s; the 5 s still end a wait nobody cancels, and a BUSY that SQLite
returns without waiting (a deadlock) still comes at once.

Real clock (SQLite waits on the real one); `b`'s statement is known to be
waiting by state: SQLite's trace callback reports it running while `a`
holds the lock.
"""

from __future__ import annotations

import threading

import trio
import trio.testing

from conftest import quest
from trioquest.stdlib.db import sqlite


def test_async_timeout_stops_a_statement_waiting_for_a_lock(tmp_path):
    out = quest('''
        use "std/async"
        use "std/db/sqlite"
        let a = await sqlite.connect("{PATH}")
        let b = await sqlite.connect("{PATH}")
        await a.execute("CREATE TABLE t (x)")
        async with a.transaction()
            await a.execute("INSERT INTO t VALUES (1)")
            let t0 = async.now()
            try
                await async.timeout(b.execute("INSERT INTO t VALUES (2)"), 0.2)
            catch e: async.TimeoutError
                puts(e.message())
            end
            puts("returned within 1 s: ", async.now() - t0 < 1)
            puts("b reads at once: ", await b.fetch_value("SELECT count(*) FROM t"))
        end
        await b.execute("INSERT INTO t VALUES (3)")
        puts(await a.fetch_all("SELECT x FROM t ORDER BY x"))
        await a.close()
        await b.close()
    ''', PATH=tmp_path / "locked.db")
    assert out == ("Timed out after 0.2 seconds\nreturned within 1 s: true\n"
                   "b reads at once: 0\n[{x: 1}, {x: 3}]\n")


def _waiting_b(path: str, body):
    """Run `body(b, started)` while `a` holds a write transaction on `path`;
    `started` is set (from b's thread) once b's first statement runs."""
    async def main():
        a = await sqlite.connect(path)
        b = await sqlite.connect(path)
        await a.execute("CREATE TABLE t (x)")
        started = threading.Event()
        b._db.set_trace_callback(lambda sql: sql.startswith("INSERT") and started.set())
        try:
            async with a.transaction():
                await a.execute("INSERT INTO t VALUES (1)")
                result = await body(b, started)
            rows = [r["x"] for r in await a.fetch_all("SELECT x FROM t ORDER BY x")]
            return result, rows
        finally:
            await a.close()
            await b.close()

    return trio.run(main)


def test_cancelling_the_task_stops_its_lock_wait_at_once(tmp_path):
    async def body(b, started):
        seen = {}
        async with trio.open_nursery() as nursery:
            scope = trio.CancelScope()

            async def insert():
                with scope:
                    await b.execute("INSERT INTO t VALUES (2)")
                    seen["finished"] = True     # (it must not)
                seen["cancelled"] = scope.cancelled_caught
                seen["took"] = trio.current_time() - seen["cancel"]

            nursery.start_soon(insert)
            await trio.to_thread.run_sync(started.wait)    # b waits for a's lock now
            seen["cancel"] = trio.current_time()
            scope.cancel()
        seen["b in a transaction"] = b._db.in_transaction
        seen["b reads"] = await b.fetch_value("SELECT count(*) FROM t")
        return seen

    seen, rows = _waiting_b(str(tmp_path / "locked.db"), body)
    assert seen.pop("took") < 1.0       # well under b's 5 s busy timeout
    seen.pop("cancel")
    assert seen == {"cancelled": True, "b in a transaction": False, "b reads": 0}
    assert rows == [1]                  # b's INSERT never ran


def test_a_cancellation_that_comes_before_the_statement_starts_stops_it(tmp_path):
    # The flag is set when the task is cancelled, before the job reaches b's
    # thread (SQLite's interrupt() does nothing then): the job sees it.
    async def body(b, started):
        gate = threading.Event()
        with trio.CancelScope() as scope:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(b._worker.call, gate.wait)     # b's thread is busy
                await trio.testing.wait_all_tasks_blocked()

                async def cancel_when_queued():
                    await trio.testing.wait_all_tasks_blocked()
                    scope.cancel()
                    gate.set()
                nursery.start_soon(cancel_when_queued)
                await b.execute("INSERT INTO t VALUES (2)")
        return scope.cancelled_caught, started.is_set()

    assert _waiting_b(str(tmp_path / "locked.db"), body) == ((True, False), [1])


def test_the_busy_timeout_still_ends_a_wait_nobody_cancels(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT", 0.3)

    async def body(b, started):
        t0 = trio.current_time()
        try:
            await b.execute("INSERT INTO t VALUES (2)")
        except Exception as exc:    # noqa: BLE001 - the Quest error
            return type(exc).__name__, str(exc), 0.3 <= trio.current_time() - t0 < 1.0
        return "no error"

    assert _waiting_b(str(tmp_path / "locked.db"), body) == (
        ("DatabaseError", "DatabaseError: database is locked (SQLITE_BUSY)", True), [1])


def test_a_deadlock_is_still_reported_at_once(tmp_path):
    # a and b both read in a transaction; a writes (holds RESERVED) and b's
    # write then cannot wait for a, which waits for b's read lock: SQLite
    # returns BUSY without waiting, and so does std/db/sqlite.
    out = quest('''
        use "std/async"
        use "std/db/sqlite"
        let a = await sqlite.connect("{PATH}")
        let b = await sqlite.connect("{PATH}")
        await a.execute("CREATE TABLE t (x)")
        await a.execute("BEGIN")
        await b.execute("BEGIN")
        await a.fetch_all("SELECT * FROM t")
        await b.fetch_all("SELECT * FROM t")
        await a.execute("INSERT INTO t VALUES (1)")
        let t0 = async.now()
        try
            await b.execute("INSERT INTO t VALUES (2)")
        catch e: sqlite.DatabaseError
            puts(e.message(), "; at once: ", async.now() - t0 < 1)
        end
        await b.execute("ROLLBACK")
        await a.execute("COMMIT")
        puts(await b.fetch_all("SELECT x FROM t"))
        await a.close()
        await b.close()
    ''', PATH=tmp_path / "deadlock.db")
    assert out == "database is locked (SQLITE_BUSY); at once: true\n[{x: 1}]\n"
