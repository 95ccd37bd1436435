"""A small HTTP/1.1 load generator: the fallback when wrk is not installed.

    python bench/io/loadgen.py URL [--connections 50] [--duration 5]

Keeps `connections` keep-alive connections busy with GET requests (one in
flight per connection, as wrk does without pipelining) for `duration`
seconds and prints ``requests=N seconds=S rps=R errors=E``.  Plain asyncio
and hand-written bytes: it must cost the machine less than the servers it
loads.  Every response must be a 200 with a Content-Length body.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from urllib.parse import urlsplit


async def worker(host: str, port: int, request: bytes, stop_at: float, counts: list) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                counts[1] += 1
                return
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            counts[0] += 1
    except (ConnectionError, asyncio.IncompleteReadError):
        counts[1] += 1
    finally:
        writer.close()


async def load(url: str, connections: int, duration: float) -> tuple[int, float, int]:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    request = (f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n").encode()
    counts = [0, 0]
    start = time.perf_counter()
    await asyncio.gather(*(worker(host, port, request, start + duration, counts)
                           for _ in range(connections)))
    return counts[0], time.perf_counter() - start, counts[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--duration", type=float, default=5.0)
    args = ap.parse_args()
    n, secs, errors = asyncio.run(load(args.url, args.connections, args.duration))
    print(f"requests={n} seconds={secs:.3f} rps={n / secs:.1f} errors={errors}")


if __name__ == "__main__":
    main()
