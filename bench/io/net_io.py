#!/usr/bin/env python3
"""std/net and async std/io against raw Trio and sync std/io: one number each.

    python bench/io/net_io.py [--rounds N]

* net echo: round trips of a 16-byte line between a client and an echo
  server task in one program (Quest: std/net, ``send`` + ``recv_line``;
  raw Trio: ``SocketStream.send_all`` + ``receive_some``), µs per round trip;
* io read: ``await io.read_async(p)`` of a 1 KiB file, against ``io.read(p)``
  (sync std/io) and raw ``trio.Path(p).read_text()``, µs per call;
* io lines: ``for line in f`` over a 100,000-line file opened with
  ``io.open_async``, against ``io.read(p).split("\\n")``, ms per file.

Each Quest program times itself with ``async.now()`` (the real clock), so
start-up and compilation are left out; the median of N rounds is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

import trio  # noqa: E402

from trioquest.eval.interpreter import Interpreter  # noqa: E402
from trioquest.source import Source  # noqa: E402

ECHO_N = 5000
READ_N = 2000

NET_Q = '''
use "std/net"
use "std/async"
let listener = net.listen()
async fun echo()
    let s = await listener.accept()
    while true
        let line = await s.recv_line()
        if line == nil
            break
        end
        await s.send(line .. "\\n")
    end
    s.close()
end
let server = async.spawn(echo)
let c = await net.connect("127.0.0.1", listener.port())
let start = async.now()
for i in 0 until __N__
    await c.send("0123456789abcde\\n")
    await c.recv_line()
end
puts(async.now() - start)
c.close()
await server
listener.close()
'''

READ_Q = '''
use "std/io"
use "std/async"
let start = async.now()
for i in 0 until __N__
    await io.read_async(__PATH__)
end
let a = async.now() - start
start = async.now()
for i in 0 until __N__
    io.read(__PATH__)
end
puts(a, " ", async.now() - start)
'''

LINES_Q = '''
use "std/io"
use "std/async"
let start = async.now()
let n = 0
async with io.open_async(__PATH__) as f
    for line in f
        n = n + 1
    end
end
let a = async.now() - start
start = async.now()
let m = io.read(__PATH__).split("\\n").len()
puts(a, " ", async.now() - start)
'''


def quest(source: str) -> list[float]:
    interp = Interpreter(["bench.q"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        interp.run_main(Source(source, "bench.q"))
    return [float(x) for x in out.getvalue().split()]


def raw_echo(n: int) -> float:
    async def main():
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        port = listeners[0].socket.getsockname()[1]

        async def echo(stream):
            buf = b""
            while True:
                data = await stream.receive_some(65536)
                if not data:
                    return
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    await stream.send_all(line + b"\n")

        async with trio.open_nursery() as nursery:
            await nursery.start(trio.serve_listeners, echo, listeners)
            client = await trio.open_tcp_stream("127.0.0.1", port)
            start = time.perf_counter()
            for _ in range(n):
                await client.send_all(b"0123456789abcde\n")
                got = b""
                while not got.endswith(b"\n"):
                    got += await client.receive_some(65536)
            elapsed = time.perf_counter() - start
            await client.aclose()
            nursery.cancel_scope.cancel()
        return elapsed

    return trio.run(main)


def raw_read(path: str, n: int) -> float:
    async def main():
        p = trio.Path(path)
        start = time.perf_counter()
        for _ in range(n):
            await p.read_text(encoding="utf-8")
        return time.perf_counter() - start

    return trio.run(main)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    small = os.path.join(tmp, "1k.txt")
    with open(small, "w") as f:
        f.write("x" * 1023 + "\n")
    big = os.path.join(tmp, "lines.txt")
    with open(big, "w") as f:
        f.writelines(f"line number {i}\n" for i in range(100_000))

    rows = {"net_q": [], "net_raw": [], "read_async": [], "read_sync": [], "read_raw": [],
            "lines_async": [], "lines_sync": []}
    for _ in range(args.rounds):
        rows["net_q"].append(quest(NET_Q.replace("__N__", str(ECHO_N)))[0] / ECHO_N)
        rows["net_raw"].append(raw_echo(ECHO_N) / ECHO_N)
        a, s = quest(READ_Q.replace("__PATH__", f'"{small}"').replace("__N__", str(READ_N)))
        rows["read_async"].append(a / READ_N)
        rows["read_sync"].append(s / READ_N)
        rows["read_raw"].append(raw_read(small, READ_N) / READ_N)
        a, s = quest(LINES_Q.replace("__PATH__", f'"{big}"'))
        rows["lines_async"].append(a)
        rows["lines_sync"].append(s)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"net echo round trip   std/net {med['net_q'] * 1e6:7.1f} µs   "
          f"raw Trio {med['net_raw'] * 1e6:7.1f} µs   ratio {med['net_q'] / med['net_raw']:.2f}")
    print(f"read 1 KiB file       read_async {med['read_async'] * 1e6:6.1f} µs   "
          f"io.read {med['read_sync'] * 1e6:6.1f} µs   trio.Path {med['read_raw'] * 1e6:6.1f} µs")
    print(f"100,000 lines         for line in open_async {med['lines_async'] * 1e3:6.1f} ms   "
          f"io.read().split {med['lines_sync'] * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
