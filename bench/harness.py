"""Run one benchmark program and report its execution time (not start-up).

    python bench/harness.py python PROGRAM.py
    python bench/harness.py quest PROGRAM.q

The program's output goes to stdout; ``base_kib=… peak_kib=… elapsed=SECONDS``
(resident memory before the clock starts, peak resident memory) goes to stderr.  For
Quest, parsing and compiling happen before the clock starts, as CPython
compiles the Python program before the clock starts; importing trio does too
(an async Python program imports it before calling trio.run).  Async programs
are timed over their whole ``trio.run`` on both sides.
"""

from __future__ import annotations

import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.setrecursionlimit(10000)


def _rss_kib() -> int:
    """The resident set size now (Linux), the baseline for the peak."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def main() -> None:
    lang, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if lang == "python":
        if "import trio" in text:
            import trio  # noqa: F401 - as trioquest imports it before the clock
        code = compile(text, path, "exec")
        ns = {"__name__": "__main__"}
        base_kib = _rss_kib()
        start = time.perf_counter()
        exec(code, ns)
    else:
        from trioquest.eval.interpreter import Interpreter
        from trioquest.eval.values.modules import QModule
        from trioquest.source import Source

        interp = Interpreter([path], script_path=path)
        source = Source(text, path)
        compiled = interp.compile(source)
        if compiled.uses_async:  # trio and std/async, before the clock
            import trioquest.nursery_bridge.runner  # noqa: F401
            import trioquest.stdlib.async_  # noqa: F401
        ns = interp.namespace()
        ns.update(compiled.globals)
        exec(compiled.code, ns)
        body = ns["_Q_body"]
        module = QModule("__main__")
        base_kib = _rss_kib()
        start = time.perf_counter()
        if compiled.uses_async:  # the whole trio.run, as the raw-Trio program times it
            from trioquest.nursery_bridge.runner import run_program

            run_program(lambda: body(module.__dict__))
        else:
            body(module.__dict__)
    elapsed = time.perf_counter() - start
    sys.stdout.flush()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"base_kib={base_kib} peak_kib={peak_kib} elapsed={elapsed:.6f}", file=sys.stderr)


if __name__ == "__main__":
    main()
