"""A PostgreSQL query in flight is not a deadlock (CONCURRENCY.md §8): the
program waits for an advisory lock this test holds, beside a task parked on a
channel, until the detector has looked at it several times."""

from __future__ import annotations

from deadlock_trace import finish, start, verdicts_while_waiting


def test_a_postgres_query_in_flight_is_not_a_deadlock(tmp_path, pg_server):
    pg_url = pg_server
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(4242)")
        child = start(tmp_path, '''use "std/db/postgres"
use "std/sys"
let db = await postgres.connect(sys.argv[1])
await db.fetch_value("select pg_advisory_lock(4242)")
await ch.send("locked")
puts(await parked)
''', pg_url)
        verdicts_while_waiting(child, "io")
        holder.execute("select pg_advisory_unlock(4242)")
        assert finish(child) == (0, "locked\n", [])
