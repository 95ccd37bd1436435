"""std/http/client (issue #6 item 1): requests, responses, clients, pooling,
errors, timeouts and cancellation, against servers built here.

Most tests run the Quest program and a raw h11 server in one Trio run under
the MockClock (the server is the `watch=` function): timeouts are virtual and
the server can tell when the client closed a connection.  Its listening
socket is bound before the run, so the program can connect at once.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import h11
import pytest
import trio

from async_runner import error_report, run_async
from trioquest.eval.interpreter import format_uncaught
from trioquest.eval.values.methods import METHODS
from trioquest.nursery_bridge.runner import run_program
from trioquest.stdlib.http import client as http_client
from trioquest.stdlib.http.response import Response


@dataclass
class Seen:
    """A request as the server received it."""

    method: str
    target: str
    headers: dict           # lowercase name -> value (repeated names joined by ", ")
    body: bytes
    connection: int         # 1, 2, ... in accept order

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> list:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)


class Exchange:
    """One request being answered: the handler replies with `respond`, or
    drives the connection itself (`send_head`, `send_data`, `wait_closed`)."""

    def __init__(self, server, stream, conn, seen: Seen) -> None:
        self.server, self.stream, self.conn, self.seen = server, stream, conn, seen
        self.complete = False

    async def _send(self, event) -> None:
        data = self.conn.send(event)
        if data:
            await self.stream.send_all(data)

    async def send_head(self, status: int, headers=()) -> None:
        await self._send(h11.Response(status_code=status, headers=list(headers)))

    async def send_data(self, data: bytes) -> None:
        await self._send(h11.Data(data=data))

    async def respond(self, status: int = 200, body: bytes | str = b"", headers=()) -> None:
        body = body.encode() if isinstance(body, str) else body
        await self.send_head(status, [*headers, ("content-length", str(len(body)))])
        if body and self.seen.method != "HEAD":
            await self.send_data(body)
        await self._send(h11.EndOfMessage())
        self.complete = True

    async def wait_closed(self) -> None:
        """Until the client closes the connection; records when."""
        while True:
            try:
                data = await self.stream.receive_some(65536)
            except trio.BrokenResourceError:
                data = b""
            if not data:
                self.server.closed.append((self.seen.path, trio.current_time()))
                return


class Server:
    def __init__(self, routes: dict) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.routes = routes
        self.requests: list[Seen] = []
        self.connections = 0
        self.closed: list = []       # (path, virtual time) of closes seen by wait_closed
        self.in_flight = 0
        self.max_in_flight = 0

    async def watch(self, bridge) -> None:
        listener = trio.SocketListener(trio.socket.from_stdlib_socket(self.sock))
        await trio.serve_listeners(self._connection, [listener])

    async def _next(self, stream, conn):
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            conn.receive_data(await stream.receive_some(65536))

    async def _connection(self, stream) -> None:
        self.connections += 1
        number = self.connections
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await self._next(stream, conn)
                if not isinstance(request, h11.Request):
                    return
                body = b""
                while not isinstance(event := await self._next(stream, conn), h11.EndOfMessage):
                    body += event.data
                headers: dict = {}
                for name, value in request.headers:
                    name, value = name.decode(), value.decode()
                    headers[name] = f"{headers[name]}, {value}" if name in headers else value
                seen = Seen(request.method.decode(), request.target.decode(), headers, body,
                            number)
                self.requests.append(seen)
                exchange = Exchange(self, stream, conn, seen)
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    await self.routes.get(seen.path, not_found)(exchange)
                finally:
                    self.in_flight -= 1
                if not exchange.complete or conn.our_state is not h11.DONE:
                    return
                conn.start_next_cycle()
        except (trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError):
            pass
        finally:
            await stream.aclose()


async def not_found(x: Exchange) -> None:
    await x.respond(404, "no such page", [("content-type", "text/plain")])


async def hello(x: Exchange) -> None:
    await x.respond(200, "hello", [("content-type", "text/plain; charset=utf-8")])


async def user(x: Exchange) -> None:
    body = '{"id": 7, "name": "Ann", "tags": ["a", "b"], "score": 1.5, "admin": false, ' \
           '"boss": null, "big": 12345678901234567890}'
    await x.respond(200, body, [("content-type", "application/json"), ("x-multi", "1"),
                                ("X-Multi", "2")])


async def echo(x: Exchange) -> None:
    s = x.seen
    text = f"{s.method} {s.target} {s.body.decode(errors='replace')}"
    await x.respond(200, text, [("content-type", "text/plain")])


async def slow(x: Exchange) -> None:
    """Never answers: waits until the client gives up and closes."""
    await x.wait_closed()


async def slow_body(x: Exchange) -> None:
    """Headers and half the body, then nothing until the client closes."""
    await x.send_head(200, [("content-length", "10"), ("content-type", "text/plain")])
    await x.send_data(b"12345")
    await x.wait_closed()


async def hang_up(x: Exchange) -> None:
    """Closes the connection without answering."""


ROUTES = {"/hello": hello, "/user": user, "/echo": echo, "/slow": slow,
          "/slow-body": slow_body, "/hang-up": hang_up}


def serve(routes=None) -> Server:
    return Server({**ROUTES, **(routes or {})})


def run(server: Server, program: str) -> str:
    src = program.replace("URL", server.url)
    try:
        return run_async(src, watch=server.watch)[0]
    finally:
        server.sock.close()


def first_line(server: Server, program: str) -> str:
    """The first line of the uncaught-error report of a program that fails."""
    src = program.replace("URL", server.url)
    try:
        run_async(src, watch=server.watch)
    except Exception as exc:  # noqa: BLE001 - any Quest error
        return format_uncaught(exc).splitlines()[0].replace(server.url, "URL")
    finally:
        server.sock.close()
    raise AssertionError("the program did not fail")


PRELUDE = 'use "std/async"\nuse "std/http/client"\n'


# -- the response ----------------------------------------------------------------------


def test_response_methods_and_body_reads():
    server = serve()
    out = run(server, PRELUDE + '''
let r = await http.get("URL/user")
puts(r, " ", r.status(), " ", r.ok(), " ", r.url())
puts(r.content_type(), "|", r.header("X-MULTI"), "|", r.header("nope"))
puts(r.headers())
let data = await r.json()
puts(data, " ", data.id.cls(), " ", data.score.cls(), " ", data.big + 1)
puts(await r.text())
puts((await r.bytes()).len(), " ", (await r.bytes()).cls())
let h = await http.get("URL/hello")
puts(await h.text(), " ", await h.bytes())
try
    h.header("é")
catch ValueErr as e
    puts(e.message())
end
''')
    body = ('{"id": 7, "name": "Ann", "tags": ["a", "b"], "score": 1.5, "admin": false, '
            '"boss": null, "big": 12345678901234567890}')
    assert out == (
        f"<Response 200 {server.url}/user> 200 true {server.url}/user\n"
        "application/json|1, 2|nil\n"
        "{content-length: 117, content-type: application/json, x-multi: 1, 2}\n"
        "{admin: false, big: 12345678901234567890, boss: nil, id: 7, name: Ann, score: 1.5, "
        "tags: [a, b]} Int Float 12345678901234567891\n"
        f"{body}\n117 Bytes\nhello b\"hello\"\n"
        "Response.header() got an invalid header name 'é'\n")


def test_status_404_is_not_an_error_unless_raise_for_status():
    server = serve({"/boom": lambda x: x.respond(500, "down", [])})
    out = run(server, PRELUDE + '''
let r = await http.get("URL/missing")
puts(r.status(), " ", r.ok(), " ", await r.text())
try
    r.raise_for_status()
catch http.HttpError as e
    puts(e.type(), " | ", e.message(), " | ", e.status(), " | ", e.url(), " | ", e.line())
end
let b = await http.get("URL/boom")
try
    b.raise_for_status()
catch e: http.HttpError
    puts(e.message(), " ", e.status())
end
let ok = await http.get("URL/hello")
puts(ok.raise_for_status().status(), " ", await ok.raise_for_status().text())
''')
    assert out == (
        "404 false no such page\n"
        f"HttpError | GET {server.url}/missing: 404 Not Found | 404 | {server.url}/missing | 7\n"
        f"GET {server.url}/boom: 500 Internal Server Error 500\n"
        "200 hello\n")


def test_raise_for_status_uncaught_is_located():
    assert first_line(serve(), PRELUDE + '''
let r = await http.get("URL/missing")
puts(r.status())
    r.raise_for_status()
''') == "prog.q:6:5: HttpError: GET URL/missing: 404 Not Found"


def test_invalid_json_body_is_a_value_error_naming_the_url():
    assert first_line(serve(), PRELUDE + '''
let r = await http.get("URL/hello")
puts(await r.json())
''') == ("prog.q:5:6: ValueErr: GET URL/hello: invalid JSON in the body "
         "at line 1, column 1: Expecting value")


def test_text_uses_the_charset_of_the_response():
    async def latin(x):
        await x.respond(200, "café".encode("latin-1"),
                        [("content-type", "text/plain; charset=latin-1")])

    async def raw(x):
        await x.respond(200, bytes([0, 1, 255]), [("content-type", "application/octet-stream")])

    server = serve({"/latin": latin, "/raw": raw})
    out = run(server, PRELUDE + '''
puts(await (await http.get("URL/latin")).text())
let r = await http.get("URL/raw")
puts(await r.bytes(), " ", r.content_type())
let h = await http.head("URL/user")
puts(h.status(), " ", h.header("content-length"), " [", await h.text(), "]")
''')
    assert out == 'café\nb"\\x00\\x01\\xff" application/octet-stream\n200 117 []\n'


# -- requests: verbs, headers, params, bodies ---------------------------------------------------


def test_every_verb_and_request():
    server = serve()
    out = run(server, PRELUDE + '''
let u = "URL/echo"
puts(await (await http.get(u)).text())
puts(await (await http.delete(u)).text())
puts(await (await http.post(u, body: "p")).text())
puts(await (await http.put(u, body: "q")).text())
puts(await (await http.patch(u, body: "r")).text())
let h = await http.head(u)
puts(h.status(), " [", await h.text(), "]")
puts(await (await http.request("options", u)).text())
puts(await (await http.request("POST", u, json: [1])).text())
''')
    assert out == ("GET /echo \nDELETE /echo \nPOST /echo p\nPUT /echo q\nPATCH /echo r\n"
                   "200 []\nOPTIONS /echo \nPOST /echo [1]\n")
    assert [r.method for r in server.requests] == [
        "GET", "DELETE", "POST", "PUT", "PATCH", "HEAD", "OPTIONS", "POST"]


def test_request_accepts_any_rfc_9110_token_as_method():
    server = serve()
    out = run(server, PRELUDE + '''
let u = "URL/echo"
puts(await (await http.request("M-SEARCH", u)).text())
puts(await (await http.request("x.y_z!~", u)).text())
''')
    assert out == "M-SEARCH /echo \nX.Y_Z!~ /echo \n"
    assert [r.method for r in server.requests] == ["M-SEARCH", "X.Y_Z!~"]


def test_headers_and_params_arrive_as_sent():
    server = serve()
    run(server, PRELUDE + '''
await http.get("URL/echo?keep=1", headers: {"X-Token": "abc", "X-Num": 42, "X-Many": ["a", "b"],
    "Accept": "text/csv"}, params: {"q": "a b&c", "n": [1, 2], "flag": true, "f": 1.5, "e": ""})
await http.delete("URL/echo", params: {"id": 9})
''')
    get, delete = server.requests
    assert get.query == [("keep", "1"), ("q", "a b&c"), ("n", "1"), ("n", "2"),
                         ("flag", "true"), ("f", "1.5"), ("e", "")]
    assert get.headers["x-token"] == "abc" and get.headers["x-num"] == "42"
    assert get.headers["x-many"] == "a, b" and get.headers["accept"] == "text/csv"
    assert get.headers["user-agent"].startswith("trioquest/")
    assert get.body == b"" and "content-type" not in get.headers
    assert delete.query == [("id", "9")]


def test_bodies_arrive_as_sent():
    server = serve()
    run(server, PRELUDE + '''
let u = "URL/echo"
await http.post(u, json: {"name": "Ann", "ids": [1, 2], "ok": true, "none": nil, "f": 1.5})
await http.put(u, json: nil)
await http.post(u, form: {"a": "x y", "b": [1, 2], "c": "é&="})
await http.patch(u, body: "héllo")
await http.post(u, body: b"\\x00\\xff")
await http.post(u, body: "<a/>", headers: {"Content-Type": "application/xml"})
await http.post(u, body: nil)
await http.post(u)
''')
    got = [(r.method, r.headers.get("content-type"), r.body) for r in server.requests]
    assert got == [
        ("POST", "application/json", b'{"f":1.5,"ids":[1,2],"name":"Ann","none":null,"ok":true}'),
        ("PUT", "application/json", b"null"),
        ("POST", "application/x-www-form-urlencoded", b"a=x+y&b=1&b=2&c=%C3%A9%26%3D"),
        ("PATCH", "text/plain; charset=utf-8", "héllo".encode()),
        ("POST", "application/octet-stream", b"\x00\xff"),
        ("POST", "application/xml", b"<a/>"),
        ("POST", None, b""),
        ("POST", None, b""),
    ]
    assert json.loads(server.requests[0].body) == {
        "name": "Ann", "ids": [1, 2], "ok": True, "none": None, "f": 1.5}
    assert server.requests[0].headers["content-length"] == "56"


@pytest.mark.parametrize("call, message", [
    ('http.post(u, body: "x", json: 1)',
     "ArgErr: http.post() takes only one of body:, json: and form: (got body:, json:)"),
    ('http.post(u, body: 5)', "TypeErr: http.post(body:) expects a Str or Bytes, got Int"),
    ('http.put(u, form: [1])', "TypeErr: http.put(form:) expects a Dict, got Array"),
    ('http.get(u, headers: {"a": nil})',
     "TypeErr: http.get(headers:) value of 'a' must be a Str, Int, Float or Bool, got Nil"),
    ('http.get(u, params: "q=1")', "TypeErr: http.get(params:) expects a Dict, got Str"),
    ('http.get(u, timeout: 0)',
     "TypeErr: http.get(timeout:) expects a number of seconds > 0 or nil, got 0"),
    ('http.get(u, body: "x")', "ArgErr: http.get() has no parameter named 'body'"),
    ('http.get(42)', "TypeErr: http.get() expects a Str url, got Int"),
    ('http.request(1, u)', 'TypeErr: http.request() expects a method name such as "GET", got Int'),
    ('http.request("GET /", u)',
     'ValueErr: http.request() expects a method name such as "GET", got \'GET /\''),
    ('http.post(u, json: fun () 1 end)', "TypeErr: Cannot write a UserFun as JSON"),
    ('http.get(u, headers: {"bad name": "x"})',
     "ValueErr: http.get(headers:) has an invalid header name 'bad name'"),
    ('http.post(u, headers: {"é": "x"})',
     "ValueErr: http.post(headers:) has an invalid header name 'é'"),
    ('http.request("é", u)',
     'ValueErr: http.request() expects a method name such as "GET", got \'é\''),
    ('http.request("", u)',
     'ValueErr: http.request() expects a method name such as "GET", got \'\''),
])
def test_argument_errors(call, message):
    assert first_line(serve(), PRELUDE + f'let u = "URL/echo"\n\nawait {call}\n') == \
        f"prog.q:5:1: {message}"


# -- clients and pooling -------------------------------------------------------------------------


def test_client_settings_and_lifecycle():
    server = serve({"/api/items": echo})
    out = run(server, PRELUDE + '''
let c = http.client(base_url: "URL/api/", headers: {"X-App": "demo", "X-Over": "client"},
                    params: {"key": "k1"})
puts(c)
puts(await (await c.get("items", params: {"page": 2})).text())
puts(await (await c.post("/items", json: {"a": 1}, headers: {"X-Over": "request"})).text())
puts(await (await c.request("PUT", "URL/echo", body: "abs")).text())
await c.close()
puts(c, " ", c.is_closed())
try
    await c.get("items")
catch e
    puts(e)
end
let keep = nil
async with http.client() as d
    keep = d
    puts((await d.get("URL/hello")).status(), " ", d.is_closed())
end
puts(keep.is_closed())
''')
    assert out == (f"<Client {server.url}/api/>\nGET /api/items?key=k1&page=2 \n"
                   'POST /api/items?key=k1 {"a":1}\nPUT /echo?key=k1 abs\n'
                   "<Client closed> true\nRuntimeErr: Client.get(): this http client is closed\n"
                   "200 false\ntrue\n")
    api = server.requests[:3]
    assert [r.headers["x-app"] for r in api] == ["demo"] * 3
    assert [r.headers["x-over"] for r in api] == ["client", "request", "client"]
    assert server.requests[-1].headers["user-agent"].startswith("trioquest/")


def test_user_agent_can_be_replaced():
    server = serve()
    run(server, PRELUDE + '''
let c = http.client(headers: {"User-Agent": "mine/1", "X-Many": ["a", "b"]})
await c.get("URL/echo")
await c.get("URL/echo", headers: {"user-agent": "other/2"})
await http.get("URL/echo", headers: {"User-Agent": "third/3"})
''')
    assert [r.headers["user-agent"] for r in server.requests] == ["mine/1", "other/2", "third/3"]
    assert server.requests[0].headers["x-many"] == "a, b"


def test_async_with_closes_the_client_also_on_error():
    server = serve()
    out = run(server, PRELUDE + '''
let keep = nil
try
    async with http.client(URL_ARG) as c
        keep = c
        await c.get("/hello")
        raise ValueErr.new("stop")
    end
catch e: ValueErr
    puts(e.message(), " ", keep.is_closed())
end
'''.replace("URL_ARG", '"URL"'))
    assert out == "stop true\n"


def test_module_functions_share_one_pool_and_clients_have_their_own():
    server = serve()
    out = run(server, PRELUDE + '''
for i in 1 to 3
    await (await http.get("URL/hello")).text()
end
let t = async.spawn(fun () await (await http.get("URL/echo")).text() end)
puts(await t)
let c = http.client("URL")
for i in 1 to 2
    await (await c.get("/hello")).text()
end
await c.close()
await (await http.get("URL/hello")).text()
''')
    assert out == "GET /echo \n"
    assert [r.connection for r in server.requests] == [1, 1, 1, 1, 2, 2, 1]
    assert server.connections == 2


def test_redirects_are_followed_unless_turned_off():
    async def moved(x):
        await x.respond(302, "", [("location", "/hello")])

    server = serve({"/old": moved})
    out = run(server, PRELUDE + '''
let r = await http.get("URL/old")
puts(r.status(), " ", r.url(), " ", await r.text())
let c = http.client(follow_redirects: false)
let m = await c.get("URL/old")
puts(m.status(), " ", m.header("location"), " ", m.ok())
''')
    assert out == f"200 {server.url}/hello hello\n302 /hello false\n"


def test_client_argument_errors():
    assert first_line(serve(), PRELUDE + '\nhttp.client(base_url: "ftp://x")\n') == \
        "prog.q:4:1: ValueErr: Invalid URL 'ftp://x': the scheme must be http or https, not ftp"
    assert first_line(serve(), PRELUDE + '\nhttp.client(timeout: "5")\n') == \
        ("prog.q:4:1: TypeErr: http.client(timeout:) expects a number of seconds > 0 or nil, "
         "got Str")
    assert first_line(serve(), PRELUDE + '\nhttp.client(headers: {"é": 1})\n') == \
        "prog.q:4:1: ValueErr: http.client(headers:) has an invalid header name 'é'"
    assert first_line(serve(), PRELUDE + '\nhttp.client(base_url: "http://xn--/")\n') == \
        ("prog.q:4:1: ValueErr: Invalid URL 'http://xn--/': malformed A-label, "
         "no Punycode eligible content found")
    assert first_line(serve(), PRELUDE + '\nhttp.client(retries: 3)\n') == \
        "prog.q:4:1: ArgErr: http.client() has no parameter named 'retries'"


# -- concurrency ----------------------------------------------------------------------------------


def test_100_concurrent_gets_are_all_in_flight_at_once():
    # Every response waits until 100 requests are in flight: a client sending
    # them one at a time would never get its first answer and the program
    # would end by its 60 s (virtual) deadline instead.
    gate = trio.Event()

    async def gated(x):
        if x.server.in_flight == 100:
            gate.set()
        await gate.wait()
        await x.respond(200, x.seen.target.rsplit("=", 1)[1], [])

    server = serve({"/gate": gated})
    out = run(server, PRELUDE + '''
async fun fetch(i)
    let r = await http.get("URL/gate", params: {"i": i})
    await r.text()
end
let tasks = []
for i in 1 to 100
    tasks.push(async.spawn(fun () fetch(i) end))
end
let results = await async.timeout(async.join_all(tasks), 60)
puts(results.len(), " ", results[0], " ", results[99], " ", async.now())
''')
    assert out == "100 1 100 0\n"
    assert server.max_in_flight == 100 and server.connections == 100


# -- timeouts and cancellation ---------------------------------------------------------------


def test_async_timeout_aborts_the_request_and_the_pool_stays_usable():
    server = serve()
    out = run(server, PRELUDE + '''
try
    await async.timeout(http.get("URL/slow"), 2)
catch async.TimeoutError as e
    puts("timed out: ", e.message(), " at ", async.now())
end
puts(await (await http.get("URL/hello")).text())
''')
    assert out == "timed out: Timed out after 2 seconds at 2\nhello\n"
    assert server.closed == [("/slow", 2)]
    assert server.connections == 2


def test_timeout_argument_raises_timeout_error_naming_the_url():
    server = serve()
    out = run(server, PRELUDE + '''
try
    await http.get("URL/slow", timeout: 1.5)
catch http.TimeoutError as e
    puts(e.type(), ": ", e.message(), " at ", async.now(), " line ", e.line())
end
let c = http.client(timeout: 3)
try
    await c.get("URL/slow")
catch async.TimeoutError as e
    puts(e.message(), " at ", async.now())
end
let r = await c.get("URL/slow-body")
try
    await r.text()
catch async.TimeoutError as e
    puts(e.message(), " at ", async.now())
end
puts(await (await c.get("URL/hello")).text())
''')
    assert out == (f"TimeoutError: GET {server.url}/slow: no response within 1.5 seconds "
                   "at 1.5 line 5\n"
                   f"GET {server.url}/slow: no response within 3 seconds at 4.5\n"
                   f"GET {server.url}/slow-body: body not received within 3 seconds at 7.5\n"
                   "hello\n")
    assert server.closed == [("/slow", 1.5), ("/slow", 4.5), ("/slow-body", 7.5)]


def test_a_timeout_too_big_for_a_float_is_no_limit():
    server = serve()
    out = run(server, PRELUDE + '''
try
    await async.timeout(http.get("URL/slow", timeout: 10 ** 400), 100)
catch async.TimeoutError as e
    puts("request: ", async.now())
end
let c = http.client(timeout: 10 ** 400)
try
    await async.timeout(c.get("URL/slow"), 100)
catch async.TimeoutError as e
    puts("client: ", async.now())
end
''')
    assert out == "request: 100\nclient: 200\n"


def test_timeout_uncaught_report():
    assert first_line(serve(), PRELUDE + '\nawait http.get("URL/slow", timeout: 1)\n') == \
        "prog.q:4:1: TimeoutError: GET URL/slow: no response within 1 second"


def test_cancelled_request_closes_the_connection_and_leaves_the_pool_usable():
    server = serve()
    out = run(server, PRELUDE + '''
let t = async.spawn(fun () await http.get("URL/slow") end)
await async.sleep(1)
t.cancel()
try
    await t
catch async.CancelledError
    puts("cancelled ", t.is_cancelled())
end
puts(await (await http.get("URL/hello")).text(), " ", async.now())
''')
    assert out == "cancelled true\nhello 1\n"
    assert server.closed == [("/slow", 1)]


def test_a_cancelled_body_read_closes_the_connection():
    server = serve()
    out = run(server, PRELUDE + '''
let r = await http.get("URL/slow-body")
try
    await async.timeout(r.text(), 2)
catch async.TimeoutError
    puts("gave up at ", async.now())
end
try
    await r.text()
catch http.HttpError as e
    puts(e.message())
end
puts(await (await http.get("URL/hello")).text())
''')
    assert out == (f"gave up at 2\nGET {server.url}/slow-body: the body cannot be read: "
                   "reading it was cancelled\nhello\n")
    assert server.closed == [("/slow-body", 2)]


async def trickle(x: Exchange) -> None:
    """Half the body, a second later the rest."""
    await x.send_head(200, [("content-length", "10"), ("content-type", "text/plain")])
    await x.send_data(b"12345")
    await trio.sleep(1)
    await x.send_data(b"67890")
    await x._send(h11.EndOfMessage())
    x.complete = True


def test_the_body_is_streamed_and_one_read_serves_concurrent_readers():
    server = serve({"/trickle": trickle})
    out = run(server, PRELUDE + '''
let r = await http.get("URL/trickle")
puts("headers at ", async.now())
let a = async.spawn(fun () await r.text() end)
let b = async.spawn(fun () await r.bytes() end)
puts(await a, " ", await b, " at ", async.now())
puts(await r.text(), " ", await (await http.get("URL/hello")).text())
''')
    assert out == 'headers at 0\n1234567890 b"1234567890" at 1\n1234567890 hello\n'
    assert [r.connection for r in server.requests] == [1, 1]     # read, so back in the pool


def test_closing_gives_up_the_body():
    server = serve()
    out = run(server, PRELUDE + '''
let r = await http.get("URL/slow-body")
await r.close()
try
    await r.text()
catch http.HttpError as e
    puts(e.message())
end
let c = http.client("URL")
let s = await c.get("/slow-body")
await c.close()
try
    await s.bytes()
catch http.HttpError as e
    puts(e.message())
end
puts(async.now())
await async.sleep(1)    # the server sees the close before the program ends
''')
    assert out.replace(server.url, "URL") == (
        "GET URL/slow-body: the body cannot be read: the response was closed\n"
        "GET URL/slow-body: the body cannot be read: its client was closed\n0\n")
    assert server.closed == [("/slow-body", 0), ("/slow-body", 0)]


def test_closing_during_a_body_read_says_why_the_read_failed():
    # A task is reading the body when the program closes the response, or
    # its client: the read fails for that reason, not as a lost connection
    # ("bad file descriptor").
    server = serve()
    out = run(server, PRELUDE + '''
let c = http.client("URL")
for how in ["response", "client"]
    let r = await c.get("/slow-body")
    let reader = async.spawn(fun () await r.text() end)
    await async.sleep(1)
    if how == "response"
        await r.close()
    else
        await c.close()
    end
    try
        await reader
    catch e
        puts(e.type(), ": ", e.message())
    end
end
await async.sleep(1)    # the server sees the closes before the program ends
''')
    assert out.replace(server.url, "URL") == (
        "HttpError: GET URL/slow-body: the body cannot be read: the response was closed\n"
        "HttpError: GET URL/slow-body: the body cannot be read: its client was closed\n")
    assert server.closed == [("/slow-body", 1), ("/slow-body", 2)]


def test_unread_responses_give_their_connection_back():
    # Two connections only, 20 responses never read: each one collected
    # unread is closed by the client's next request, so none waits for one.
    server = serve()
    out = run(server, PRELUDE + '''
let c = http.client("URL", max_connections: 2)
async fun main()
    for i in 1 to 20
        let r = await c.get("/hello")
    end
    let r = await c.get("/hello")
    await r.close()
    puts(await (await c.get("/hello")).text(), " ", async.now())
end
await async.timeout(main(), 60)
''')
    assert out == "hello 0\n"
    assert len(server.requests) == 22


def test_a_task_blocked_in_a_request_says_so_in_the_leak_report():
    server = serve()
    src = PRELUDE + '''
async fun main()
    async.spawn(fun () await http.get("URL/slow") end, name: "fetch")
    let r = await http.get("URL/slow-body")
    async.spawn(fun () await r.text() end, name: "read")
    await async.sleep(2)
end
await main()
await async.sleep(1)    # the server sees the closes before the program ends
'''.replace("URL", server.url)
    try:
        _, interp = run_async(src, watch=server.watch)
    finally:
        server.sock.close()
    assert [(leak.name, leak.waiting_on) for leak in interp.diagnostics.leaks] == [
        ("fetch", f"HTTP GET {server.url}/slow at prog.q:5"),
        ("read", f"HTTP GET {server.url}/slow-body: reading the body at prog.q:7"),
    ]
    assert sorted(path for path, _ in server.closed) == ["/slow", "/slow-body"]


# -- errors ------------------------------------------------------------------------------------


def test_connection_refused():
    closed = socket.socket()          # bound, not listening: connecting is refused
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    try:
        report = error_report(PRELUDE + f'\n\nawait http.get("{url}/x")\n')
        out, _ = run_async(PRELUDE + f'''
try
    await http.post("{url}/y", json: 1)
catch http.ConnectionError as e
    puts(e.type(), " | ", e.message(), " | ", e.url(), " | ", e.line())
end
''')
    finally:
        closed.close()
    assert report.splitlines()[0] == \
        f"prog.q:5:1: ConnectionError: GET {url}/x: connection refused"
    assert out == f"ConnectionError | POST {url}/y: connection refused | {url}/y | 5\n"


@pytest.mark.parametrize("url, reason", [
    ("not a url", "it must start with http:// or https://"),
    ("/relative", "it must start with http:// or https://"),
    ("ftp://example.com/f", "the scheme must be http or https, not ftp"),
    ("http://", "no host"),
    ("http://h:xx/", "invalid port: 'xx'"),
    ("http://127.0.0.1:99999/", "port 99999 is out of range"),
    ("http://xn--/", "malformed A-label, no Punycode eligible content found"),
])
def test_invalid_urls(url, reason):
    report = error_report(PRELUDE + f'let x = 1\n  await http.get("{url}")\n')
    assert report.splitlines()[0] == f"prog.q:4:3: ValueErr: Invalid URL '{url}': {reason}"


def test_protocol_failures_are_http_errors():
    async def garbage(x):
        await x.stream.send_all(b"HTTP/9 nonsense\r\n\r\n")

    async def cut(x):
        await x.send_head(200, [("content-length", "10")])
        await x.send_data(b"12345")

    server = serve({"/garbage": garbage, "/cut": cut})
    out = run(server, PRELUDE + '''
for path in ["/hang-up", "/garbage"]
    try
        await http.get("URL" .. path)
    catch http.HttpError as e
        puts(e.message(), " ", e.status())
    end
end
let r = await http.get("URL/cut")
try
    await r.text()
catch http.HttpError as e
    puts(e.message(), " ", e.url())
end
puts(await (await http.get("URL/hello")).text())
''')
    assert out.replace(server.url, "URL") == (
        "GET URL/hang-up: the server closed the connection without sending a response nil\n"
        "GET URL/garbage: invalid response (illegal status line: "
        "bytearray(b'HTTP/9 nonsense')) nil\n"
        "GET URL/cut: the server closed the connection before the end of the body URL/cut\n"
        "hello\n")


# -- lifecycle across Trio runs ------------------------------------------------------------


class ThreadServer:
    """A plain socket server in a thread (real clock): answers each request
    with a 1 MB body and records when each connection is closed by the
    client, also after the Trio run is over."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.closed = threading.Semaphore(0)
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn) -> None:
        body = b"x" * 1_000_000
        with conn:
            data = b""
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    while b"\r\n\r\n" in data:
                        _, data = data.split(b"\r\n\r\n", 1)
                        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body)
                                     + body)
            except OSError:
                pass
        self.closed.release()


def test_everything_is_closed_when_the_run_ends():
    server = ThreadServer()
    try:
        out, _ = run_async(PRELUDE + f'''
let r = await http.get("{server.url}/a")
let c = http.client("{server.url}")
let unread = await c.get("/b")
puts(r.status(), " ", unread.status())
''', clock=None)
        assert out == "200 200\n"
        assert server.closed.acquire(timeout=10) and server.closed.acquire(timeout=10)
        assert server.accepted == 2
    finally:
        server.sock.close()


def test_a_client_works_across_runs():
    server = ThreadServer()
    c = http_client.client(server.url)
    seen = []

    get = METHODS[http_client.Client]["get"]
    status, read = METHODS[Response]["status"], METHODS[Response]["bytes"]

    async def use_it():     # what c.get("/x") does in Quest
        r = await get(c, "/x")
        seen.append((status(r), len(await read(r)), c._inner))

    try:
        run_program(use_it)
        assert server.closed.acquire(timeout=10)   # closed at the end of the first run
        run_program(use_it)
        assert server.closed.acquire(timeout=10)   # and of the second
        run_program(c.close)
    finally:
        server.sock.close()
    assert [s[:2] for s in seen] == [(200, 1_000_000)] * 2
    assert server.accepted == 2
    assert seen[0][2] is not seen[1][2] and seen[0][2].is_closed and seen[1][2].is_closed
    assert c._inner is None and c._closed
