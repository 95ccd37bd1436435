"""std/db/postgres against a real PostgreSQL server: types, errors, cancellation."""

from __future__ import annotations

from conftest import quest, quest_error


def test_values_round_trip_with_their_quest_types(pg_url):
    out = quest('''
        use "std/db/postgres"
        use "std/time"
        let db = await postgres.connect("{URL}")
        let row = await db.fetch_one("""SELECT $1::int8 AS i, $2::float8 AS f, $3::text AS s,
            $4::bool AS b, $5::int AS n, $6::bytea AS raw, $7::numeric AS d, $8::jsonb AS j,
            $9::int[] AS arr, $10::timestamptz AS ts, $11::timestamptz AS z, $12::date AS day,
            $13::time AS t, $14::interval AS iv, $15::numeric AS big""",
            [9007199254740993, 2.5, "héllo", true, nil, b"\\x00\\xff", Decimal.new("12.50"),
             {"k": [1, "two", nil]}, [1, 2, 3], time.parse("2024-01-15T10:30:00.123456Z"),
             time.datetime(2024, 1, 15, 5, 30, 0, "America/New_York"),
             time.date(2024, 2, 29), time.time(23, 59, 58), time.hours(26), 123456789012345678901n])
        for k in row.keys()
            let v = row[k]
            puts(k, " ", v.cls(), " ", v)
        end
        puts(await db.fetch_value("SELECT '2024-01-15 10:30:00'::timestamp"))
        puts(await db.fetch_value("SELECT '2 days 03:04:05.5'::interval"))
        puts((await db.fetch_value("SELECT '7d9c1a0e-2f44-4c6b-9d55-0b1f5f3c1d2e'::uuid")).cls())
        puts(await db.fetch_value("SELECT '{\\"a\\": 1}'::json"))
        puts(await db.fetch_value("SELECT ARRAY['2024-01-01'::date, NULL]"))
        puts(await db.fetch_value("SELECT '[1,5)'::int4range"), " ",
             await db.fetch_value("SELECT '10.0.0.1/8'::inet"))
        puts(await db.fetch_value("SELECT ROW(1, 'x')"))
        puts(await db.fetch_value("SELECT 'a%b' || $1 || '%s'", ["c"]))
        await db.close()
    ''', URL=pg_url)
    assert out == (
        "i Int 9007199254740993\n"
        "f Float 2.5\n"
        "s Str héllo\n"
        "b Bool true\n"
        "n Nil nil\n"
        "raw Bytes b\"\\x00\\xff\"\n"
        "d Decimal 12.50\n"
        "j Dict {k: [1, two, nil]}\n"
        "arr Array [1, 2, 3]\n"
        "ts Timestamp 2024-01-15T10:30:00.123456Z\n"
        "z Timestamp 2024-01-15T10:30:00Z\n"
        "day Date 2024-02-29\n"
        "t Time 23:59:58\n"
        "iv Span P1DT2H\n"
        "big Decimal 123456789012345678901\n"
        "2024-01-15T10:30:00+00:00[UTC]\n"
        "P2DT3H4M5.5S\n"
        "Str\n"
        "{a: 1}\n"
        "[2024-01-01, nil]\n"
        "[1,5) 10.0.0.1/8\n"
        "[1, x]\n"
        "a%bc%s\n")


def test_placeholders_are_positional_only(pg_url):
    report = quest_error('''
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")

        await db.fetch_one("SELECT $1", {"a": 1})
    ''', URL=pg_url)
    assert report.splitlines()[0] == (
        "prog.q:4:1: TypeErr: postgres: placeholders are positional ($1, $2 ...): "
        "pass the parameters as an Array, not a Dict")


def test_errors_carry_the_server_message_sqlstate_and_location(pg_url):
    out = quest('''
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        await db.execute("CREATE TABLE u (id int PRIMARY KEY, email text NOT NULL)")
        await db.execute("INSERT INTO u VALUES (1, 'a@x')")
        try
            await db.execute("INSERT INTO u VALUES ($1, $2)", [1, "b@x"])
        catch e: postgres.IntegrityError
            puts(e.type(), " ", e.code(), " line ", e.line(), ": ", e.message())
        end
        try
            await db.execute("INSERT INTO u VALUES (2, NULL)")
        catch e: postgres.IntegrityError
            puts(e.code(), ": ", e.message())
        end
        try
            await db.fetch_all("SELEC 1")
        catch e: postgres.DatabaseError
            puts(e.code(), ": ", e.message())
        end
        try
            await db.fetch_value("SELECT $1::int", ["x"])
        catch e: postgres.DatabaseError
            puts(e.code(), ": ", e.message())
        end
        puts(await db.fetch_value("SELECT count(*) FROM u"))
    ''', URL=pg_url)
    assert out == (
        'IntegrityError 23505 line 6: duplicate key value violates unique constraint '
        '"u_pkey": Key (id)=(1) already exists. (SQLSTATE 23505)\n'
        '23502: null value in column "email" of relation "u" violates not-null constraint: '
        'Failing row contains (2, null). (SQLSTATE 23502)\n'
        '42601: syntax error at or near "SELEC" (SQLSTATE 42601)\n'
        '22P02: invalid input syntax for type integer: "x" (SQLSTATE 22P02)\n'
        '1\n')


def test_connection_failures_name_the_url_with_the_password_hidden():
    report = quest_error('''
        use "std/db/postgres"

        let db = await postgres.connect("postgresql://bob:s3cret@127.0.0.1:1/shop")
    ''')
    assert report.splitlines()[0] == (
        'prog.q:3:10: ConnectionError: cannot connect to postgresql://bob:***@127.0.0.1:1/shop: '
        'connection to server at "127.0.0.1", port 1 failed: Connection refused')
    report = quest_error('''
        use "std/db/postgres"
        let db = await postgres.connect("host=127.0.0.1 port=1 password=s3cret dbname=shop")
    ''')
    assert report.splitlines()[0] == (
        'prog.q:2:10: ConnectionError: cannot connect to host=127.0.0.1 port=1 password=*** '
        'dbname=shop: connection to server at "127.0.0.1", port 1 failed: Connection refused')


def test_a_lost_connection_is_a_connection_error(pg_url):
    out = quest('''
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        let admin = await postgres.connect("{URL}")
        let pid = await db.fetch_value("SELECT pg_backend_pid()")
        await admin.execute("SELECT pg_terminate_backend($1)", [pid])
        try
            await db.fetch_all("SELECT 1")
        catch e: postgres.ConnectionError
            puts(e.message().replace("{URL}", "URL"))
        end
        puts(db.is_closed())
        await db.close()
        await admin.close()
    ''', URL=pg_url)
    assert out == ("lost the connection to URL: terminating connection due to administrator "
                   "command\ntrue\n")


ACTIVITY = "SELECT state, query FROM pg_stat_activity WHERE pid = $1"
# Waits (in Quest) until backend `pid` runs pg_sleep: no guess at how long that takes.
UNTIL_SLEEPING = """while (await watcher.fetch_value("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE '%pg_sleep%'", [pid])) == 0
            await async.sleep(0.005)
        end"""


def test_a_cancelled_query_is_cancelled_on_the_server(pg_url):
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        let watcher = await postgres.connect("{URL}")
        let pid = await db.fetch_value("SELECT pg_backend_pid()")
        let t0 = async.now()
        try
            await async.timeout(db.fetch_value("SELECT pg_sleep(5)"), 0.2)
        catch e: async.TimeoutError
            puts(e.message())
        end
        puts("returned within 1 s: ", async.now() - t0 < 1)
        puts(await watcher.fetch_one("{ACTIVITY}", [pid]))
        puts(await db.fetch_value("SELECT 41 + 1"))
        await db.close()
        await watcher.close()
    ''', URL=pg_url, ACTIVITY=ACTIVITY)
    # Without a server-side cancel, the backend would still be 'active' in pg_sleep.
    assert out == ("Timed out after 0.2 seconds\nreturned within 1 s: true\n"
                   "{query: SELECT pg_sleep(5), state: idle}\n42\n")


def test_a_cancelled_task_cancels_its_query_and_the_transaction_rolls_back(pg_url):
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        let watcher = await postgres.connect("{URL}")
        await db.execute("CREATE TABLE t (x int)")
        let pid = await db.fetch_value("SELECT pg_backend_pid()")
        let task = async.spawn(fun ()
            async with db.transaction()
                await db.execute("INSERT INTO t VALUES (1)")
                await db.execute("SELECT pg_sleep(5)")
            end
        end)
        {UNTIL_SLEEPING}
        puts(await watcher.fetch_one("{ACTIVITY}", [pid]))
        task.cancel()
        try
            await task
        catch e: async.CancelledError
            puts("cancelled")
        end
        puts(await watcher.fetch_one("{ACTIVITY}", [pid]))
        puts(await db.fetch_value("SELECT count(*) FROM t"), " ",
             await watcher.fetch_value("SELECT count(*) FROM t"))
        await db.close()
        await watcher.close()
    ''', URL=pg_url, ACTIVITY=ACTIVITY, UNTIL_SLEEPING=UNTIL_SLEEPING)
    assert out == ("{query: SELECT pg_sleep(5), state: active}\ncancelled\n"
                   "{query: ROLLBACK, state: idle}\n0 0\n")


def test_execute_runs_a_script_without_parameters(pg_url):
    out = quest('''
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        puts(await db.execute("""CREATE TABLE a (x int); INSERT INTO a VALUES (1), (2);
                               UPDATE a SET x = x * 10"""))
        puts(await db.fetch_all("SELECT x FROM a ORDER BY x"))
        await db.close()
    ''', URL=pg_url)
    assert out == "4\n[{x: 10}, {x: 20}]\n"


def test_pool_connections_are_distinct_server_backends(pg_url):
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let pool = postgres.pool("{URL}", size: 2)
        let pids = {}
        let tasks = []
        for i in 0 until 6
            tasks.push(async.spawn(fun ()
                async with pool.connection() as c
                    pids[(await c.fetch_value("SELECT pg_backend_pid()")).str()] = true
                    await c.execute("SELECT pg_sleep(0.05)")
                end
            end))
        end
        await async.join_all(tasks)
        puts(pids.len(), " ", pool.stats())
        await pool.close()
    ''', URL=pg_url)
    assert out == "2 {busy: 0, idle: 2, open: 2, size: 2, waiting: 0}\n"


def test_passwords_are_hidden_in_every_url_form():
    from trioquest.stdlib.db.api import redact

    assert redact("postgresql://bob:p@ss:w0rd@db.example:5432/shop?sslmode=require") == \
        "postgresql://bob:***@db.example:5432/shop?sslmode=require"
    assert redact("postgresql://bob@db/shop?password=s3cret&sslmode=require") == \
        "postgresql://bob@db/shop?password=***&sslmode=require"
    assert redact("host=db password='a b c' dbname=shop") == "host=db password=*** dbname=shop"
    assert redact("postgresql://db/shop") == "postgresql://db/shop"


def test_queries_and_a_failed_transaction_work_under_the_mock_clock(pg_url):
    # The test default clock jumps whenever every task waits (here: on the
    # server): nothing may hang on a deadline of ours outside cancellation.
    from async_runner import run_async

    out, _ = run_async('''
        use "std/db/postgres"
        let db = await postgres.connect("URL")
        await db.execute("CREATE TABLE t (x int)")
        try
            async with db.transaction()
                await db.execute("INSERT INTO t VALUES (1)")
                raise "undo"
            end
        catch e
            puts(e.message())
        end
        puts(db.is_closed(), " ", await db.fetch_value("SELECT count(*) FROM t"))
        await db.close()
    '''.replace("URL", pg_url))
    assert out == "undo\nfalse 0\n"


def test_closing_under_a_running_query_cancels_it_on_the_server(pg_url):
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        let watcher = await postgres.connect("{URL}")
        let pid = await db.fetch_value("SELECT pg_backend_pid()")
        let task = async.spawn(fun ()
            try
                await db.fetch_value("SELECT pg_sleep(5)")
            catch e: postgres.ConnectionError
                puts("closed under the query")
            end
        end)
        {UNTIL_SLEEPING}
        puts(await watcher.fetch_value("SELECT state FROM pg_stat_activity WHERE pid = $1", [pid]))
        try
            await async.timeout(db.close(), 0.1)
        catch async.TimeoutError
            puts("close timed out")
        end
        await task
        puts(await watcher.fetch_value("""SELECT count(*) FROM pg_stat_activity
                                          WHERE pid = $1 AND state = 'active'""", [pid]))
        await watcher.close()
    ''', URL=pg_url, UNTIL_SLEEPING=UNTIL_SLEEPING)
    lines = out.splitlines()
    assert lines[0] == "active" and lines[3] == "0"
    assert sorted(lines[1:3]) == ["close timed out", "closed under the query"]


class HoldingProxy:
    """A TCP proxy to the server of `url` (run it as run_async's `watch`):
    after the client sends a message containing `pattern`, the server's
    answer is held until the next connection to the proxy, the server-side
    cancel a cancelled query sends — so the cancellation is sure to reach
    the statement in flight, on the real clock."""

    def __init__(self, url: str, pattern: bytes) -> None:
        import re
        import socket

        self.pattern = pattern
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.target = int(re.search(r"@127\.0\.0\.1:(\d+)/", url).group(1))
        self.url = url.replace(f":{self.target}/", f":{self.sock.getsockname()[1]}/")
        self.gate = None            # a trio.Event while an answer is held
        self.released_by_cancel = False

    async def __call__(self, bridge):
        import trio

        listener = trio.SocketListener(trio.socket.from_stdlib_socket(self.sock))
        async with listener, trio.open_nursery() as nursery:
            while True:
                client = await listener.accept()
                if self.gate is not None and not self.gate.is_set():
                    self.released_by_cancel = True
                    self.gate.set()
                server = await trio.open_tcp_stream("127.0.0.1", self.target)
                nursery.start_soon(self._pump, client, server, True)
                nursery.start_soon(self._pump, server, client, False)

    async def _pump(self, source, sink, from_client):
        import trio

        try:
            while data := await source.receive_some():
                if from_client and self.gate is None and self.pattern in data:
                    self.gate = trio.Event()
                elif not from_client and self.gate is not None:
                    await self.gate.wait()
                await sink.send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass
        finally:
            await sink.aclose()


def test_a_cancelled_begin_leaves_no_transaction_open(pg_url):
    # Cancelled while BEGIN's answer is on its way: BEGIN ran on the server,
    # but the block was never entered.  The connection must not stay inside
    # that transaction (everything after would silently never commit).
    proxy = HoldingProxy(pg_url, b"BEGIN\x00")
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let db = await postgres.connect("{PROXY}")
        let watcher = await postgres.connect("{URL}")
        await db.execute("CREATE TABLE t (x int)")
        async fun work()
            async with db.transaction()
                await db.execute("INSERT INTO t VALUES (1)")
            end
        end
        try
            await async.timeout(work(), 0.05)
        catch e: async.TimeoutError
            puts(e.message())
        end
        let pid = await db.fetch_value("SELECT pg_backend_pid()")
        await db.execute("INSERT INTO t VALUES (2)")
        puts(db.is_closed(), " ", await watcher.fetch_value(
            "SELECT state FROM pg_stat_activity WHERE pid = $1", [pid]))
        puts(await watcher.fetch_all("SELECT x FROM t"))
        await db.close()
        await watcher.close()
    ''', PROXY=proxy.url, URL=pg_url, watch=proxy)
    assert proxy.released_by_cancel
    assert out == "Timed out after 0.05 seconds\nfalse idle\n[{x: 2}]\n"


def test_a_cancelled_savepoint_release_keeps_the_outer_transaction(pg_url):
    # Cancelled while RELEASE SAVEPOINT's answer is on its way: the savepoint
    # is gone, so there is nothing to roll back to; the outer transaction
    # goes on (it used to be closed with the connection).
    proxy = HoldingProxy(pg_url, b"RELEASE SAVEPOINT trioquest_1\x00")
    out = quest('''
        use "std/async"
        use "std/db/postgres"
        let db = await postgres.connect("{PROXY}")
        let watcher = await postgres.connect("{URL}")
        await db.execute("CREATE TABLE t (x int)")
        async fun inner()
            async with db.transaction()
                await db.execute("INSERT INTO t VALUES (2)")
            end
        end
        async with db.transaction()
            await db.execute("INSERT INTO t VALUES (1)")
            try
                await async.timeout(inner(), 0.05)
            catch e: async.TimeoutError
                puts(e.message())
            end
            await db.execute("INSERT INTO t VALUES (3)")
        end
        puts(db.is_closed(), " ", await watcher.fetch_all("SELECT x FROM t ORDER BY x"))
        await db.close()
        await watcher.close()
    ''', PROXY=proxy.url, URL=pg_url, watch=proxy)
    assert proxy.released_by_cancel
    assert out == "Timed out after 0.05 seconds\nfalse [{x: 1}, {x: 2}, {x: 3}]\n"


def test_copy_from_stdin_or_to_stdout_is_an_error_and_the_connection_stays_usable(pg_url):
    out = quest('''
        use "std/db/postgres"
        let db = await postgres.connect("{URL}")
        await db.execute("CREATE TABLE t (x int)")
        for sql in ["COPY t FROM STDIN", "COPY (SELECT 1) TO STDOUT",
                    "SELECT 1; COPY (SELECT 2) TO STDOUT; SELECT 3"]
            try
                await db.fetch_all(sql)
            catch e: postgres.DatabaseError
                puts(e.message(), " ", e.code())
            end
            puts(await db.fetch_value("SELECT 42"), " ", db.is_closed())
        end
        async with db.transaction()
            try
                await db.execute("COPY (SELECT 1) TO STDOUT")
            catch e: postgres.DatabaseError
                puts(e.message())
            end
            await db.execute("INSERT INTO t VALUES (1)")
        end
        puts(await db.fetch_all("SELECT x FROM t"))
        await db.close()
    ''', URL=pg_url)
    message = "postgres: COPY FROM STDIN / TO STDOUT is not supported"
    assert out == (f"{message} nil\n42 false\n" * 3 + f"{message}\n[{{x: 1}}]\n")
