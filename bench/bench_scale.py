"""Scale limits of the front end (a script, not a test): each figure should
grow linearly with the size of the input.

    .venv/bin/python bench/bench_scale.py [lets|errors|literal|nesting ...]

* lets:    compiling a module of N ``let``s in one scope (parse, resolve and
           generate, Python's compile), N = 10,000 and 100,000;
* errors:  the cost of one raised and caught error (locating it included) in
           a function of 10 and of 10,000 statements;
* literal: time and peak memory (traced allocations) of lexing a 5 MB
           string, f-string and bytes literal, each in a fresh process;
* nesting: compiling 2,000-term sums, 1,000 nested brackets, 300 nested
           lambdas and 50 nested loops.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))


def lets() -> None:
    from trioquest.eval.compiler import compile_program
    from trioquest.parser import parse
    from trioquest.source import Source

    for n in (10_000, 100_000):
        text = "".join(f"let v{i} = {i}\n" for i in range(n)) + "puts(v0)\n"
        source = Source(text, "lets.q")
        t0 = time.perf_counter()
        tree = parse(source)
        t1 = time.perf_counter()
        compile_program(tree, source)
        t2 = time.perf_counter()
        print(f"lets: {n:>7,} lets in one scope: parse {t1 - t0:5.2f} s, resolve + compile "
              f"{t2 - t1:5.2f} s ({(t2 - t1) / n * 1e6:.1f} us a let)")


def _error_program(size: int, errors: int) -> str:
    body = "".join(f"  let a{i} = {i}\n" for i in range(size))
    return (f"fun big()\n{body}  let count = 0\n  for i in 0 until {errors}\n    try\n"
            f"      raise ValueErr.new(\"x\")\n    catch e\n      count += e.line()\n"
            f"    end\n  end\n  count\nend\nputs(big())\n")


def errors() -> None:
    from trioquest.cli import main

    def seconds(text):
        with contextlib.redirect_stdout(io.StringIO()):
            t = time.perf_counter()
            main(["-c", text])
            return time.perf_counter() - t

    seconds(_error_program(10, 10))   # warm up imports
    for size in (10, 10_000):
        n = 2000
        per = (seconds(_error_program(size, n)) - seconds(_error_program(size, 0))) / n
        print(f"errors: a function of {size:>6,} statements: {per * 1e6:7.1f} us "
              "per raised and caught error")


_LITERAL = """
import sys, time, tracemalloc
sys.path.insert(0, {root!r})
from trioquest.lexer import tokenize
from trioquest.source import Source
body = "abc \\\\n " * 714_286   # 5 MB, with an escape every 7 characters
text = {{"string": 'let s = "' + body + '"', "f-string": 'let s = f"' + body + '"',
         "bytes": 'let s = b"' + body + '"'}}[{kind!r}]
t = time.perf_counter()
for _ in tokenize(Source(text)):
    pass
seconds = time.perf_counter() - t
tracemalloc.start()
for _ in tokenize(Source(text)):
    pass
peak = tracemalloc.get_traced_memory()[1]
print(f"{{seconds:.2f}} {{peak / 2**20:.0f}}")
"""


def literal() -> None:
    for kind in ("string", "f-string", "bytes"):
        done = subprocess.run([sys.executable, "-c", _LITERAL.format(root=str(ROOT), kind=kind)],
                              capture_output=True, text=True, check=True)
        secs, mib = done.stdout.split()
        print(f"literal: lexing a 5 MB {kind} literal: {secs} s, peak memory allocated "
              f"while lexing {mib} MiB")


def nesting() -> None:
    from trioquest.eval.interpreter import Interpreter
    from trioquest.source import Source

    cases = {
        "a 2,000-term sum": "let x = 1\nputs(" + " + ".join(["x"] * 2000) + ")\n",
        "1,000 nested brackets": "puts(" + "(" * 1000 + "1" + ")" * 1000 + ")\n",
        "300 nested lambdas": "let f = " + "fun () " * 300 + "1" + " end" * 300 + "\n",
        "50 nested while loops": "".join(f"let i{k} = 0\nwhile i{k} < 1\ni{k} += 1\n"
                                         for k in range(50)) + "puts(1)\n" + "end\n" * 50,
    }
    interp = Interpreter()
    for what, text in cases.items():
        t = time.perf_counter()
        interp.compile(Source(text, "nest.q"))
        print(f"nesting: compiling {what}: {(time.perf_counter() - t) * 1000:.0f} ms")


def main() -> None:
    wanted = sys.argv[1:] or ["lets", "errors", "literal", "nesting"]
    for name in wanted:
        globals()[name]()


if __name__ == "__main__":
    main()
