"""The raw-Trio twin of http_server.q: h11 on Trio, the same shape.

Each connection runs in a Trio task that reads a request with h11 and hands
it to the accept loop (a memory channel, as ``server.accept()``); the loop
starts one task per request, which builds the response Dict, writes it with
h11 and tells the connection to go on (keep-alive).  No deadlines and no
size limits: the bare machinery std/http/server is measured against.
"""

import math
import os
from functools import partial

import h11
import trio


class Request:
    __slots__ = ("method", "path", "conn", "stream", "done")

    def __init__(self, method, path, conn, stream):
        self.method = method
        self.path = path
        self.conn = conn
        self.stream = stream
        self.done = trio.Event()


async def connection(stream, requests):
    conn = h11.Connection(h11.SERVER)
    try:
        while True:
            event = conn.next_event()
            while event is h11.NEED_DATA:
                conn.receive_data(await stream.receive_some(65536))
                event = conn.next_event()
            if type(event) is not h11.Request:
                return
            target = event.target.decode("latin-1")
            request = Request(event.method.decode("ascii"), target.partition("?")[0],
                              conn, stream)
            event = conn.next_event()
            while type(event) is not h11.EndOfMessage:
                if event is h11.NEED_DATA:
                    conn.receive_data(await stream.receive_some(65536))
                elif type(event) is not h11.Data:
                    return
                event = conn.next_event()
            requests.send_nowait(request)
            await request.done.wait()
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()
    except (h11.RemoteProtocolError, trio.BrokenResourceError):
        pass
    finally:
        stream.socket.close()


async def handle_request(request):
    if request.path == "/":
        return {"status": 200, "body": "Hello, World!"}
    return {"status": 404, "body": "Not Found"}


async def send_response(request, response):
    body = response["body"].encode()
    conn = request.conn
    headers = [(b"content-type", b"text/plain; charset=utf-8"),
               (b"content-length", str(len(body)).encode())]
    data = conn.send(h11.Response(status_code=response["status"], headers=headers,
                                  reason=b"OK" if response["status"] == 200 else b""))
    data += conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage())
    try:
        await request.stream.send_all(data)
    finally:
        request.done.set()


async def handle(request):
    response = await handle_request(request)
    await send_response(request, response)


async def main():
    port = int(os.environ.get("BENCH_PORT", "8080"))
    send, receive = trio.open_memory_channel(math.inf)
    listeners = await trio.open_tcp_listeners(port, host="127.0.0.1")
    print(f"Server listening on http://127.0.0.1:{port}", flush=True)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(partial(trio.serve_listeners, partial(connection, requests=send),
                                   listeners))
        while True:
            request = await receive.receive()
            nursery.start_soon(handle, request)


trio.run(main)
