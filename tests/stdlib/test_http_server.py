"""std/http/server: QEP-027 Example 7's API on h11 and Trio (docs/http-server.md).

Each test runs a Quest server in-process and Python clients beside it in the
same Trio run (``run_async(watch=...)``), on raw sockets with hand-written
requests, under Trio's MockClock: deadlines are virtual time, and the
responses are compared byte for byte.
"""

from __future__ import annotations

import re
import socket
import struct
import sys
import textwrap

import pytest
import trio

from async_runner import run_async
from trioquest.nursery_bridge.diagnostics import live_tasks

TEXT = "text/plain; charset=utf-8"


def response(status: int, reason: str, body: bytes | str = b"", ctype: str | None = TEXT,
             *, close: bool = False, headers: str = "") -> bytes:
    """The exact bytes the server writes: its headers in its order."""
    if isinstance(body, str):
        body = body.encode()
    head = f"HTTP/1.1 {status} {reason}\r\n{headers}"
    if ctype is not None and body:
        head += f"content-type: {ctype}\r\n"
    head += f"content-length: {len(body)}\r\n"
    if close:
        head += "connection: close\r\n"
    return (head + "\r\n").encode() + body


def refusal(status: int, reason: str, close: bool = True) -> bytes:
    return response(status, reason, reason, close=close)


OK_HELLO = response(200, "OK", "Hello, World!")


def server_port(bridge) -> int:
    """The port of the program's http.server, from its task's name."""
    for task in live_tasks(bridge):
        if task.name and task.name.startswith("http.server 127.0.0.1:"):
            return int(task.name.rsplit(":", 1)[1])
    raise AssertionError("no http.server is running")


class Client:
    """A raw HTTP/1.1 client connection: bytes in, whole responses out."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.buffer = b""

    @classmethod
    async def open(cls, port: int) -> Client:
        return cls(await trio.open_tcp_stream("127.0.0.1", port))

    async def send(self, data: bytes) -> None:
        await self.stream.send_all(data)

    async def _more(self) -> None:
        data = await self.stream.receive_some(65536)
        if not data:
            raise EOFError(f"connection closed; unread: {self.buffer!r}")
        self.buffer += data

    async def response(self, head: bool = False) -> bytes:
        """One whole response (Content-Length framed; no body after HEAD)."""
        while b"\r\n\r\n" not in self.buffer:
            await self._more()
        end = self.buffer.index(b"\r\n\r\n") + 4
        length = re.search(rb"(?im)^content-length: *(\d+)", self.buffer[:end])
        end += 0 if head or length is None else int(length.group(1))
        while len(self.buffer) < end:
            await self._more()
        found, self.buffer = self.buffer[:end], self.buffer[end:]
        return found

    async def request(self, method: str, target: str, headers: str = "",
                      body: bytes = b"") -> bytes:
        if body:
            headers += f"Content-Length: {len(body)}\r\n"
        await self.send(f"{method} {target} HTTP/1.1\r\nHost: test\r\n{headers}\r\n".encode()
                        + body)
        return await self.response(head=method == "HEAD")

    async def get(self, target: str, headers: str = "") -> bytes:
        return await self.request("GET", target, headers)

    async def closed(self) -> bool:
        """Whether the server closes the connection (after what was read)."""
        try:
            data = await self.stream.receive_some(65536)
        except trio.BrokenResourceError:
            return True
        self.buffer += data
        return not data


async def refused(port: int) -> bool:
    try:
        stream = await trio.open_tcp_stream("127.0.0.1", port)
    except OSError:
        return True
    await stream.aclose()
    return False


def serving(source: str, *clients, quit_path: str | None = "/quit"):
    """Run `source` (a server) with `clients(port)` running beside it at once;
    when they are done, GET `quit_path` (the program ends on it), or with
    `quit_path=None` let the program end by itself after a long (virtual)
    wait that the clients finish in.  Returns (stdout, interpreter); asserts
    that every client finished."""
    finished = []
    if quit_path is None:
        source = textwrap.dedent(source) + "await async.sleep(3600)  # the clients finish\n"

    async def watch(bridge):
        port = server_port(bridge)
        async with trio.open_nursery() as nursery:
            for client in clients:
                nursery.start_soon(client, port)
        finished.append(True)
        if quit_path is not None:
            c = await Client.open(port)
            await c.send(f"GET {quit_path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            await trio.sleep_forever()      # the program ends, and cancels us

    out, interp = run_async(source, watch=watch)
    assert finished, "the program ended before its clients"
    return out, interp


def no_leaks(interp) -> bool:
    d = interp.diagnostics
    return not (d.leaks or d.unobserved or d.never_awaited or d.blocked_channels)


# -- Example 7 ------------------------------------------------------------------------------------

EXAMPLE_7 = '''
use "std/async"
use "std/encoding/json"
use "std/http/server"  # Hypothetical async server module

async fun fetch_all_users()
    await async.sleep(0.5)
    return [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Linus"}]
end

async fun handle_request(request)
    if request.path == "/"
        {"status": 200, "body": "Hello, World!"}
    elif request.path == "/users"
        # Fetch from database asynchronously
        let users = await fetch_all_users()
        {"status": 200, "body": json.stringify(users)}
    else
        {"status": 404, "body": "Not Found"}
    end
end

async fun main()
    let server = http.server("127.0.0.1:0")
    puts("Server listening on http://127.0.0.1:" .. server.port())

    # Accept connections concurrently
    while true
        let request = await server.accept()

        # Handle each request in separate task
        async.spawn(fun ()
            let response = await handle_request(request)
            await request.send_response(response)
        end)
    end
end

async.block_on(fun () main() end)
'''


class _Done(Exception):
    """Ends Example 7 (it serves forever) once its clients are done."""


def test_example_7_accept_and_send_response_loop():
    seen = {}

    async def watch(bridge):
        port = server_port(bridge)
        start = trio.current_time()
        slow, fast = await Client.open(port), await Client.open(port)
        async with trio.open_nursery() as nursery:
            async def users():
                seen["users"] = (await slow.get("/users"), trio.current_time() - start)
            nursery.start_soon(users)
            await trio.sleep(0.1)
            # /users takes 0.5 s; the other connection is answered meanwhile
            seen["root"] = (await fast.get("/"), trio.current_time() - start)
            seen["missing"] = await fast.get("/missing?x=1")
        seen["stdout"] = sys.stdout.getvalue()
        raise _Done

    with pytest.raises(_Done):
        run_async(EXAMPLE_7, watch=watch)
    assert re.fullmatch(r"Server listening on http://127\.0\.0\.1:\d+\n", seen["stdout"])
    assert seen["root"] == (OK_HELLO, pytest.approx(0.1))
    assert seen["missing"] == response(404, "Not Found", "Not Found")
    assert seen["users"] == (
        response(200, "OK", '[{"id":1,"name":"Ada"},{"id":2,"name":"Linus"}]', "application/json"),
        pytest.approx(0.5))


# -- serve(handler) -------------------------------------------------------------------------------

SERVE = '''
use "std/async"
use "std/http/server"
let server = http.server("127.0.0.1:0"{options})
async fun handle(request)
{body}
    if request.path == "/quit"
        server.close()
        return {{"body": "bye"}}
    end
    {{"status": 200, "body": "Hello, World!"}}
end
await server.serve(handle)
puts("served; closed: ", server.is_closed())
'''


def serve_program(body: str = "", options: str = "") -> str:
    return SERVE.format(body=body, options=options)


def test_serve_answers_with_the_handlers_value():
    got = []

    async def client(port):
        c = await Client.open(port)
        for target in ("/", "/json", "/bytes", "/empty", "/created"):
            got.append(await c.get(target))
        got.append(await c.request("HEAD", "/json"))

    out, interp = serving(serve_program('''
    if request.path == "/json"
        return {"body": {"b": [1, 2.5], "a": nil, "ok": true}}
    elif request.path == "/bytes"
        return {"body": b"\\x00\\xff", "headers": {"Content-Type": "image/png"}}
    elif request.path == "/empty"
        return {"status": 204, "body": "dropped"}
    elif request.path == "/created"
        return {"status": 201, "headers": {"Location": "/things/7", "X-Count": 7,
                "Set-Cookie": ["a=1", "b=2"], "Content-Length": "999"}, "body": "made"}
    end'''), client)
    assert out == "served; closed: true\n"
    json_body = '{"a":null,"b":[1,2.5],"ok":true}'
    assert got == [
        OK_HELLO,
        response(200, "OK", json_body, "application/json"),
        response(200, "OK", b"\x00\xff", None, headers="Content-Type: image/png\r\n"),
        b"HTTP/1.1 204 No Content\r\n\r\n",
        response(201, "Created", "made", headers="Location: /things/7\r\nX-Count: 7\r\n"
                 "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"),
        # HEAD: the headers of the GET, no body
        response(200, "OK", json_body, "application/json")[:-len(json_body)],
    ]
    assert no_leaks(interp)


def test_a_str_body_that_is_a_json_object_or_array_is_sent_as_json():
    got = []
    targets = ("/object", "/array", "/log", "/braces", "/number", "/own")

    async def client(port):
        c = await Client.open(port)
        for target in targets:
            got.append(await c.get(target))

    serving(serve_program('''
    let bodies = {"/object": "{\\"a\\": [1, 2]}", "/array": " [1, \\"x\\"]\\n",
                  "/log": "[INFO] started", "/braces": "{not json}", "/number": "42"}
    if request.path == "/own"
        return {"headers": {"Content-Type": "text/csv"}, "body": "[1]"}
    elif bodies.contains(request.path)
        return {"body": bodies[request.path]}
    end'''), client)
    json_type = "application/json"
    assert got == [response(200, "OK", '{"a": [1, 2]}', json_type),
                   response(200, "OK", ' [1, "x"]\n', json_type),
                   response(200, "OK", "[INFO] started"),
                   response(200, "OK", "{not json}"),
                   response(200, "OK", "42"),
                   response(200, "OK", "[1]", None, headers="Content-Type: text/csv\r\n")]


def test_keep_alive_serves_requests_in_order_on_one_connection():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/a"))
        got.append(await c.get("/b"))
        # pipelined: both sent at once, answered in order
        await c.send(b"GET /c HTTP/1.1\r\nHost: t\r\n\r\nGET /d HTTP/1.1\r\nHost: t\r\n\r\n")
        got.append(await c.response())
        got.append(await c.response())
        got.append(await c.get("/last", "Connection: close\r\n"))
        got.append(await c.closed())
        old = await Client.open(port)      # HTTP/1.0: one request per connection
        await old.send(b"GET /old HTTP/1.0\r\n\r\n")
        got.append((await old.response(), await old.closed()))
        bye = await Client.open(port)      # the response closes it
        got.append((await bye.get("/bye"), await bye.closed()))

    serving(serve_program('''
    if request.path.len() == 2
        await async.sleep(1)
        return {"body": "path " .. request.path}
    elif request.path == "/bye"
        return {"headers": {"Connection": "close"}, "body": "bye"}
    end'''), client)
    closing = response(200, "OK", "Hello, World!", close=True)
    assert got == [response(200, "OK", "path /a"), response(200, "OK", "path /b"),
                   response(200, "OK", "path /c"), response(200, "OK", "path /d"),
                   # the client asked to close: the response says so, then it closes
                   closing, True,
                   (closing, True),
                   (response(200, "OK", "bye", close=True), True)]


def test_request_fields_query_headers_body_and_json():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.request(
            "POST", "/items/caf%C3%A9?tag=a&tag=b&empty=&q=x%20y+z", "X-Multi: 1\r\n"
            "X-Multi: 2\r\nCookie: a=1\r\nCookie: b=2\r\nContent-Type: application/json\r\n",
            b'{"name": "caf\xc3\xa9", "n": [1, 2]}'))
        got.append(await c.request("PUT", "/raw", body=b"\xff\xfe"))
        got.append(await c.request("POST", "/bad-json", body=b"{nope"))

    out, _ = serving(serve_program('''
    if request.method == "POST" and request.path.starts_with("/items/")
        puts(request.method, " ", request.path, " ", request.target)
        puts(request.query)
        puts(request.headers["x-multi"], " | ", request.headers["cookie"], " | ",
             request.headers.get("content-length"), " | ", request.headers.get("X-Multi"))
        let data = await request.json()
        puts(data["name"], " ", data["n"], " ", (await request.body()).len())
        return {"body": data}
    elif request.path == "/raw"
        puts((await request.body_bytes()).len())
        try
            await request.body()
        catch e
            puts(e.type(), ": ", e.message())
        end
        return {"body": await request.body_bytes()}
    elif request.path == "/bad-json"
        try
            await request.json()
        catch e
            puts(e.type(), ": ", e.message())
        end
        return {"status": 400, "body": "no"}
    end'''), client)
    assert out == (
        "POST /items/café /items/caf%C3%A9?tag=a&tag=b&empty=&q=x%20y+z\n"
        "{empty: , q: x y z, tag: b}\n"
        "1, 2 | a=1; b=2 | 30 | nil\n"
        "café [1, 2] 30\n"
        "2\n"
        "ValueErr: The body of PUT /raw is not valid UTF-8 (byte 0): use body_bytes()\n"
        "ValueErr: Invalid JSON at line 1, column 2: Expecting property name enclosed in "
        "double quotes\n"
        "served; closed: true\n")
    assert got == [response(200, "OK", '{"n":[1,2],"name":"café"}', "application/json"),
                   response(200, "OK", b"\xff\xfe", "application/octet-stream"),
                   response(400, "Bad Request", "no")]


# -- max_connections: idle keep-alive connections give way to new clients -------------------------

FULL = serve_program('''
    if request.path.starts_with("/slow")
        await async.sleep(5)
    end''', ", max_connections: 3")


async def clean_end(c: Client) -> bool:
    """Whether the server ended the connection with a clean end of stream
    (not a reset), with nothing unread before it."""
    try:
        data = await c.stream.receive_some(65536)
    except trio.BrokenResourceError:
        return False
    return data == b"" and c.buffer == b""


def test_the_connection_idle_the_longest_makes_room_for_a_new_client():
    got = []

    async def client(port):
        a, b, c = Client(None), Client(None), Client(None)
        for conn in (a, b, c):
            conn.stream = await trio.open_tcp_stream("127.0.0.1", port)
        for conn, path in ((b, "/b"), (c, "/c"), (a, "/a")):    # b is idle the longest
            got.append(await conn.get(path))
            await trio.sleep(1)
        start = trio.current_time()
        d = await Client.open(port)     # the 4th: the limit is full of idle connections
        got.append((await d.get("/d"), trio.current_time() - start))
        got.append(await clean_end(b))
        got.append(await a.get("/a2"))  # the others are still served
        got.append(await c.get("/c2"))

    serving(FULL, client)
    assert got == [OK_HELLO, OK_HELLO, OK_HELLO, (OK_HELLO, 0), True, OK_HELLO, OK_HELLO]


def test_with_no_idle_connection_a_new_client_waits_for_one():
    got = {}

    async def client(port):
        conns = [await Client.open(port) for _ in range(3)]
        start = trio.current_time()
        for conn in conns:
            await conn.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        async with trio.open_nursery() as nursery:
            async def read(i):
                got[i] = (await conns[i].response(), trio.current_time() - start)
            for i in range(3):
                nursery.start_soon(read, i)
            await trio.sleep(1)
            d = await Client.open(port)     # every connection is busy until 5 s
            got["new"] = (await d.get("/d"), trio.current_time() - start)
        # one of the three, idle since its answer, made the room: it read the
        # whole response, then a clean end; the other two are still open
        ends = []
        for conn in conns:
            with trio.move_on_after(1):
                ends.append(await clean_end(conn))
                continue
            ends.append("open")
        got["ends"] = sorted(ends, key=str)

    serving(FULL, client)
    assert got == {0: (OK_HELLO, 5), 1: (OK_HELLO, 5), 2: (OK_HELLO, 5), "new": (OK_HELLO, 5),
                   "ends": [True, "open", "open"]}


def test_closing_a_full_server_stops_the_wait_for_room():
    got = []

    async def client(port):
        a = await Client.open(port)
        await a.send(b"GET /slow-close HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(1)
        b = await Client.open(port)         # in the backlog: the server is full
        await b.send(b"GET /b HTTP/1.1\r\nHost: t\r\n\r\n")
        got.append(await a.response())      # at 5 s; the handler closed the server
        got.append(await a.closed())
        got.append(await b.closed())        # never accepted: the listening socket closed

    out, _ = serving(serve_program('''
    if request.path == "/slow-close"
        await async.sleep(5)
        server.close()
    end''', ", max_connections: 1"), client, quit_path=None)
    assert out == "served; closed: true\n"
    assert got == [response(200, "OK", "Hello, World!", close=True), True, True]


# -- hostile clients, while a normal client is served ---------------------------------------------

HOSTILE = serve_program('''
    if request.path == "/never"
        try
            await async.sleep(1000)
        ensure
            puts("the /never handler was cancelled at ", async.now())
        end
    end''', ", header_timeout: 5, body_timeout: 3, handler_timeout: 20, max_body: 10")


def timed(log: list, name: str):
    """A client that records (name, seconds since the start, what it got)."""
    def decorate(fn):
        async def client(port):
            start = trio.current_time()
            got = await fn(await Client.open(port))
            log.append((name, trio.current_time() - start, got))
        return client
    return decorate


def test_hostile_clients_are_refused_while_a_normal_client_is_served():
    log = []

    @timed(log, "slow head")
    async def slow_head(c):     # a byte a second: header_timeout is for the whole head
        async def trickle():
            for byte in b"GET / HTTP/1.1\r\nHost: t\r\n":
                await c.send(bytes([byte]))
                await trio.sleep(1)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(trickle)
            got = await c.response()
            nursery.cancel_scope.cancel()
        return got, await c.closed()

    @timed(log, "silent")
    async def silent(c):        # connects and sends nothing
        return await c.response(), await c.closed()

    @timed(log, "slow body")
    async def slow_body(c):
        await c.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        return await c.response(), await c.closed()

    @timed(log, "too long")
    async def too_long(c):
        await c.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nabc")
        return await c.response(), await c.closed()

    @timed(log, "chunked too long")
    async def chunked(c):
        await c.send(b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"6\r\nabcdef\r\n")
        await trio.sleep(1)
        await c.send(b"6\r\nabcdef\r\n")
        return await c.response(), await c.closed()

    @timed(log, "malformed")
    async def malformed(c):
        await c.send(b"GARBAGE\r\n\r\n")
        return await c.response(), await c.closed()

    @timed(log, "never answered")
    async def never(c):
        first = await c.get("/never")
        return first, await c.get("/")      # the connection goes on after the 503

    @timed(log, "normal")
    async def normal(c):
        await trio.sleep(2)     # every hostile client is pending now
        return await c.get("/"), await c.get("/")

    out, interp = serving(HOSTILE, slow_head, silent, slow_body, too_long, chunked, malformed,
                          never, normal)
    assert out == ("the /never handler was cancelled at 20\n"
                   "served; closed: true\n")
    assert sorted(log, key=lambda x: (x[1], x[0])) == [
        ("malformed", 0, (refusal(400, "Bad Request"), True)),
        ("too long", 0, (refusal(413, "Content Too Large"), True)),
        ("chunked too long", 1, (refusal(413, "Content Too Large"), True)),
        ("normal", 2, (OK_HELLO, OK_HELLO)),
        ("slow body", 3, (refusal(408, "Request Timeout"), True)),
        ("silent", 5, (refusal(408, "Request Timeout"), True)),
        ("slow head", 5, (refusal(408, "Request Timeout"), True)),
        ("never answered", 20, (refusal(503, "Service Unavailable", close=False), OK_HELLO)),
    ]
    assert no_leaks(interp)


def test_400_431_505_and_expect_100_continue():
    got = {}

    def one_shot(name, data):
        async def client(port):
            c = await Client.open(port)
            await c.send(data)
            got[name] = (await c.response(), await c.closed())
        return client

    async def big_head(port):
        c = await Client.open(port)
        await c.send(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"x" * 300 + b"\r\n\r\n")
        got["big head"] = (await c.response(), await c.closed())

    async def expect(port):
        c = await Client.open(port)
        await c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     b"Content-Length: 5\r\n\r\n")
        interim = await c.response()    # "go on" comes before the body is sent
        await c.send(b"hello")
        got["continue"] = (interim, await c.response())
        await c.send(b"POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     b"Content-Length: 50\r\n\r\n")
        got["too long"] = (await c.response(), await c.closed())   # no 100: refused at once

    no_host = one_shot("no host", b"GET / HTTP/1.1\r\n\r\n")
    http2 = one_shot("HTTP/2", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n")
    serving(serve_program('''
    if request.path == "/echo"
        return {"body": await request.body()}
    end''', ", max_header: 200, max_body: 10"), big_head, expect, no_host, http2)
    assert got == {
        "no host": (refusal(400, "Bad Request"), True),
        "HTTP/2": (refusal(505, "HTTP Version Not Supported"), True),
        "big head": (refusal(431, "Request Header Fields Too Large"), True),
        "continue": (b"HTTP/1.1 100 Continue\r\n\r\n", response(200, "OK", "hello")),
        "too long": (refusal(413, "Content Too Large"), True),
    }


def test_content_length_with_transfer_encoding_is_refused_400_and_closed():
    # RFC 9112 6.3: both framings in one request is a request-smuggling vector
    got = {}

    def one_shot(name, data):
        async def client(port):
            c = await Client.open(port)
            await c.send(data)
            got[name] = (await c.response(), await c.closed())
        return client

    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n"
    chunked_first = one_shot("te, cl", b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                             b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                             b"0\r\n\r\n" + smuggled)
    length_first = one_shot("cl, te", b"POST /echo HTTP/1.1\r\nHost: t\r\n"
                            b"Content-Length: 36\r\nTransfer-Encoding: chunked\r\n\r\n"
                            b"0\r\n\r\n" + smuggled)
    out, interp = serving(serve_program('''
    puts("handled ", request.method, " ", request.path)
    if request.path == "/echo"
        return {"body": await request.body()}
    end'''), chunked_first, length_first)
    assert got == {"te, cl": (refusal(400, "Bad Request"), True),
                   "cl, te": (refusal(400, "Bad Request"), True)}
    assert out == "handled GET /quit\nserved; closed: true\n"     # neither reached Quest
    assert no_leaks(interp)


def test_an_accepted_request_nobody_answers_gets_503_and_send_response_then_fails():
    got = []

    async def client(port):
        c = await Client.open(port)
        start = trio.current_time()
        got.append((await c.get("/forgotten"), trio.current_time() - start))
        got.append(await c.get("/"))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server("127.0.0.1:0", handler_timeout: 7)
        let forgotten = await server.accept()
        puts(forgotten, " ", forgotten.method, " ", forgotten.path)
        let next = await server.accept()
        try
            await forgotten.send_response({"body": "too late"})
        catch e
            puts(e.type(), ": ", e.message())
        end
        await next.send_response({"body": "Hello, World!"})
        try
            await next.send_response({"body": "twice"})
        catch e
            puts(e.type(), ": ", e.message())
        end
        server.close()
        puts(await server.accept())
    ''', client, quit_path=None)
    assert out == (
        "<Request GET /forgotten> GET /forgotten\n"
        "IOErr: Cannot send the response to GET /forgotten: the server answered it 503 "
        "(no response within handler_timeout, 7 s)\n"
        "IOErr: The response to GET / was sent already\n"
        "nil\n")
    assert got == [(refusal(503, "Service Unavailable", close=False), 7), OK_HELLO]
    assert no_leaks(interp)


# -- failing handlers -----------------------------------------------------------------------------


def test_a_failing_handler_gives_500_and_its_error_is_reported_on_stderr(capsys):
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/boom"))
        got.append(await c.get("/nil"))
        got.append(await c.get("/bad-key"))
        got.append(await c.get("/"))            # the connection is still usable

    out, interp = serving(serve_program('''
    if request.path == "/boom"
        raise ValueErr.new("broken")
    elif request.path == "/nil"
        return nil
    elif request.path == "/bad-key"
        return {"status": 200, "bdy": "typo"}
    end'''), client)
    assert out == "served; closed: true\n"
    error = refusal(500, "Internal Server Error", close=False)
    assert got == [error, error, error, OK_HELLO]
    assert no_leaks(interp)
    err = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", capsys.readouterr().err)
    assert err == (
        "http.server 127.0.0.1:PORT: the handler of GET /boom failed (answered 500)\n"
        "prog.q:7:9: ValueErr: broken\n"
        "Quest stack (innermost last):\n"
        "  at handle (prog.q:7)\n"
        '            raise ValueErr.new("broken")\n'
        "            ^\n"
        "http.server 127.0.0.1:PORT: the handler of GET /nil failed (answered 500)\n"
        "TypeErr: The handler returned Nil: expected a response Dict {status, headers, body}\n"
        "http.server 127.0.0.1:PORT: the handler of GET /bad-key failed (answered 500)\n"
        "ValueErr: Unknown key 'bdy' in the response: expected status, headers and body\n")


def test_a_handler_failing_after_no_500_could_be_sent_says_what_happened(capsys):
    got = []

    async def leaves(port):
        c = await Client.open(port)
        await c.send(b"GET /gone HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(0.1)
        c.stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        await c.stream.aclose()         # a reset: the handler's send_response fails
        await trio.sleep(1)

    async def answered(port):
        c = await Client.open(port)
        got.append(await c.get("/after"))

    out, interp = serving(serve_program('''
    if request.path == "/gone"
        await async.sleep(0.5)
        await request.send_response({"body": "too late"})
    elif request.path == "/after"
        await request.send_response({"body": "sent"})
        raise ValueErr.new("after the answer")
    end'''), leaves, answered)
    assert out == "served; closed: true\n"
    assert got == [response(200, "OK", "sent")]
    assert no_leaks(interp)
    err = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", capsys.readouterr().err)
    headlines = [line for line in err.splitlines() if not line.startswith(" ")]
    assert sorted(headlines) == [
        "Quest stack (innermost last):",
        "Quest stack (innermost last):",
        "http.server 127.0.0.1:PORT: the handler of GET /after failed "
        "(after its response was sent)",
        "http.server 127.0.0.1:PORT: the handler of GET /gone failed "
        "(the connection was closed; no response was sent)",
        "prog.q:11:9: ValueErr: after the answer",
        "prog.q:8:9: IOErr: Cannot send the response to GET /gone: the connection was closed",
    ]


def test_on_error_receives_the_error_and_the_request(capsys):
    async def client(port):
        c = await Client.open(port)
        assert await c.get("/boom") == refusal(500, "Internal Server Error", close=False)

    out, _ = serving('''
        use "std/http/server"
        let server = http.server()
        fun handle(request)
            if request.path == "/quit"
                server.close()
                return {"body": "bye"}
            end
            raise IOErr.new("disk on fire")
        end
        fun log(error, request)
            puts("on_error: ", request.path, " ", error.type(), ": ", error.message(),
                 " at line ", error.line())
        end
        await server.serve(handle, on_error: log)
    ''', client)
    assert out == "on_error: /boom IOErr: disk on fire at line 8\n"
    assert capsys.readouterr().err == ""


# -- close, cancellation, lifetime ----------------------------------------------------------------


def test_close_refuses_new_connections_ends_accept_and_answers_queued_requests():
    got = []

    async def client(port):
        idle = await Client.open(port)
        assert await idle.get("/first") == OK_HELLO
        queued = await Client.open(port)
        await queued.send(b"GET /queued HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(2)     # the program closes the server at 1 s
        got.append(await queued.response())
        got.append(await queued.closed())
        got.append(await idle.closed())
        got.append(await refused(port))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let first = await server.accept()
        await first.send_response({"body": "Hello, World!"})
        await async.sleep(1)
        server.close()
        server.close()
        puts(server, " ", await server.accept())
        let n = 0
        for request in server
            n = n + 1
        end
        puts("iterated ", n)
    ''', client, quit_path=None)
    assert re.fullmatch(r"<HttpServer 127\.0\.0\.1:\d+ closed> nil\niterated 0\n", out)
    assert got == [refusal(503, "Service Unavailable"), True, True, True]
    assert no_leaks(interp)


def test_for_request_in_server_and_async_with():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/one"))
        got.append(await c.get("/quit"))
        got.append(await c.closed())
        got.append(await refused(port))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let kept = nil
        async with http.server() as server
            kept = server
            for request in server
                puts("got ", request.path)
                await request.send_response({"body": "seen " .. request.path})
                if request.path == "/quit"
                    break
                end
            end
            puts("closed inside: ", server.is_closed())
        end
        puts("closed after: ", kept.is_closed())
    ''', client, quit_path=None)
    assert out == "got /one\ngot /quit\nclosed inside: false\nclosed after: true\n"
    assert got == [response(200, "OK", "seen /one"), response(200, "OK", "seen /quit"), True, True]
    assert no_leaks(interp)


def test_a_taken_request_is_answered_after_close_then_its_connection_closes():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/slow"))
        got.append(await c.closed())

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let request = await server.accept()
        server.close()
        await async.sleep(1)
        await request.send_response({"body": "late but fine"})
        puts("answered")
    ''', client, quit_path=None)
    assert out == "answered\n"
    assert got == [response(200, "OK", "late but fine", close=True), True]
    assert no_leaks(interp)


def test_close_right_after_send_response_closes_the_kept_alive_connection_at_once():
    # send_response wakes the connection task, and close() runs before that
    # task does: its connection must still close now, not at idle_timeout.
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/"))
        start = trio.current_time()
        got.append(await c.closed())
        got.append(trio.current_time() - start)

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let request = await server.accept()
        await request.send_response({"body": "bye"})
        server.close()
        puts("closed")
    ''', client, quit_path=None)
    assert out == "closed\n"
    assert got == [response(200, "OK", "bye"), True, 0]
    assert no_leaks(interp)


def test_cancelling_serve_closes_the_server_and_answers_its_requests():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/slow"))
        got.append(await c.closed())
        got.append(await refused(port))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        async fun handle(request)
            try
                await async.sleep(60)
            ensure
                puts("handler cancelled")
            end
        end
        try
            await async.timeout(server.serve(handle), 5)
        catch e: async.TimeoutError
            puts(e.type(), " at ", async.now(), "; closed: ", server.is_closed())
        end
    ''', client, quit_path=None)
    assert out == "handler cancelled\nTimeoutError at 5; closed: true\n"
    assert got == [refusal(503, "Service Unavailable"), True, True]
    # the handler still running when serve() ended was cut off: a leak
    assert [(leak.name, leak.waiting_on) for leak in interp.diagnostics.leaks] == [
        ("GET /slow", "sleep, 55 s left at prog.q:6")]


def test_cancelling_serve_answers_503_at_once_also_for_a_handler_that_never_started():
    # Five requests arrive while serve() waits in accept(), and the main task
    # cancels serve() meanwhile.  When serve() has just spawned a handler
    # that has not started yet, that handler is cancelled before it runs:
    # its client too must get the 503 at once, not at handler_timeout (30 s).
    # Whether the handler started first depends on Trio's scheduling order,
    # so the race is run a few times, with the cancel at different moments.
    ok_or_refused = {response(200, "OK", "x"), response(200, "OK", "x", close=True),
                     refusal(503, "Service Unavailable"), b"closed"}
    for trial in range(20):
        got = []

        async def client(port):
            clients = [await Client.open(port) for _ in range(5)]
            await trio.sleep(1)
            for i, c in enumerate(clients):
                await c.send(f"GET /{i} HTTP/1.1\r\nHost: t\r\n\r\n".encode())

            async def answer(c):
                try:
                    got.append((await c.response(), trio.current_time()))
                except (EOFError, trio.BrokenResourceError):    # closed before it was read
                    got.append((b"closed", trio.current_time()))
            async with trio.open_nursery() as nursery:
                for c in clients:
                    nursery.start_soon(answer, c)

        out, interp = serving(f'''
            use "std/async"
            use "std/http/server"
            let server = http.server()
            let t = async.spawn(fun () server.serve(fun (request) {{"body": "x"}} end) end)
            await async.sleep(1)
            for i in 0..{trial % 5}
                await async.yield_now()
            end
            t.cancel()
        ''', client, quit_path=None)
        assert out == ""
        assert [when for _, when in got] == [1] * 5, (trial, got)
        assert {r for r, _ in got} <= ok_or_refused


def test_a_cancelled_accept_loses_no_request():
    got = []

    async def client(port):
        await trio.sleep(2)
        c = await Client.open(port)
        got.append(await c.get("/"))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        try
            await async.timeout(server.accept(), 1)
        catch e: async.TimeoutError
            puts("timed out")
        end
        let request = await server.accept()
        puts(request.path)
        await request.send_response({"body": "Hello, World!"})
        server.close()
    ''', client, quit_path=None)
    assert out == "timed out\n/\n"
    assert got == [OK_HELLO]
    assert no_leaks(interp)


def test_an_open_server_is_closed_by_its_scope_and_the_leak_report_names_it():
    seen = []

    async def client(port):
        c = await Client.open(port)
        await c.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(1)
        seen.append(await c.closed())

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        async fun run()
            let server = http.server()
            let t = async.spawn(fun () await server.accept() end, name: "acceptor")
            await async.sleep(0.5)
            puts(t.is_finished(), " ", server.is_closed())
            server
        end
        let server = await run()
        puts(server.is_closed())
    ''', client, quit_path=None)
    assert out == "true false\ntrue\n"
    port = re.search(r"127\.0\.0\.1:(\d+)", interp.diagnostics.leaks[0].name).group(1)
    assert [(leak.name, leak.waiting_on) for leak in interp.diagnostics.leaks] == [
        (f"http.server 127.0.0.1:{port}",
         f"http.server 127.0.0.1:{port}: open (not closed), 1 connection"),
    ]
    assert seen == [True]


def test_a_server_whose_scope_fails_before_its_task_starts_is_closed_all_the_same():
    # f() fails right after http.server(): its scope cancels the server's
    # task before that task has run at all; the server must still close
    # (listening socket, accept() nil), not stay half-open forever.
    out, interp = run_async('''
        use "std/async"
        use "std/http"
        let servers = []
        async fun f()
            servers.push(http.server())
            raise ValueErr.new("boom")
        end
        try
            await f()
        catch e
            puts(e.message())
        end
        let server = servers[0]
        puts(server.is_closed())
        try
            puts(await async.timeout(server.accept(), 10))
        catch e
            puts(e.type())
        end
        try
            await http.get("http://" .. server.address() .. "/", timeout: 5)
        catch e
            puts(e.type(), ": ", e.message().replace(server.address(), "ADDRESS"))
        end
    ''')
    assert out == ("boom\ntrue\nnil\n"
                   "ConnectionError: GET http://ADDRESS/: connection refused\n")
    assert [leak.waiting_on for leak in interp.diagnostics.leaks] == ["not started yet"]


def test_leak_report_shows_a_task_waiting_in_accept():
    out, interp = run_async('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let acceptor = async.spawn(fun () await server.accept() end, name: "acceptor")
        await async.sleep(1)
        server.close()
        puts("closed: ", await acceptor)
    ''')
    assert out == "closed: nil\n"
    assert interp.diagnostics.leaks == []
    out, interp = run_async('''
        use "std/async"
        use "std/http/server"
        let server = http.server(port: 0)
        async.spawn(fun ()
            await server.accept()
        end, name: "acceptor")
        await async.sleep(1)
    ''')
    leaks = {leak.name: leak.waiting_on for leak in interp.diagnostics.leaks}
    address = next(name for name in leaks if name != "acceptor").removeprefix("http.server ")
    assert leaks == {
        f"http.server {address}": f"http.server {address}: open (not closed), 0 connections",
        "acceptor": f"accept on http.server {address} at prog.q:5",
    }


def test_a_client_that_leaves_makes_send_response_an_error():
    async def client(port):
        c = await Client.open(port)
        await c.send(b"GET /gone HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(0.5)
        await c.stream.aclose()         # gives up (a timeout, say) and closes

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let request = await server.accept()
        await async.sleep(5)
        try
            await request.send_response({"body": "too late"})
        catch e
            puts(e.type(), ": ", e.message())
        end
        server.close()
    ''', client, quit_path=None)
    assert out == "IOErr: Cannot send the response to GET /gone: the connection was closed\n"
    assert no_leaks(interp)


def test_a_client_that_leaves_cancels_its_serve_handler():
    async def client(port):
        c = await Client.open(port)
        await c.send(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        await trio.sleep(2.5)
        await c.stream.aclose()
        await trio.sleep(2)

    out, interp = serving(serve_program('''
    if request.path == "/slow"
        try
            await async.sleep(60)
        ensure
            puts("/slow cancelled at ", async.now())
        end
    end'''), client)
    # the server checks every second that the clients it owes an answer are there
    assert out == "/slow cancelled at 3\nserved; closed: true\n"
    assert no_leaks(interp)


def test_idle_keep_alive_connections_are_closed_quietly():
    got = []

    async def client(port):
        c = await Client.open(port)
        got.append(await c.get("/"))
        start = trio.current_time()
        got.append(await c.closed())
        got.append(trio.current_time() - start)

    serving(serve_program(options=", idle_timeout: 4"), client)
    assert got == [OK_HELLO, True, 4]


# -- arguments and responses ----------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    ('http.server("nowhere")',
     'ValueErr: http.server() expects an address like "127.0.0.1:8080", got "nowhere"'),
    ('http.server("127.0.0.1:99999")',
     "ValueErr: http.server(): port 99999 is not from 0 to 65535"),
    ('http.server("127.0.0.1:0", port: 80)',
     "ArgErr: http.server() takes an address or host:/port:, not both"),
    ('http.server(8080)',
     'TypeErr: http.server() expects an address Str like "127.0.0.1:8080", got Int'),
    ('http.server(port: 0, timeout: 5)',
     "ArgErr: http.server() got an unexpected named argument 'timeout'"),
    ('http.server(port: 0, header_timeout: 0)',
     "ValueErr: http.server(header_timeout:) must be more than 0 seconds, got 0"),
    ('http.server(port: 0, max_body: "big")',
     "TypeErr: http.server(max_body:) expects an Int, got Str"),
])
def test_bad_arguments(call, message):
    out, _ = run_async(f'''
        use "std/http/server"
        try
            {call}
        catch e
            puts(e.type(), ": ", e.message())
        end
    ''')
    assert out == message + "\n"


def test_a_timeout_too_big_for_a_float_is_no_limit():
    got = []

    async def client(port):
        c = await Client.open(port)
        await trio.sleep(10 ** 6)           # no header_timeout: no 408
        await c.send(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        start = trio.current_time()
        got.append((await c.response(), trio.current_time() - start))

    out, interp = serving('''
        use "std/async"
        use "std/http/server"
        let big = 10 ** 400
        let server = http.server(port: 0, header_timeout: big, handler_timeout: big)
        let request = await server.accept()
        await async.sleep(10 ** 7)          # no handler_timeout: no 503
        await request.send_response({"body": "Hello, World!"})
        server.close()
    ''', client, quit_path=None)
    assert got == [(OK_HELLO, 10 ** 7)]
    assert no_leaks(interp)


def test_address_forms_and_a_port_in_use():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        out, interp = run_async(f'''
            use "std/async"
            use "std/http/server"
            await async.yield_now()
            let a = http.server()
            let b = http.server(host: "localhost", port: 0)
            let c = http.server(port: 0, handler_timeout: nil)
            puts(a.address() == "127.0.0.1:" .. a.port(), " ", b.address().starts_with("127."),
                 " ", c.port() > 0, " ", a.port() != c.port())
            try
                http.server("127.0.0.1:{taken}")
            catch e
                puts(e.type(), ": ", e.message())
            end
            a.close()
            b.close()
            c.close()
        ''')
    finally:
        holder.close()
    assert out == (f"true true true true\n"
                   f"IOErr: Cannot listen on 127.0.0.1:{taken}: Address already in use\n")
    assert no_leaks(interp)


def test_bad_responses_are_errors_of_send_response():
    async def client(port):
        c = await Client.open(port)
        assert await c.get("/") == OK_HELLO

    out, _ = serving('''
        use "std/async"
        use "std/http/server"
        let server = http.server()
        let request = await server.accept()
        for bad in [nil, {"status": "200"}, {"status": 100}, {"body": fun () 1 end},
                    {"headers": {"x-a": nil}}, {"headers": {"bad header": "x"}},
                    {"headers": {"x-a": "two\\nlines"}}, {"headers": "x-a: 1"}]
            try
                await request.send_response(bad)
            catch e
                puts(e.type(), ": ", e.message())
            end
        end
        await request.send_response({"body": "Hello, World!"})
        server.close()
    ''', client, quit_path=None)
    assert out == (
        "TypeErr: send_response() expects a Dict {status, headers, body}, got Nil\n"
        "ValueErr: The response status must be an Int from 200 to 599, got Str\n"
        "ValueErr: The response status must be an Int from 200 to 599, got 100\n"
        "TypeErr: Cannot write a UserFun as JSON\n"
        "TypeErr: The value of header 'x-a' must be a Str, got Nil\n"
        "ValueErr: Invalid response header name 'bad header'\n"
        "ValueErr: The value of header 'x-a' must not contain control characters such as "
        "line breaks\n"
        "TypeErr: The response headers must be a Dict, got Str\n")
