"""std/db/sqlite: URLs, values, named parameters, errors, interrupting a query."""

from __future__ import annotations

import sqlite3

from conftest import quest, quest_error


def test_urls_memory_and_files(tmp_path):
    path = tmp_path / "shop.db"
    out = quest('''
        use "std/db/sqlite"
        for url in [":memory:", "sqlite::memory:"]
            let db = await sqlite.connect(url)
            await db.execute("CREATE TABLE t (x)")
            puts(db, " ", await db.fetch_value("SELECT count(*) FROM t"))
            await db.close()
        end
        let a = await sqlite.connect("sqlite:{PATH}")
        await a.execute("CREATE TABLE t (x); INSERT INTO t VALUES (7)")
        await a.close()
        let b = await sqlite.connect("{PATH}")
        let c = await sqlite.connect("file:{PATH}?mode=ro")
        puts(await b.fetch_value("SELECT x FROM t"), " ", await c.fetch_value("SELECT x FROM t"))
        try
            await c.execute("INSERT INTO t VALUES (8)")
        catch e: sqlite.DatabaseError
            puts(e.message())
        end
        await b.close()
        await c.close()
    ''', PATH=path)
    assert out == ("<sqlite.Connection :memory:> 0\n<sqlite.Connection sqlite::memory:> 0\n"
                   "7 7\nattempt to write a readonly database (SQLITE_READONLY)\n")
    assert sqlite3.connect(path).execute("SELECT x FROM t").fetchall() == [(7,)]


def test_values_and_named_parameters():
    out = quest('''
        use "std/db/sqlite"
        use "std/time"
        let db = await sqlite.connect(":memory:")
        let row = await db.fetch_one("SELECT ? AS i, ? AS f, ? AS s, ? AS b, ? AS n, ? AS raw,
            ? AS d, ? AS big, ? AS ts, ? AS day", [42, 2.5, "héllo", true, nil, b"\\x00\\xff",
            Decimal.new("12.50"), 9007199254740993n, time.parse("2024-01-15T10:30:00Z"),
            time.date(2024, 2, 29)])
        for k in row.keys()
            let v = row[k]
            puts(k, " ", v.cls(), " ", v)
        end
        puts(await db.fetch_one("SELECT :a + :b AS sum, :a AS a", {"a": 1, "b": 2}))
        try
            await db.fetch_one("SELECT ?", [[1, 2]])
        catch e: TypeErr
            puts(e.message())
        end
        await db.close()
    '''.replace("fetch_one(\"SELECT ? AS i", 'fetch_one("""SELECT ? AS i')
       .replace('AS day", [42', 'AS day""", [42'))
    assert out == (
        "i Int 42\nf Float 2.5\ns Str héllo\nb Int 1\nn Nil nil\nraw Bytes b\"\\x00\\xff\"\n"
        "d Str 12.50\nbig Int 9007199254740993\nts Str 2024-01-15T10:30:00Z\n"
        "day Str 2024-02-29\n"
        "{a: 1, sum: 3}\n"
        "sqlite: cannot pass Array as a query parameter (Int, Float, Str, Bool, Nil, Bytes, "
        "Decimal, BigInt, time values)\n")


def test_errors_have_exact_messages_and_locations(tmp_path):
    out = quest('''
        use "std/db/sqlite"
        let db = await sqlite.connect(":memory:")
        await db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)")
        await db.execute("INSERT INTO u VALUES (1, 'a@x')")
        try
            await db.execute("INSERT INTO u VALUES (?, ?)", [1, "b@x"])
        catch e: sqlite.IntegrityError
            puts(e.type(), " ", e.code(), " line ", e.line(), ": ", e.message())
        end
        try
            await db.execute("INSERT INTO u VALUES (2, 'a@x')")
        catch e: sqlite.IntegrityError
            puts(e.message())
        end
        try
            await db.fetch_all("SELECT ?", [1, 2])
        catch e: sqlite.DatabaseError
            puts(e.code(), ": ", e.message())
        end
        try
            await db.fetch_all("SELEC 1")
        catch e: sqlite.DatabaseError
            puts(e.code(), ": ", e.message())
        end
        puts(await db.fetch_value("SELECT count(*) FROM u"))
    ''')
    assert out == (
        "IntegrityError SQLITE_CONSTRAINT_PRIMARYKEY line 6: UNIQUE constraint failed: u.id "
        "(SQLITE_CONSTRAINT_PRIMARYKEY)\n"
        "UNIQUE constraint failed: u.email (SQLITE_CONSTRAINT_UNIQUE)\n"
        "nil: Incorrect number of bindings supplied. The current statement uses 1, "
        "and there are 2 supplied.\n"
        'SQLITE_ERROR: near "SELEC": syntax error\n'
        "1\n")
    report = quest_error('''
        use "std/db/sqlite"

          let db = await sqlite.connect("{PATH}")
    ''', PATH=tmp_path / "no" / "such" / "dir.db")
    assert report.splitlines()[0] == (
        f"prog.q:3:12: ConnectionError: cannot open {tmp_path}/no/such/dir.db: "
        "unable to open database file")


def test_a_cancelled_query_is_interrupted_and_the_connection_stays_usable():
    # The recursive CTE would count for about 25 s; interrupt() stops it.
    out = quest('''
        use "std/async"
        use "std/db/sqlite"
        let db = await sqlite.connect(":memory:")
        let t0 = async.now()
        try
            await async.timeout(db.fetch_value("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL
                SELECT i + 1 FROM c WHERE i < 100000000) SELECT count(*) FROM c"), 0.2)
        catch e: async.TimeoutError
            puts(e.message())
        end
        puts("returned within 3 s: ", async.now() - t0 < 3)
        puts(await db.fetch_value("SELECT 41 + 1"))
        await db.close()
    '''.replace('fetch_value("WITH', 'fetch_value("""WITH')
       .replace('FROM c"), 0.2)', 'FROM c"""), 0.2)'))
    assert out == "Timed out after 0.2 seconds\nreturned within 3 s: true\n42\n"


def test_execute_runs_a_script_without_parameters():
    out = quest('''
        use "std/db/sqlite"
        let db = await sqlite.connect(":memory:")
        puts(await db.execute("CREATE TABLE a (x, y); INSERT INTO a VALUES (1, 'p;q'), (2, ';');
            UPDATE a SET x = x * 10;"))
        puts(await db.fetch_all("SELECT x, y FROM a ORDER BY x"))
        try
            await db.execute("INSERT INTO a VALUES (?, 'z'); INSERT INTO a VALUES (3, 'z')", [9])
        catch e: sqlite.DatabaseError
            puts(e.message())
        end
        await db.close()
    '''.replace('execute("CREATE', 'execute("""CREATE').replace("x * 10;\")", "x * 10;\"\"\")"))
    assert out == ("4\n[{x: 10, y: p;q}, {x: 20, y: ;}]\n"
                   "You can only execute one statement at a time.\n")


def test_pool_of_a_file_shares_the_data(tmp_path):
    out = quest('''
        use "std/async"
        use "std/db/sqlite"
        let pool = sqlite.pool("{PATH}", size: 3)
        await pool.execute("CREATE TABLE t (x INTEGER)")
        let tasks = []
        for i in 1 to 6
            tasks.push(async.spawn(fun () await pool.execute("INSERT INTO t VALUES (?)", [i]) end))
        end
        puts(await async.join_all(tasks))
        puts(await pool.fetch_value("SELECT sum(x) FROM t"), " ", pool.stats()["open"] <= 3)
        await pool.close()
    ''', PATH=tmp_path / "p.db")
    assert out == "[1, 1, 1, 1, 1, 1]\n21 true\n"


def _cancel_at(sql: str, path: str, when: str) -> list:
    """Cancel a task at its `sql` (BEGIN or RELEASE SAVEPOINT), `when`:
    "queued", while the statement waits for the connection's thread (a
    blocker job keeps it busy): the statement then never runs; or
    "running", while SQLite runs it (its trace callback holds it until the
    cancel was delivered, and SQLite's interrupt() is kept from stopping
    it): it runs to its end, and Cancelled follows.  Returns what the
    connection says afterwards (with an outer transaction around the
    savepoint's block): the statements SQLite ran, whether it is closed, in a
    transaction, the rows."""
    import threading

    import trio
    import trio.testing

    from trioquest.stdlib.db import sqlite

    async def main():
        conn = await sqlite.connect(path)
        await conn.execute("CREATE TABLE t (x)")
        ran = []
        gate, armed, scope = threading.Event(), trio.Event(), trio.CancelScope()
        reached = threading.Event()

        def trace(statement):
            ran.append(statement)
            if when == "running" and statement.startswith(sql) and not reached.is_set():
                reached.set()
                gate.wait()

        conn._db.set_trace_callback(trace)
        if when == "running":
            conn._interrupt = conn._stop.set    # the cancel does not stop the statement

        async def cancel_when_there():
            if when == "queued":
                await armed.wait()
                await trio.testing.wait_all_tasks_blocked()   # the statement waits for the thread
            else:
                await trio.to_thread.run_sync(reached.wait)   # the statement runs
            scope.cancel()
            gate.set()

        async def busy_thread():
            if when == "queued":
                nursery.start_soon(conn._worker.call, gate.wait)
                await trio.testing.wait_all_tasks_blocked()
                armed.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(cancel_when_there)
            if sql == "BEGIN":
                with scope:
                    await busy_thread()
                    async with conn.transaction():
                        await conn.execute("INSERT INTO t VALUES (1)")
                await conn.execute("INSERT INTO t VALUES (3)")
            else:
                async with conn.transaction():
                    await conn.execute("INSERT INTO t VALUES (1)")
                    with scope:
                        async with conn.transaction():
                            await conn.execute("INSERT INTO t VALUES (2)")
                            await busy_thread()
                    await conn.execute("INSERT INTO t VALUES (3)")
        assert scope.cancelled_caught
        state = [ran[:], conn.is_closed(), conn._db.in_transaction,
                 [r["x"] for r in await conn.fetch_all("SELECT x FROM t ORDER BY x")]]
        await conn.close()
        return state

    return trio.run(main)


def test_a_cancelled_begin_leaves_no_transaction_open(tmp_path):
    # BEGIN ran, the block was never entered: the connection must not stay
    # inside that transaction (the INSERT after it would never commit).
    assert _cancel_at("BEGIN", str(tmp_path / "t.db"), "running") == [
        ["BEGIN", "ROLLBACK", "INSERT INTO t VALUES (3)"], False, False, [3]]


def test_a_begin_cancelled_before_it_ran_never_runs(tmp_path):
    assert _cancel_at("BEGIN", str(tmp_path / "t.db"), "queued") == [
        ["INSERT INTO t VALUES (3)"], False, False, [3]]


def test_a_cancelled_savepoint_release_keeps_the_outer_transaction(tmp_path):
    # RELEASE ran before the cancellation was delivered: nothing to roll back
    # to; the outer transaction goes on (it used to be closed with the connection).
    assert _cancel_at("RELEASE", str(tmp_path / "t.db"), "running") == [
        ["BEGIN", "INSERT INTO t VALUES (1)", "SAVEPOINT trioquest_1",
         "INSERT INTO t VALUES (2)", "RELEASE SAVEPOINT trioquest_1",
         "INSERT INTO t VALUES (3)", "COMMIT"], False, False, [1, 2, 3]]


def test_a_savepoint_release_cancelled_before_it_ran_is_rolled_back_to(tmp_path):
    # The inner block's work is undone, the outer transaction goes on.
    assert _cancel_at("RELEASE", str(tmp_path / "t.db"), "queued") == [
        ["BEGIN", "INSERT INTO t VALUES (1)", "SAVEPOINT trioquest_1",
         "INSERT INTO t VALUES (2)", "ROLLBACK TO SAVEPOINT trioquest_1",
         "RELEASE SAVEPOINT trioquest_1", "INSERT INTO t VALUES (3)", "COMMIT"],
        False, False, [1, 3]]
