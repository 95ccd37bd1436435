#!/usr/bin/env python3
"""Time from a deadlock forming to its report (docs/concurrency.md#deadlocks).

    bench/deadlock_detection.py [ROUNDS]

Runs tests/concurrency/deadlock/await_task.q as a real process ROUNDS times
(default 10): the clock starts when the program prints "waiting" (the main
program is about to await a task that waits for ever) and stops when the
deadlock report's first line reaches stderr.  Prints min / median / max.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "..", "tests", "concurrency", "deadlock", "await_task.q")


def once() -> float:
    child = subprocess.Popen([sys.executable, "-m", "trioquest", PROGRAM], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline() == "waiting\n"
    start = time.perf_counter()
    line = child.stderr.readline()
    took = time.perf_counter() - start
    child.communicate()
    assert line.startswith("trioquest: deadlock"), line
    return took


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    times = [once() for _ in range(rounds)]
    print(f"deadlock detection over {rounds} runs: min {min(times) * 1000:.0f} ms, "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
