"""std/db/sqlite and std/db/postgres: one API over two databases (docs/db.md).

api.py holds what both share (Connection, Transaction, errors), pool.py the
pool on Trio primitives, sqlite.py and postgres.py the backends, and
psycopg_trio.py the adapter that drives psycopg's generators on Trio.
"""
