#!/usr/bin/env python3
"""Requests/s of QEP-027 Example 7's server against a raw-Trio h11 server.

    bench/io/run_http.py [--rounds N] [--duration S] [--connections C] [--loadgen auto|wrk|python]

Each round starts each server in a fresh process (`http_server.q` under
trioquest, `http_server_raw.py` under Python), alternating, waits until it
accepts connections, warms it up for a second, then loads it for `duration`
seconds with wrk (one thread, `connections` keep-alive connections) or, when
wrk is missing, with `loadgen.py`; then stops it.  Prints each round and the
medians; the goal is trioquest >= 0.8x raw Trio.  It also prints the
server's CPU time per request (from /proc), which other processes on the
machine disturb less than requests/s.  On a 2-core machine the
server runs on CPU 0 and the load generator on CPU 1 (taskset) when possible.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOAL = 0.8
SERVERS = {
    "raw Trio": [sys.executable, os.path.join(HERE, "http_server_raw.py")],
    "trioquest": [sys.executable, "-m", "trioquest", os.path.join(HERE, "http_server.q")],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu: int, command: list) -> list:
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(cpu), *command]
    return command


def _interruptible() -> None:
    """In the server process: SIGINT stops it, also when we were started
    with SIGINT ignored (as background jobs of a shell are)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(command: list, port: int) -> subprocess.Popen:
    env = dict(os.environ, BENCH_PORT=str(port), PYTHONPATH=ROOT)
    proc = subprocess.Popen(pinned(0, command), env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_interruptible)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{command} exited:\n{proc.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise SystemExit(f"{command} did not listen on port {port}")


def stop(proc: subprocess.Popen) -> None:
    """Interrupt the server's own process group, then kill it if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass
    proc.stderr.close()


def load(tool: str, url: str, duration: float, connections: int) -> tuple[float, int]:
    """(requests/s, requests) of one run of the load generator."""
    if tool == "wrk":
        done = subprocess.run(pinned(1, ["wrk", "-t1", f"-c{connections}",
                                         f"-d{duration:g}s", url]),
                              capture_output=True, text=True, check=True)
        if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
            raise SystemExit(f"wrk saw errors:\n{done.stdout}")
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
        return rps, int(re.search(r"(\d+) requests in", done.stdout).group(1))
    done = subprocess.run(pinned(1, [sys.executable, os.path.join(HERE, "loadgen.py"), url,
                                     "--connections", str(connections),
                                     "--duration", str(duration)]),
                          capture_output=True, text=True, check=True)
    report = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout))
    if float(report["errors"]):
        raise SystemExit(f"loadgen saw errors: {done.stdout}")
    return float(report["rps"]), int(report["requests"])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name: str, tool: str, duration: float, connections: int) -> tuple[float, float]:
    """(requests/s, server CPU microseconds per request) of one fresh server."""
    port = free_port()
    proc = start(SERVERS[name], port)
    try:
        url = f"http://127.0.0.1:{port}/"
        load(tool, url, 1.0, connections)       # warm-up
        cpu = cpu_seconds(proc.pid)
        rps, requests = load(tool, url, duration, connections)
        return rps, (cpu_seconds(proc.pid) - cpu) / requests * 1e6
    finally:
        stop(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    args = ap.parse_args()
    tool = args.loadgen
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    print(f"http server, {args.connections} connections, {args.duration:g} s per run, "
          f"load generator: {tool}")
    results: dict = {name: [] for name in SERVERS}
    for i in range(args.rounds):
        for name in SERVERS:
            results[name].append(measure(name, tool, args.duration, args.connections))
        print(f"round {i + 1}: " + ", ".join(f"{n} {r[-1][0]:,.0f} req/s ({r[-1][1]:.0f} µs CPU)"
                                             for n, r in results.items()), flush=True)
    raw = statistics.median(r for r, _ in results["raw Trio"])
    quest = statistics.median(r for r, _ in results["trioquest"])
    raw_cpu = statistics.median(c for _, c in results["raw Trio"])
    quest_cpu = statistics.median(c for _, c in results["trioquest"])
    print(f"{'io/':<14} {'raw Trio':>12} {'trioquest':>12} {'ratio':>6}")
    print(f"{'http_server':<14} {raw:8,.0f} r/s {quest:8,.0f} r/s {quest / raw:6.2f}"
          f"   (goal >= {GOAL})")
    print(f"{'CPU/request':<14} {raw_cpu:9,.0f} µs {quest_cpu:9,.0f} µs "
          f"{raw_cpu / quest_cpu:6.2f}   (server CPU time per request: raw / trioquest)")


if __name__ == "__main__":
    main()
