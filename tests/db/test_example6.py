"""QEP-027 Example 6 as written (examples/qep_example6_db.q) against the real
PostgreSQL server, after examples/blog_db_setup.q made its tables."""

from pathlib import Path

import psycopg

from async_runner import run_async

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_example_6_async_database_queries(pg_url, monkeypatch):
    monkeypatch.setenv("QUEST_DATABASE_URL", pg_url)
    run = lambda name: run_async((EXAMPLES / name).read_text(), dedent=False, clock=None)
    assert run("blog_db_setup.q")[0] == "users and posts are ready\n"
    with psycopg.connect(pg_url) as check:   # the setup made what the example reads
        assert check.execute("SELECT count(*) FROM posts").fetchone() == (4,)
    out, interp = run("qep_example6_db.q")
    assert out == "User: Ada Lovelace\nPosts: 3\n"
    assert interp.diagnostics.leaks == []
    assert run("blog_db_setup.q")[0] == "users and posts are ready\n"   # it can run again
