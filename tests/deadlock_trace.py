"""Running a Quest program as a real process while watching the deadlock
detector's verdicts (TRIOQUEST_DEADLOCK_TRACE, nursery_bridge/deadlock.py):
a test waits until the detector has looked at a waiting program instead of
sleeping."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = "trioquest-deadlock-check: "

PARKED = '''use "std/async"
let ch = async.channel()
let parked = async.spawn(fun () await ch.recv() end, name: "parked")
'''


def start(tmp_path, program: str, *args: str) -> subprocess.Popen:
    (tmp_path / "prog.q").write_text(PARKED + program, encoding="utf-8")
    env = {**os.environ, "TRIOQUEST_DEADLOCK_TRACE": "1", "TRIOQUEST_DEADLOCK_INTERVAL": "0.01"}
    return subprocess.Popen([sys.executable, "-m", "trioquest", "prog.q", *args], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def verdicts_while_waiting(child, verdict: str, count: int = 3) -> None:
    """Read the detector's verdicts until it has seen the waiting program
    `count` times (any other stderr line is a failure)."""
    seen = 0
    while seen < count:
        line = child.stderr.readline()
        assert line.startswith(CHECK), line
        if line[len(CHECK):].startswith(verdict):
            seen += 1


def finish(child) -> tuple[int, str, list]:
    out, err = child.communicate(timeout=60)
    other = [line for line in err.splitlines() if not line.startswith(CHECK)]
    return child.returncode, out, other
