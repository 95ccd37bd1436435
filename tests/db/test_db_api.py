"""The API std/db/sqlite and std/db/postgres share, on both backends
(PostgreSQL: a real server, see conftest.py)."""

from __future__ import annotations

SLOW = {
    # about 10 s of work without cancellation (SQLite), 5 s asleep (PostgreSQL)
    "sqlite": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
              "WHERE i < 100000000) SELECT count(*) FROM c",
    "postgres": "SELECT pg_sleep(5)",
}


def test_every_function_and_rows_as_dicts_in_column_order(backend):
    out = backend.run(backend.sql('''
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        puts(await db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER)"))
        puts(await db.execute("INSERT INTO users (id, name, age) VALUES ($1, $2, $3), ($4, $5, $6)",
                              [1, "ann", 31, 2, "bob", nil]))
        puts(await db.execute("UPDATE users SET age = age + 1 WHERE age IS NOT NULL"))
        let rows = await db.fetch_all("SELECT id, name, age FROM users ORDER BY id")
        puts(rows)
        puts(rows[0].keys(), " ", rows.len(), " ", rows[1]["age"], " ", rows[0].name)
        let row = await db.fetch_one("SELECT name, id FROM users WHERE id = $1", [2])
        puts(row, " ", row.keys())
        puts(await db.fetch_one("SELECT name, id FROM users WHERE id = $1", [99]))
        puts(await db.fetch_value("SELECT count(*) FROM users"))
        puts(await db.fetch_value("SELECT name FROM users WHERE id = $1", [99]))
        puts(await db.fetch_all("SELECT * FROM users WHERE id > $1", [5]))
        puts(await db.fetch_all("INSERT INTO users (id, name) VALUES (3, 'cy')"))
        puts(await db.execute("DELETE FROM users WHERE id >= $1", [2]))
        puts(db.is_closed(), " ", db.str().startswith("<{DB}.Connection "))
        await db.close()
        await db.close()
        puts(db.is_closed())
    '''))
    assert out == (
        "0\n2\n1\n"
        "[{age: 32, id: 1, name: ann}, {age: nil, id: 2, name: bob}]\n"
        "[id, name, age] 2 nil ann\n"
        "{id: 2, name: bob} [name, id]\n"
        "nil\n2\nnil\n[]\n[]\n2\n"
        "false true\ntrue\n")


def test_transaction_commits_rolls_back_and_nests_as_savepoints(backend):
    out = backend.run('''
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let other = await {DB}.connect("{URL}")
        await db.execute("CREATE TABLE t (x INTEGER)")
        async with db.transaction() as c
            await c.execute("INSERT INTO t VALUES (1)")
            puts("same connection: ", c.is(db), ", others see ",
                 await other.fetch_value("SELECT count(*) FROM t"))
        end
        puts("committed: others see ", await other.fetch_value("SELECT count(*) FROM t"))
        try
            async with db.transaction()
                await db.execute("INSERT INTO t VALUES (2)")
                raise ValueErr.new("stop")
            end
        catch e: ValueErr
            puts("rolled back: ", e.message())
        end
        async with db.transaction()
            await db.execute("INSERT INTO t VALUES (3)")
            try
                async with db.transaction()
                    await db.execute("INSERT INTO t VALUES (4)")
                    await db.execute("INSERT INTO nope VALUES (5)")
                end
            catch e: {DB}.DatabaseError
                puts("savepoint rolled back")
            end
            await db.execute("INSERT INTO t VALUES (6)")
        end
        puts(await other.fetch_all("SELECT x FROM t ORDER BY x"))
        await db.close()
        await other.close()
    ''')
    assert out == ("same connection: true, others see 0\n"
                   "committed: others see 1\n"
                   "rolled back: stop\n"
                   "savepoint rolled back\n"
                   "[{x: 1}, {x: 3}, {x: 6}]\n")


EXAMPLE_6 = '''
use "std/async"
use "std/db/{DB}"

async fun get_user_with_posts(user_id)
    let db = await {DB}.connect("{URL}")

    # Run queries concurrently
    let user_task = async.spawn(fun ()
        await db.fetch_one("SELECT * FROM users WHERE id = $1", [user_id])
    end)

    let posts_task = async.spawn(fun ()
        await db.fetch_all("SELECT * FROM posts WHERE user_id = $1", [user_id])
    end)

    # Wait for both
    let results = await async.join_all([user_task, posts_task])
    let user = results[0]
    let posts = results[1]

    await db.close()

    {
        "user": user,
        "posts": posts
    }
end

async fun main()
    let setup = await {DB}.connect("{URL}")
    await setup.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    await setup.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT)")
    await setup.execute("INSERT INTO users VALUES (123, 'ann'), (7, 'bob')")
    await setup.execute("INSERT INTO posts VALUES (1, 123, 'a'), (2, 7, 'b'), (3, 123, 'c')")
    await setup.close()
    let data = await get_user_with_posts(123)
    puts(f"User: {data.user.name}")
    puts(f"Posts: {data.posts.len()}")
end

async.block_on(fun () main() end)
'''


def test_qep_example_6_two_tasks_query_one_connection(backend):
    out = backend.run(backend.sql(EXAMPLE_6))
    assert out == "User: ann\nPosts: 2\n"


def test_a_connection_serialises_the_operations_of_concurrent_tasks(backend):
    # While the first task's slow statement runs, two more tasks query the same
    # connection: they wait for it (one statement at a time on a connection)
    # and nothing breaks.  Without the connection's lock psycopg fails here.
    slow = {"sqlite": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                      "WHERE i < 1000000) SELECT 'slow ' || count(*) FROM c",
            "postgres": "SELECT 'slow ' || pg_sleep(0.3)::text || '1000000'"}[backend.name]
    out = backend.run('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let done = []
        let a = async.spawn(fun () done.push(await db.fetch_value("{SLOW}")) end)
        await async.sleep(0.05)
        let b = async.spawn(fun () done.push(await db.fetch_value("SELECT 'quick'")) end)
        let c = async.spawn(fun () done.push((await db.fetch_one("SELECT 'third' AS v")).v) end)
        await async.join_all([a, b, c])
        puts(done[0], " ", done.slice(1, 3).sorted())
        await db.close()
    ''', SLOW=slow)
    assert out == "slow 1000000 [quick, third]\n"


def test_a_cancelled_transaction_leaves_the_connection_usable(backend):
    out = backend.run('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        await db.execute("CREATE TABLE t (x INTEGER)")
        let t0 = async.now()
        try
            await async.timeout(fun ()
                async with db.transaction()
                    await db.execute("INSERT INTO t VALUES (1)")
                    await db.fetch_value("{SLOW}")
                end
            end, 0.2)
        catch async.TimeoutError
            puts("timed out")
        end
        puts("returned within 3 s: ", async.now() - t0 < 3)
        puts(await db.fetch_value("SELECT count(*) FROM t"))
        async with db.transaction()
            await db.execute("INSERT INTO t VALUES (2)")
        end
        puts(await db.fetch_all("SELECT x FROM t"))
        await db.close()
    ''', SLOW=SLOW[backend.name])
    assert out == "timed out\nreturned within 3 s: true\n0\n[{x: 2}]\n"


def test_pool_size_limits_the_connections_in_use(backend):
    # 5 tasks, size 2: each task holds its connection across a sleep, so
    # without the limit all 5 would be inside at once.  Counted, not timed.
    out = backend.run(backend.sql('''
        use "std/async"
        use "std/db/{DB}"
        let pool = {DB}.pool("{URL}", size: 2)
        await pool.execute("CREATE TABLE seen (task INTEGER)")
        let inside = 0
        let peak = 0
        let peak_waiting = 0
        let conns = {}
        async fun worker(i)
            async with pool.connection() as c
                inside += 1
                if inside > peak
                    peak = inside
                end
                conns[c._id().str()] = true
                await c.execute("INSERT INTO seen VALUES ($1)", [i])
                await async.sleep(0.05)
                if pool.stats()["waiting"] > peak_waiting
                    peak_waiting = pool.stats()["waiting"]
                end
                inside -= 1
            end
        end
        let tasks = []
        for i in 0 until 5
            tasks.push(async.spawn(fun () worker(i) end))
        end
        await async.join_all(tasks)
        puts("peak ", peak, ", peak waiting ", peak_waiting, ", connections ", conns.len())
        puts(await pool.fetch_value("SELECT count(*) FROM seen"))
        puts(pool.stats())
        await pool.close()
        puts(pool.stats())
    '''))
    assert out == ("peak 2, peak waiting 3, connections 2\n5\n"
                   "{busy: 0, idle: 2, open: 2, size: 2, waiting: 0}\n"
                   "{busy: 0, idle: 0, open: 0, size: 2, waiting: 0}\n")


def test_pool_query_methods_transactions_and_close(backend):
    out = backend.run(backend.sql('''
        use "std/db/{DB}"
        let pool = {DB}.pool("{URL}", size: 3)
        puts(await pool.execute("CREATE TABLE t (x INTEGER, y TEXT)"))
        puts(await pool.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')"))
        puts(await pool.fetch_all("SELECT * FROM t ORDER BY x"))
        puts(await pool.fetch_one("SELECT y FROM t WHERE x = $1", [2]))
        puts(await pool.fetch_value("SELECT sum(x) FROM t"))
        async with pool.transaction() as c
            await c.execute("INSERT INTO t VALUES (3, 'c')")
        end
        try
            async with pool.transaction() as c
                await c.execute("INSERT INTO t VALUES (4, 'd')")
                raise "undo"
            end
        catch e
            puts(e.message())
        end
        puts(await pool.fetch_value("SELECT count(*) FROM t"), " ", pool.stats()["busy"])
        await pool.close()
        try
            await pool.fetch_value("SELECT 1")
        catch e: {DB}.ConnectionError
            puts(e.message().startswith("the pool of "), " ", e.message().endswith(" is closed"))
        end
    '''))
    assert out == ("0\n2\n[{x: 1, y: a}, {x: 2, y: b}]\n{y: b}\n3\nundo\n3 0\ntrue true\n")


def test_pool_size_must_be_a_positive_int(backend):
    report = backend.error('''
        use "std/db/{DB}"

        let pool = {DB}.pool("{URL}", size: 0)
    ''')
    assert report.splitlines()[0] == (
        f"prog.q:3:12: TypeErr: {backend.name}.pool(): size must be an Int >= 1, got 0")


def test_an_error_is_located_at_the_call(backend):
    report = backend.error('''
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")

        let rows = await db.fetch_all("SELECT * FROM missing")
    ''')
    reason = {"sqlite": "no such table: missing",
              "postgres": 'relation "missing" does not exist (SQLSTATE 42P01)'}
    assert report.splitlines()[0] == f"prog.q:4:12: DatabaseError: {reason[backend.name]}"


def test_closed_connection_and_bad_arguments(backend):
    out = backend.run('''
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        try
            await db.fetch_all(42)
        catch e: TypeErr
            puts(e.message())
        end
        try
            await db.fetch_all("SELECT 1", 7)
        catch e: TypeErr
            puts(e.message())
        end
        try
            await db.fetch_all("SELECT 1", [1], limit: 3)
        catch e: ArgErr
            puts("ArgErr")
        end
        await db.close()
        try
            await db.execute("SELECT 1")
        catch e: {DB}.ConnectionError
            puts(e.message().startswith("the connection to "), " ", e.message().endswith(" is closed"))
        end
    ''')
    params = {"sqlite": "sqlite: parameters must be an Array (for ?) or a Dict (for :name), got Int",
              "postgres": "postgres: parameters must be an Array (for $1, $2 ...), got Int"}
    assert out == (f"{backend.name}: the SQL must be a Str, got Int\n"
                   f"{params[backend.name]}\nArgErr\ntrue true\n")


def test_the_task_tree_says_what_a_task_waits_on(backend):
    out, interp = backend.run_quest('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let pool = {DB}.pool("{URL}", size: 1)
        async fun main()
            async.spawn(fun () await db.fetch_value("{SLOW}") end)
            await async.sleep(0.05)
            async.spawn(fun () await db.fetch_value("SELECT 2") end)
            async.spawn(fun () async with pool.connection() as c await async.sleep(50) end end)
            await async.sleep(0.05)
            async.spawn(fun () await pool.fetch_value("SELECT 3") end)
            await async.sleep(0.05)
        end
        await main()
        puts(await db.fetch_value("SELECT 4"))
        await db.close()
        await pool.close()
    ''', SLOW=SLOW[backend.name])
    assert out == "4\n"
    slow = SLOW[backend.name][:57] + "..." if len(SLOW[backend.name]) > 60 else SLOW[backend.name]
    waits = [leak.waiting_on for leak in interp.diagnostics.leaks]
    assert waits[2].startswith("sleep, 49.") and waits[2].endswith(" s left at prog.q:9")
    assert waits[:2] + waits[3:] == [
        f"{backend.name} query: {slow} at prog.q:6",
        f"{backend.name} wait for the connection, then query: SELECT 2 at prog.q:8",
        f"wait for a {backend.name} pool connection (1 of 1 borrowed) at prog.q:11",
    ]


def test_a_pool_reuses_only_connections_outside_transactions(backend):
    out = backend.run('''
        use "std/db/{DB}"
        let pool = {DB}.pool("{URL}", size: 2)
        async with pool.connection() as c
            await c.execute("CREATE TABLE t (x INTEGER)")
        end
        puts(pool.stats())
        async with pool.connection() as c
            await c.execute("BEGIN")
            await c.execute("INSERT INTO t VALUES (1)")
        end
        puts(pool.stats())
        async with pool.connection() as c
            await c.close()
        end
        puts(pool.stats(), " ", await pool.fetch_value("SELECT count(*) FROM t"))
        let conn = await {DB}.connect("{URL}")
        async with conn as c
            puts(await c.fetch_value("SELECT count(*) FROM t"))
            async with c.transaction()
                await c.execute("INSERT INTO t VALUES (2)")
            end
        end
        puts(conn.is_closed(), " ", await pool.fetch_value("SELECT count(*) FROM t"))
        await pool.close()
    ''')
    assert out == ("{busy: 0, idle: 1, open: 1, size: 2, waiting: 0}\n"
                   "{busy: 0, idle: 0, open: 0, size: 2, waiting: 0}\n"
                   "{busy: 0, idle: 0, open: 0, size: 2, waiting: 0} 0\n"
                   "0\ntrue 1\n")


def test_a_cancelled_close_stops_the_statement_in_flight_and_closes(backend):
    out = backend.run('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let task = async.spawn(fun ()
            try
                await db.fetch_value("{SLOW}")
            catch e: {DB}.ConnectionError
                puts("query: ", e.message().replace("{URL}", "URL"))
            end
        end)
        await async.sleep(0.1)
        try
            await async.timeout(db.close(), 0.2)
        catch async.TimeoutError
            puts("close timed out")
        end
        await task
        puts(db.is_closed())
    ''', SLOW=SLOW[backend.name])
    assert sorted(out.splitlines()) == [
        "close timed out", "query: the connection to URL was closed during the statement",
        "true"]


def test_two_tasks_transactions_on_one_connection_take_turns(backend):
    # a, b and c share one connection; each opens its own transaction.  b and c
    # start while a's is open: each waits until the one before it ends (b and
    # c in either order: Trio picks), so a's COMMIT commits only a's rows, b's
    # ROLLBACK undoes only b's, c's commit is c's.
    out = backend.run(backend.sql('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        await db.execute("CREATE TABLE t (who TEXT, step INTEGER)")
        let log = []
        let began = async.Event()
        async fun work(who, fail)
            try
                async with db.transaction()
                    log.push(who .. " begin")
                    await db.execute("INSERT INTO t VALUES ($1, 1)", [who])
                    began.set()
                    await async.sleep(0.05)
                    await db.execute("INSERT INTO t VALUES ($1, 2)", [who])
                    log.push(who .. " sees " .. (await db.fetch_value("SELECT count(*) FROM t WHERE who = $1", [who])).str())
                    if fail
                        raise ValueErr.new("no")
                    end
                end
                log.push(who .. " committed")
            catch e: ValueErr
                log.push(who .. " rolled back")
            end
        end
        let a = async.spawn(fun () work("a", false) end)
        await async.timeout(began.wait(), 10)
        let b = async.spawn(fun () work("b", true) end)
        let c = async.spawn(fun () work("c", false) end)
        await async.join_all([a, b, c])
        for line in log
            puts(line)
        end
        puts(await db.fetch_all("SELECT who, step FROM t ORDER BY who, step"))
        await db.close()
    '''))
    lines = out.splitlines()
    turns = [lines[0:3], lines[3:6], lines[6:9]]
    assert turns[0] == ["a begin", "a sees 2", "a committed"]
    assert sorted(turns[1:]) == [["b begin", "b sees 2", "b rolled back"],
                                 ["c begin", "c sees 2", "c committed"]]
    assert lines[9:] == [
        "[{step: 1, who: a}, {step: 2, who: a}, {step: 1, who: c}, {step: 2, who: c}]"]


def test_a_statement_of_another_task_waits_for_the_transaction_to_end(backend):
    # p's INSERT, sent while a's transaction is open, runs after a's COMMIT
    # (round 1) or ROLLBACK (round 2): it is never part of a's transaction, so
    # the ROLLBACK does not take it away.  q, cancelled while it waits, leaves
    # nothing: its INSERT never runs and the connection goes on.
    out = backend.run(backend.sql('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let other = await {DB}.connect("{URL}")
        await db.execute("CREATE TABLE t (who TEXT, round INTEGER)")
        let log = []
        async fun round(n, fail)
            let began = async.Event()
            let go_on = async.Event()
            let a = async.spawn(fun ()
                try
                    async with db.transaction()
                        await db.execute("INSERT INTO t VALUES ('a', $1)", [n])
                        began.set()
                        await async.timeout(go_on.wait(), 10)
                        log.push("a ends, others see " ..
                                 (await other.fetch_value("SELECT count(*) FROM t WHERE round = $1", [n])).str())
                        if fail
                            raise ValueErr.new("no")
                        end
                    end
                    log.push("a committed")
                catch e: ValueErr
                    log.push("a rolled back")
                end
            end)
            await async.timeout(began.wait(), 10)
            let p = async.spawn(fun ()
                await db.execute("INSERT INTO t VALUES ('p', $1)", [n])
                log.push("p inserted, others see " ..
                         (await other.fetch_value("SELECT count(*) FROM t WHERE round = $1", [n])).str())
            end)
            try
                await async.timeout(fun () await db.execute("INSERT INTO t VALUES ('q', $1)", [n]) end, 0.01)
            catch async.TimeoutError
                log.push("q timed out")
            end
            go_on.set()
            await async.join_all([a, p])
        end
        await round(1, false)
        await round(2, true)
        for line in log
            puts(line)
        end
        puts(await db.fetch_all("SELECT who, round FROM t ORDER BY round, who"))
        await db.close()
        await other.close()
    '''))
    assert out == ("q timed out\na ends, others see 0\na committed\np inserted, others see 2\n"
                   "q timed out\na ends, others see 0\na rolled back\np inserted, others see 1\n"
                   "[{round: 1, who: a}, {round: 1, who: p}, {round: 2, who: p}]\n")


def test_a_task_spawned_inside_a_transaction_uses_it(backend):
    # owner's transaction is used by its descendants: child (spawned inside
    # it) and grandchild see the uncommitted rows, their writes (and child's
    # savepoint) are rolled back with it.  sibling, a task that does not
    # descend from owner, waits for the end: its row stays.
    out = backend.run(backend.sql('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        await db.execute("CREATE TABLE t (who TEXT)")
        let began = async.Event()
        let owner = async.spawn(fun ()
            try
                async with db.transaction()
                    await db.execute("INSERT INTO t VALUES ('owner')")
                    began.set()
                    let child = async.spawn(fun ()
                        await db.execute("INSERT INTO t VALUES ('child')")
                        async with db.transaction()
                            await db.execute("INSERT INTO t VALUES ('child savepoint')")
                        end
                        let grandchild = async.spawn(fun ()
                            await db.execute("INSERT INTO t VALUES ('grandchild')")
                            await db.fetch_value("SELECT count(*) FROM t")
                        end)
                        await grandchild
                    end)
                    puts("child sees ", await child)
                    await async.sleep(0.05)
                    raise ValueErr.new("undo")
                end
            catch e: ValueErr
                puts("rolled back")
            end
        end)
        await async.timeout(began.wait(), 10)
        let sibling = async.spawn(fun ()
            await db.execute("INSERT INTO t VALUES ('sibling')")
            puts("sibling inserted")
        end)
        await async.join_all([owner, sibling])
        puts(await db.fetch_all("SELECT who FROM t"))
        await db.close()
    '''))
    assert out == "child sees 4\nrolled back\nsibling inserted\n[{who: sibling}]\n"


def test_the_task_tree_says_a_task_waits_for_another_tasks_transaction(backend):
    out, interp = backend.run_quest('''
        use "std/async"
        use "std/db/{DB}"
        let db = await {DB}.connect("{URL}")
        let began = async.Event()
        async fun main()
            async.spawn(fun () async with db.transaction() began.set() await async.sleep(50) end end)
            await async.timeout(began.wait(), 10)
            async.spawn(fun () await db.fetch_value("SELECT 1") end)
            async.spawn(fun () async with db.transaction() end end)
            await async.sleep(0.05)
        end
        await main()
        puts("main done")
    ''')
    assert out == "main done\n"
    waits = [leak.waiting_on for leak in interp.diagnostics.leaks]
    owner = interp.diagnostics.leaks[0].task_id
    assert waits[0].startswith("sleep, 49.")
    assert waits[1:] == [
        f"wait for the transaction of task {owner} on {backend.name} connection {backend.url}"
        f" at prog.q:{line}" for line in (8, 9)]
