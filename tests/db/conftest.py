"""Fixtures of the std/db tests: a real PostgreSQL server, a schema per test.

The server is the one named by TRIOQUEST_PG_URL (.ci/run starts one), else a
throwaway cluster this session starts itself with pg_cluster.py (about 1.5 s,
once; clusters left by a session that crashed are stopped first); the
PostgreSQL tests are skipped only when no PostgreSQL binaries exist.
Each test gets a fresh schema, first on its search_path, dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import pg_cluster  # noqa: E402

from async_runner import run_async  # noqa: E402

_schemas = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The URL of the session's PostgreSQL database."""
    url = os.environ.get("TRIOQUEST_PG_URL")
    if url:
        yield url
        return
    if pg_cluster.bindir() is None:
        pytest.skip("PostgreSQL tests skipped: no PostgreSQL binaries (initdb, pg_ctl) found; "
                    "install PostgreSQL or set TRIOQUEST_PG_URL")
    pg_cluster.reap_orphans(tempfile.gettempdir(), "trioquest-pg-")
    directory = tempfile.mkdtemp(prefix="trioquest-pg-")
    try:
        yield pg_cluster.start(directory, owner=os.getpid())
    finally:
        try:
            pg_cluster.stop(directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def with_search_path(url: str, schema: str) -> str:
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_url(pg_server) -> str:
    """A URL whose connections see a fresh, empty schema of their own."""
    import psycopg

    schema = f"test_{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    yield with_search_path(pg_server, schema)
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


def run_quest(source: str, *, watch=None, **names):
    """(output, interpreter) of a Quest program run on Trio's real clock
    (databases are real I/O; under MockClock a deadline would jump while a
    query waits on a socket or a thread).  `{name}` in the source is
    replaced by names[name]; `watch` runs beside it (see run_async)."""
    source = textwrap.dedent(source).lstrip("\n")
    for key, value in names.items():
        source = source.replace("{" + key + "}", str(value))
    return run_async(source, dedent=False, clock=None, watch=watch)


def quest(source: str, **names) -> str:
    """Output of a Quest program (see run_quest)."""
    return run_quest(source, **names)[0]


def quest_error(source: str, **names) -> str:
    """The uncaught-error report of a Quest program that must fail (see run_quest)."""
    from trioquest.eval.interpreter import format_uncaught

    try:
        run_quest(source, **names)
    except Exception as exc:  # noqa: BLE001 - any Quest error
        return format_uncaught(exc)
    raise AssertionError("the program did not fail")


class Backend:
    """What differs between the two databases in the shared tests: `{DB}`
    and `{URL}` in a program are the backend's name and its database."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def sql(self, text: str) -> str:
        """`text` with its `$n` placeholders written for this backend."""
        if self.name == "postgres":
            return text
        import re

        return re.sub(r"\$\d+", "?", text)

    def run_quest(self, source: str, **names):
        return run_quest(source, DB=self.name, URL=self.url, **names)

    def run(self, source: str, **names) -> str:
        return quest(source, DB=self.name, URL=self.url, **names)

    def error(self, source: str, **names) -> str:
        return quest_error(source, DB=self.name, URL=self.url, **names)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "test.db"))
    return Backend("postgres", request.getfixturevalue("pg_url"))

