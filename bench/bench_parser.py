"""Front-end benchmark (a script, not a test): start-up cost and parse speed.

    .venv/bin/python bench/bench_parser.py

Targets (issue #2): importing trioquest.parser adds under 100 ms to start-up;
a 10,000-line program parses in under 1 second.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from program_gen import program  # noqa: E402


def startup_ms(code: str, runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    bare = startup_ms("pass")
    with_parser = startup_ms("import trioquest.parser")
    print(f"start-up: bare python {bare:.1f} ms, with trioquest.parser {with_parser:.1f} ms "
          f"-> import adds {with_parser - bare:.1f} ms (target < 100)")

    from trioquest import parse_tables
    from trioquest.lexer import tokenize
    from trioquest.parser import QuestParser, parse
    from trioquest.source import Source
    from trioquest.tokens import refine

    print(f"parser tables came from: {QuestParser._table_source}")
    t = time.perf_counter()
    parse_tables.build_uncached(QuestParser)
    print(f"building the LALR tables without the cache: {(time.perf_counter() - t) * 1000:.0f} ms")

    text = program(10_000)
    lines = text.count("\n")
    ntokens = sum(1 for _ in refine(tokenize(Source(text))))
    lex_times, parse_times = [], []
    for _ in range(5):
        t = time.perf_counter()
        for _tok in refine(tokenize(Source(text))):
            pass
        lex_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        parse(text, "bench.q")
        parse_times.append(time.perf_counter() - t)
    best = min(parse_times)
    print(f"program: {lines} lines, {ntokens} tokens, {len(text)} characters")
    print(f"lexing alone: best {min(lex_times) * 1000:.0f} ms")
    print(f"parse (lex + parse + AST): best {best * 1000:.0f} ms, median "
          f"{statistics.median(parse_times) * 1000:.0f} ms (target < 1000) "
          f"= {lines / best:,.0f} lines/s")


if __name__ == "__main__":
    main()
