"""Run one benchmark program and report its execution time (not start-up).

    python bench/harness.py python PROGRAM.py
    python bench/harness.py quest PROGRAM.q

The program's output goes to stdout; ``elapsed=SECONDS`` goes to stderr.  For
Quest, parsing and compiling happen before the clock starts, as CPython
compiles the Python program before the clock starts.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.setrecursionlimit(10000)


def main() -> None:
    lang, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if lang == "python":
        code = compile(text, path, "exec")
        ns = {"__name__": "__main__"}
        start = time.perf_counter()
        exec(code, ns)
    else:
        from trioquest.eval.interpreter import Interpreter
        from trioquest.eval.values.modules import QModule
        from trioquest.source import Source

        interp = Interpreter([path], script_path=path)
        source = Source(text, path)
        compiled = interp.compile(source)
        ns = interp.namespace()
        ns.update(compiled.globals)
        exec(compiled.code, ns)
        body = ns["_Q_body"]
        module = QModule("__main__")
        start = time.perf_counter()
        body(module.__dict__)
    elapsed = time.perf_counter() - start
    sys.stdout.flush()
    print(f"elapsed={elapsed:.6f}", file=sys.stderr)


if __name__ == "__main__":
    main()
