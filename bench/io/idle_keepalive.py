#!/usr/bin/env python3
"""Time to first answer for a new client while idle keep-alive connections
fill the server's connection limit.

    bench/io/idle_keepalive.py [--idle N] [--rounds R]

Starts QEP-027 Example 7's server (`http_server.q`, default max_connections
1000) in a fresh process, opens N connections (default 1000) that each make
one request and then stay open and idle (HTTP/1.1 keep-alive), then times a
new connection's `GET /` from connect to the whole response.  Prints each
round and the median; the goal is an answer within 100 ms.  It also counts
how many of the idle connections the server closed to make room (they see
a clean end of stream; a reset would be counted as an error).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_http import SERVERS, free_port, start, stop  # noqa: E402

REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
GOAL = 0.100


def read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def open_idle(port: int, n: int) -> list[socket.socket]:
    idle = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(REQUEST)
        read_response(s)
        idle.append(s)
    return idle


def first_answer(port: int, limit: float = 120.0) -> float:
    start_time = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        s.sendall(REQUEST)
        head = read_response(s)
    elapsed = time.perf_counter() - start_time
    if not head.startswith(b"HTTP/1.1 200 "):
        raise SystemExit(f"unexpected answer: {head!r}")
    return elapsed


def closed_by_server(idle: list[socket.socket]) -> tuple[int, int]:
    """(cleanly closed, reset) among the idle connections."""
    clean = reset = 0
    for s in idle:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                clean += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            reset += 1
        s.close()
    return clean, reset


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    times = []
    for i in range(args.rounds):
        port = free_port()
        proc = start(SERVERS["trioquest"], port)
        try:
            idle = open_idle(port, args.idle)
            times.append(first_answer(port))
            time.sleep(0.2)                 # let the server's closes arrive
            clean, reset = closed_by_server(idle)
        finally:
            stop(proc)
        print(f"round {i + 1}: first answer after {times[-1] * 1000:,.1f} ms; idle connections "
              f"closed by the server: {clean} cleanly, {reset} reset", flush=True)
        if reset:
            raise SystemExit("the server reset an idle connection")
    median = statistics.median(times)
    print(f"{'io/':<22} {'first answer':>14}")
    print(f"{'http_idle_keepalive':<22} {median * 1000:11,.1f} ms   ({args.idle} idle "
          f"keep-alive connections; goal <= {GOAL * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
