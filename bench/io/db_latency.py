#!/usr/bin/env python3
"""Query latency of a primary-key lookup: trioquest's std/db against the drivers' own.

    .venv/bin/python bench/io/db_latency.py [--n 2000] [--rounds 3]

Starts a throwaway PostgreSQL cluster (tests/db/pg_cluster.py) and an SQLite
file, each with a ``users`` table of 2,000 rows, then measures µs per
``SELECT id, name, email FROM users WHERE id = ?`` (rows as dicts on every
side):

* sequential, N lookups on one connection;
* concurrent, 20 tasks sharing N lookups over 20 connections.

Rows, each the best of --rounds runs in fresh processes (trioquest rows run
bench/io/db_latency.q with the CLI):

  postgres  trioquest connection / pool      vs  psycopg sync Connection (sequential),
                                                  psycopg AsyncConnection on asyncio
                                                  with 20 connections (concurrent)
  postgres  references: the Trio adapter from Python (route b without Quest),
            a sync Connection in trio.to_thread.run_sync per query (route a)
  sqlite    trioquest connection / pool      vs  stdlib sqlite3 (sequential),
                                                  20 threads with a connection each
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "db"))

import pg_cluster  # noqa: E402

ROWS = 2000
TASKS = 20
PG_SQL = "SELECT id, name, email FROM users WHERE id = %s"
PG_RAW_SQL = "SELECT id, name, email FROM users WHERE id = $1"
LITE_SQL = "SELECT id, name, email FROM users WHERE id = ?"


def _check(row, i) -> None:
    if row["id"] != i % ROWS + 1:
        raise SystemExit(f"wrong row for {i}: {row}")


# -- reference implementations (each run in a fresh process: see main) ---------------------------


def pg_sync_sequential(url: str, n: int) -> float:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as conn:
        cur = conn.cursor()
        for i in range(200):
            cur.execute(PG_SQL, (i % ROWS + 1,)).fetchone()
        start = time.perf_counter()
        for i in range(n):
            _check(cur.execute(PG_SQL, (i % ROWS + 1,)).fetchone(), i)
        return time.perf_counter() - start


def pg_asyncio_concurrent(url: str, n: int) -> float:
    import asyncio

    import psycopg
    from psycopg.rows import dict_row

    async def lookups(conn, first, count):
        cur = conn.cursor()
        for i in range(first, first + count):
            await cur.execute(PG_SQL, (i % ROWS + 1,))
            _check(await cur.fetchone(), i)

    async def main():
        conns = [await psycopg.AsyncConnection.connect(url, autocommit=True,
                                                       row_factory=dict_row)
                 for _ in range(TASKS)]
        await asyncio.gather(*(lookups(c, 0, 20) for c in conns))
        per = n // TASKS
        start = time.perf_counter()
        await asyncio.gather(*(lookups(c, t * per, per) for t, c in enumerate(conns)))
        elapsed = time.perf_counter() - start
        for c in conns:
            await c.close()
        return elapsed

    return asyncio.run(main())


def pg_trio_adapter_sequential(url: str, n: int) -> float:
    import psycopg
    import trio
    from psycopg.rows import dict_row

    from trioquest.stdlib.db import psycopg_trio

    async def main():
        conn = await psycopg_trio.connect(url)
        cur = psycopg.AsyncRawCursor(conn, row_factory=dict_row)
        for i in range(200):
            await cur.execute(PG_RAW_SQL, [i % ROWS + 1])
            await cur.fetchone()
        start = time.perf_counter()
        for i in range(n):
            await cur.execute(PG_RAW_SQL, [i % ROWS + 1])
            _check(await cur.fetchone(), i)
        elapsed = time.perf_counter() - start
        await conn.close()
        return elapsed

    return trio.run(main)


def pg_trio_thread_sequential(url: str, n: int) -> float:
    import psycopg
    import trio
    from psycopg.rows import dict_row

    async def main():
        conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        cur = conn.cursor()
        limiter = trio.CapacityLimiter(1)

        def one(i):
            return cur.execute(PG_SQL, (i % ROWS + 1,)).fetchone()

        for i in range(200):
            await trio.to_thread.run_sync(one, i, limiter=limiter, abandon_on_cancel=True)
        start = time.perf_counter()
        for i in range(n):
            _check(await trio.to_thread.run_sync(one, i, limiter=limiter,
                                                 abandon_on_cancel=True), i)
        elapsed = time.perf_counter() - start
        conn.close()
        return elapsed

    return trio.run(main)


def _lite(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def _lite_lookups(conn, first: int, count: int) -> None:
    for i in range(first, first + count):
        row = conn.execute(LITE_SQL, (i % ROWS + 1,)).fetchone()
        _check(dict(zip(row.keys(), row)), i)


def sqlite_sequential(path: str, n: int) -> float:
    conn = _lite(path)
    _lite_lookups(conn, 0, 200)
    start = time.perf_counter()
    _lite_lookups(conn, 0, n)
    return time.perf_counter() - start


def sqlite_threads(path: str, n: int) -> float:
    import threading

    conns = [_lite(path) for _ in range(TASKS)]
    per = n // TASKS
    go = threading.Barrier(TASKS + 1)

    def work(t):
        _lite_lookups(conns[t], 0, 20)
        go.wait()
        _lite_lookups(conns[t], t * per, per)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(TASKS)]
    for th in threads:
        th.start()
    go.wait()
    start = time.perf_counter()
    for th in threads:
        th.join()
    return time.perf_counter() - start


REFERENCES = {f.__name__: f for f in (pg_sync_sequential, pg_asyncio_concurrent,
                                      pg_trio_adapter_sequential, pg_trio_thread_sequential,
                                      sqlite_sequential, sqlite_threads)}


# -- the driver ------------------------------------------------------------------------------


_MEASURED: dict = {}


def _reference(name: str, target: str, n: int) -> float:
    """µs per query of a reference, run in a fresh process (the best of the
    rounds of its first row is reused by the later rows naming it)."""
    done = subprocess.run([sys.executable, __file__, "--reference", name, target, str(n)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    return float(done.stdout.strip())


def _quest(backend: str, target: str, n: int, tasks: int, mode: str) -> float:
    done = subprocess.run([sys.executable, "-m", "trioquest", os.path.join(HERE, "db_latency.q"),
                           backend, target, str(n), str(tasks), mode],
                          capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0 or "us_per_query=" not in done.stdout:
        raise SystemExit(f"trioquest {backend} {tasks} {mode} failed:\n{done.stdout}{done.stderr}")
    return float(done.stdout.split("us_per_query=")[1].split()[0])


def _populate(pg_url: str, lite_path: str) -> None:
    import psycopg

    rows = [(i, f"user{i}", f"user{i}@example.com") for i in range(1, ROWS + 1)]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE users (id int PRIMARY KEY, name text, email text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO users VALUES (%s, %s, %s)", rows)
        conn.execute("VACUUM ANALYZE users")
    lite = sqlite3.connect(lite_path)
    lite.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")
    lite.executemany("INSERT INTO users VALUES (?, ?, ?)", rows)
    lite.commit()
    lite.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", nargs=3, metavar=("NAME", "TARGET", "N"))
    args = parser.parse_args()
    if args.reference:
        name, target, n = args.reference
        print(REFERENCES[name](target, int(n)) / int(n) * 1e6)
        return

    directory = tempfile.mkdtemp(prefix="trioquest-bench-db-")
    pg_dir = tempfile.mkdtemp(prefix="trioquest-bench-pg-")   # given to the postgres user
    try:
        pg_url = pg_cluster.start(pg_dir)
        lite = os.path.join(directory, "bench.db")
        _populate(pg_url, lite)
        n = args.n
        rows = [
            ("postgres", "sequential", "trioquest postgres.connect",
             lambda: _quest("postgres", pg_url, n, 1, "held"),
             "psycopg sync Connection", lambda: _reference("pg_sync_sequential", pg_url, n)),
            ("postgres", "20 tasks", "trioquest pool, a connection per task",
             lambda: _quest("postgres", pg_url, n, TASKS, "held"),
             "psycopg AsyncConnection, asyncio",
             lambda: _reference("pg_asyncio_concurrent", pg_url, n)),
            ("postgres", "20 tasks", "trioquest pool.fetch_one per query",
             lambda: _quest("postgres", pg_url, n, TASKS, "per_query"),
             "psycopg AsyncConnection, asyncio",
             lambda: _reference("pg_asyncio_concurrent", pg_url, n)),
            ("postgres", "sequential", "route (b) from Python: psycopg_trio",
             lambda: _reference("pg_trio_adapter_sequential", pg_url, n),
             "psycopg sync Connection", lambda: _reference("pg_sync_sequential", pg_url, n)),
            ("postgres", "sequential", "route (a): sync Connection in to_thread",
             lambda: _reference("pg_trio_thread_sequential", pg_url, n),
             "psycopg sync Connection", lambda: _reference("pg_sync_sequential", pg_url, n)),
            ("sqlite", "sequential", "trioquest sqlite.connect",
             lambda: _quest("sqlite", lite, n, 1, "held"),
             "stdlib sqlite3", lambda: _reference("sqlite_sequential", lite, n)),
            ("sqlite", "20 tasks", "trioquest pool, a connection per task",
             lambda: _quest("sqlite", lite, n, TASKS, "held"),
             "sqlite3, 20 threads", lambda: _reference("sqlite_threads", lite, n)),
            ("sqlite", "20 tasks", "trioquest pool.fetch_one per query",
             lambda: _quest("sqlite", lite, n, TASKS, "per_query"),
             "sqlite3, 20 threads", lambda: _reference("sqlite_threads", lite, n)),
        ]
        print(f"µs per primary-key lookup, N={n}, best of {args.rounds} (lower is better)\n")
        print(f"{'db':9}{'load':12}{'measured':42}{'µs':>8}   {'reference':36}{'µs':>8}  ratio")
        for db, load, label, measure, ref_label, reference in rows:
            ours = min(measure() for _ in range(args.rounds))
            if ref_label not in _MEASURED:
                _MEASURED[ref_label] = min(reference() for _ in range(args.rounds))
            theirs = _MEASURED[ref_label]
            print(f"{db:9}{load:12}{label:42}{ours:8.1f}   {ref_label:36}{theirs:8.1f}"
                  f"  {ours / theirs:5.2f}", flush=True)
    finally:
        try:
            pg_cluster.stop(pg_dir)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
            shutil.rmtree(pg_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
