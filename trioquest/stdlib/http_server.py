"""``std/http/server``: QEP-027 Example 7's HTTP/1.1 server, on h11 and Trio
(docs/http-server.md).

``http.server(address)`` binds at once (sync) and starts the server's own
work: a task of the scope that called it accepts connections and runs one
Trio task per connection.  A connection task reads a request with h11 (head
and the whole body, under deadlines and size limits), hands it to ``accept()`` and
parks until somebody answers it with ``send_response`` (written by the
answering task itself), or until ``handler_timeout``, when it answers 503
itself; then it reads the next request (keep-alive).  Bad requests are
answered 400/408/413/431/505 by the connection task and never reach Quest
code, so a hostile client holds one connection task and nothing else.

``server.serve(handler)`` is ``accept()`` in a loop, each request in a task
of its own scope: the handler's return value is the response, a failing
handler gives 500 and its error is printed to stderr (or given to
``on_error``).

Lifetime: the server belongs to the scope that made it, as a task spawned
there does: if it is still open when that scope ends, the scope closes it
(and the leak report lists it).  ``close()`` stops accepting, answers
queued requests 503, closes idle connections and lets requests already
taken be answered; from then on the server no longer counts as a child of
its scope.
"""

from __future__ import annotations

import errno
import math
import re
import socket
from collections import deque
from functools import partial
from urllib.parse import parse_qsl, unquote

import h11
import outcome
import trio

from ..errors import ArgErr, IOErr, TypeErr, ValueErr
from ..eval.values.forms import to_str, type_name
from ..eval.values.methods import register
from ..nursery_bridge.diagnostics import describes
from ..nursery_bridge.runner import current_bridge, start_task
from ..nursery_bridge.scope import CURRENT_SCOPE, DONE, FAILED, opened
from ..nursery_bridge.task import is_awaitable

_Abort = trio.lowlevel.Abort
_current_time = trio.current_time
_reschedule = trio.lowlevel.reschedule
_wait = trio.lowlevel.wait_task_rescheduled
_CancelScope = trio.CancelScope
_NEED_DATA = h11.NEED_DATA
_Request, _Data, _EndOfMessage = h11.Request, h11.Data, h11.EndOfMessage
_wait_readable = trio.lowlevel.wait_readable
_wait_writable = trio.lowlevel.wait_writable
_NOSIGNAL = getattr(socket, "MSG_NOSIGNAL", 0)

RECEIVE_SIZE = 65536
LINGER = 2.0            # seconds to drain a client before closing after an error answer
LIVENESS = 1.0          # how often the reaper checks that clients waiting for answers are there

DEFAULTS = {
    "header_timeout": 10.0, "body_timeout": 30.0, "handler_timeout": 30.0,
    "idle_timeout": 60.0, "send_timeout": 30.0,
    "max_body": 1_048_576, "max_header": 16_384, "max_connections": 1000,
}

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
    409: "Conflict", 410: "Gone", 411: "Length Required", 413: "Content Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}
_REASON_BYTES = {code: text.encode() for code, text in REASONS.items()}
_STATUS_LINES = {code: b"HTTP/1.1 %d %s\r\n" % (code, text) for code, text in _REASON_BYTES.items()}
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_HEADER_NAME = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+\Z")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

TEXT = b"text/plain; charset=utf-8"
JSON = b"application/json"
OCTETS = b"application/octet-stream"

# Request states.  QUEUED: waiting for accept(); TAKEN: returned by accept();
# SENDING: send_response is writing; SENT: answered; FAILED: writing failed
# (the connection is closed); EXPIRED: the server answered 503 itself
# (handler_timeout, the server closed, a serve() handler cancelled); DEAD:
# the connection closed before an answer.
QUEUED, TAKEN, SENDING, SENT, FAILED, EXPIRED, DEAD = (
    "queued", "taken", "sending", "sent", "failed", "expired", "dead")
_ANSWERABLE = (QUEUED, TAKEN)

_TEMPORARY_ACCEPT = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}


# -- the request ----------------------------------------------------------------------------------


class Request:
    """One HTTP request, read whole (head and body) before accept() returns it.

    Fields: ``method`` (``"GET"``), ``path`` (percent-decoded, no query),
    ``target`` (the request target as sent), ``query`` (Dict of Str),
    ``headers`` (Dict, lowercase names; repeated headers joined with ", ").
    """

    _q_name = "Request"
    __slots__ = ("method", "target", "path", "_raw_query", "_query", "_raw_headers", "_headers",
                 "_body", "_conn", "_state", "_task", "_why")

    def __init__(self, conn, method: str, target: str, raw_headers, body: bytes) -> None:
        self.method = method
        self.target = target
        path, _, query = target.partition("?")
        if path[:1] != "/" and path != "*":   # absolute form (http://host/path)
            rest = path.partition("://")[2]
            path = "/" + rest.partition("/")[2]
        self.path = unquote(path) if "%" in path else path
        self._raw_query = query
        self._query = None
        self._raw_headers = raw_headers
        self._headers = None
        self._body = body
        self._conn = conn
        self._state = QUEUED
        self._task = None       # the serve() task answering it
        self._why = None        # why the server answered it itself (EXPIRED)

    @property
    def query(self) -> dict:
        q = self._query
        if q is None:
            q = self._query = dict(parse_qsl(self._raw_query, keep_blank_values=True))
        return q

    @property
    def headers(self) -> dict:
        d = self._headers
        if d is None:
            d = self._headers = {}
            for name, value in self._raw_headers:
                k, v = name.decode("latin-1"), value.decode("latin-1")
                old = d.get(k)
                d[k] = v if old is None else old + ("; " if k == "cookie" else ", ") + v
        return d

    async def body(self) -> str:
        """The body as a Str (UTF-8).  Read already: a checkpoint only."""
        await trio.lowlevel.checkpoint()
        try:
            return self._body.decode()
        except UnicodeDecodeError as e:
            raise ValueErr(f"The body of {self.method} {self.target} is not valid UTF-8 "
                           f"(byte {e.start}): use body_bytes()") from None

    async def body_bytes(self) -> bytes:
        await trio.lowlevel.checkpoint()
        return self._body

    async def json(self):
        """The body parsed as JSON (ValueErr if it is not JSON)."""
        from .json_ import parse

        return parse(await self.body())

    async def send_response(self, response=None) -> None:
        """Answer the request: ``{status, headers, body}`` (see `encode_response`).

        Written by the calling task, within ``send_timeout``; returns when
        the response is written.  IOErr if the request was answered already
        (also by the server's own 503) or its connection is gone."""
        if self._state is not TAKEN:
            raise self._unanswerable()
        await self._send(encode_response(response))

    async def _send(self, encoded) -> None:
        conn = self._conn
        await trio.lowlevel.checkpoint_if_cancelled()
        if self._state is not TAKEN:
            raise self._unanswerable()
        self._state = SENDING
        problem = "the connection was closed"
        try:
            problem = await conn.write(conn.encode(*encoded))
        finally:
            conn.answered(self, FAILED if problem else SENT)
        if problem:
            raise IOErr(f"Cannot send the response to {self.method} {self.target}: {problem}")

    def _unanswerable(self) -> IOErr:
        what = f"{self.method} {self.target}"
        state = self._state
        if state is SENT or state is SENDING:
            return IOErr(f"The response to {what} was sent already")
        if state is EXPIRED:
            return IOErr(f"Cannot send the response to {what}: the server answered it "
                         f"{self._why}")
        return IOErr(f"Cannot send the response to {what}: the connection was closed")

    def _q_str(self) -> str:
        return f"<Request {self.method} {self.target}>"


def encode_response(response):
    """(status, [(name, value) bytes], body bytes, close?) of a response Dict.

    ``status`` Int 200-599 (default 200); ``headers`` a Dict of Str to Str
    (or Int, Float, or an Array of them for a repeated header); ``body``
    Str (text/plain; charset=utf-8), Bytes (application/octet-stream), nil
    (empty), anything else written as JSON (application/json).  The server
    frames the body and decides about keep-alive: content-length,
    transfer-encoding and connection are its own headers.  ``close?``: the
    headers asked for ``connection: close``."""
    if response.__class__ is not dict:
        raise TypeErr("send_response() expects a Dict {status, headers, body}, "
                      f"got {type_name(response)}")
    status = response.get("status", 200)
    user_headers = response.get("headers")
    body = response.get("body")
    if len(response) > ("status" in response) + ("headers" in response) + ("body" in response):
        extra = next(k for k in response if k not in ("status", "headers", "body"))
        raise ValueErr(f"Unknown key '{to_str(extra)}' in the response: expected status, "
                       "headers and body")
    if status.__class__ is not int or not 200 <= status <= 599:
        raise ValueErr(f"The response status must be an Int from 200 to 599, "
                       f"got {to_str(status) if status.__class__ is int else type_name(status)}")
    cls = body.__class__
    if cls is str:
        data, ctype = body.encode(), TEXT
    elif cls is bytes:
        data, ctype = body, OCTETS
    elif body is None:
        data, ctype = b"", None
    else:
        from .json_ import stringify

        data, ctype = stringify(body).encode(), JSON
    headers = []
    close = False
    if user_headers is not None:
        if user_headers.__class__ is not dict:
            raise TypeErr(f"The response headers must be a Dict, got {type_name(user_headers)}")
        for name, value in user_headers.items():
            if name.__class__ is not str:
                raise TypeErr(f"A header name must be a Str, got {type_name(name)}")
            if not _HEADER_NAME.match(name):
                raise ValueErr(f"Invalid response header name '{name}'")
            low = name.lower()
            if low == "content-length" or low == "transfer-encoding":
                continue
            if low == "content-type":
                ctype = None
            raw_name = name.encode()
            for v in (value if value.__class__ is list else (value,)):
                if v.__class__ is not str:
                    if v.__class__ not in (int, float):
                        raise TypeErr(f"The value of header '{name}' must be a Str, "
                                      f"got {type_name(v)}")
                    v = to_str(v)
                v = v.strip(" \t")
                if _HEADER_VALUE_BAD.search(v):
                    raise ValueErr(f"The value of header '{name}' must not contain control "
                                   "characters such as line breaks")
                if low == "connection":     # the server writes its own
                    close = close or "close" in v.lower()
                    continue
                headers.append((raw_name, v.encode()))
    if status == 204 or status == 304:
        data = b""
    else:
        if ctype is not None and data:
            headers.append((b"content-type", ctype))
        headers.append((b"content-length", str(len(data)).encode()))
    return status, headers, data, close


# -- one connection -------------------------------------------------------------------------------

# What a connection's deadline is for (the server's reaper enforces it).
HEAD, BODY, ANSWER, IDLE, OTHER = "head", "body", "answer", "idle", "other"


class _Conn:
    """A client connection: its socket, and the loop its Trio task runs (read
    a request, hand it over, wait for the answer, and again: keep-alive).

    h11 reads the requests, a fresh h11 connection for each one (it costs
    2 µs); the responses are written here, which costs a tenth of h11's
    ``send`` path, and so is the keep-alive decision (HTTP/1.1 without
    ``connection: close`` on either side).  I/O goes straight to the
    non-blocking socket, waiting with ``wait_readable``/``wait_writable``
    only when it would block; deadlines are a float per connection that the
    server's reaper task enforces (a Trio cancel scope per phase would cost
    more than all the rest)."""

    __slots__ = ("server", "settings", "sock", "scope", "request", "waiter", "head",
                 "keep_alive", "deadline", "phase", "expired")

    def __init__(self, server, sock) -> None:
        self.server = server
        self.settings = server._settings
        self.sock = sock
        self.scope = _CancelScope()     # cancelled at a read deadline, or by close()
        self.request = None     # the request being answered (None: none in flight)
        self.waiter = None      # the connection's Trio task while it waits for an answer
        self.head = False       # is the request being answered a HEAD?
        self.keep_alive = False     # may the connection go on after this response?
        self.deadline = math.inf
        self.phase = OTHER
        self.expired = False    # did a read deadline pass (the scope was cancelled)?

    def until(self, phase: str, seconds: float) -> None:
        """Enter `phase`, which must end within `seconds`."""
        self.phase = phase
        deadline = self.deadline = _current_time() + seconds
        server = self.server
        if deadline < server._next_wake:
            server._replan()

    def expire(self) -> None:
        """The reaper: the current phase's deadline has passed."""
        self.deadline = math.inf
        if self.phase is ANSWER:
            self.wake()                 # handler_timeout: the loop answers 503
        elif self.phase is not OTHER:
            self.expired = True
            self.scope.cancel()

    def client_left(self) -> bool:
        """Has the client closed the connection (EOF or reset) while its
        request waits for an answer?  A peek, no data is consumed."""
        request = self.request
        if request is None or request._state not in _ANSWERABLE:
            return False
        try:
            return not self.sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return False
        except OSError:
            return True

    def encode(self, status: int, headers: list, body: bytes, close: bool = False) -> bytes:
        """The bytes of a whole response (no body after HEAD); `close`, or a
        request that did not keep the connection alive, adds ``connection:
        close`` and ends the connection after it."""
        parts = [_STATUS_LINES.get(status) or b"HTTP/1.1 %d \r\n" % status]
        for name, value in headers:
            parts += (name, b": ", value, b"\r\n")
        if close or self.server._closed:
            self.keep_alive = False
        if not self.keep_alive:
            parts.append(b"connection: close\r\n\r\n")
        else:
            parts.append(b"\r\n")
        if body and not self.head:
            parts.append(body)
        return b"".join(parts)

    # -- the loop -----------------------------------------------------------------------

    async def run(self) -> None:
        s = self.settings
        sock = self.sock
        recv = sock.recv
        server = self.server
        max_header = s.max_header
        leftover, ended = b"", False
        self.until(HEAD, s.header_timeout)
        while True:
            self.head = False
            h = h11.Connection(h11.SERVER, max_incomplete_event_size=max_header)
            if leftover or ended:
                h.receive_data(leftover)
                if ended:
                    h.receive_data(b"")
            # The head: header_timeout from the connection, or from the first
            # byte of a later request (idle_timeout until that byte).
            while True:
                try:
                    event = h.next_event()
                except h11.RemoteProtocolError as exc:
                    return await self.refuse(exc.error_status_hint)
                if event is not _NEED_DATA:
                    break
                try:
                    data = recv(RECEIVE_SIZE)
                except BlockingIOError:
                    await _wait_readable(sock)
                    continue
                except OSError:
                    return
                if self.phase is IDLE and data:
                    self.until(HEAD, s.header_timeout)
                h.receive_data(data)
            if event.__class__ is not _Request:
                return              # ConnectionClosed (the client left between requests)
            raw_headers = event.headers
            size = len(event.method) + len(event.target) + 12
            keep_alive = event.http_version == b"1.1"
            for name, value in raw_headers:
                size += len(name) + len(value) + 4
                if name == b"connection" and b"close" in value.lower():
                    keep_alive = False
            if size > max_header:
                return await self.refuse(431)
            if event.http_version != b"1.1" and event.http_version != b"1.0":
                return await self.refuse(505)
            method = event.method.decode("ascii")
            self.head = method == "HEAD"    # (False until here: no body is left out)
            self.keep_alive = keep_alive
            target = event.target.decode("latin-1")
            try:
                event = h.next_event()
            except h11.RemoteProtocolError as exc:
                return await self.refuse(exc.error_status_hint)
            if event.__class__ is _EndOfMessage:
                body = b""
            else:
                self.until(BODY, s.body_timeout)
                body = await self.read_body(h, event, raw_headers)
                if body.__class__ is int:
                    return await self.refuse(body)
                if body is None:
                    return
            leftover, ended = h.trailing_data
            request = Request(self, method, target, raw_headers, body)
            self.request = request
            if server._closed:
                request._state = EXPIRED
                return await self.refuse(503)
            # Hand it over; wait for the answer, or answer 503 at handler_timeout.
            self.until(ANSWER, s.handler_timeout)
            server._deliver(request)
            await self.wait_answer()
            state = request._state
            if state is SENDING:
                self.phase = OTHER
                await self.wait_answer()    # bounded by send_timeout
                state = request._state
            self.phase = OTHER
            if state is QUEUED or state is TAKEN:
                server._expire(request, state, f"503 (no response within handler_timeout, "
                                               f"{_secs(s.handler_timeout)})")
                state = EXPIRED
            if state is EXPIRED:
                if not await self.send_status(503):
                    return
            elif state is not SENT:
                return                      # FAILED: the connection is closed
            self.request = None
            if not self.keep_alive:
                return
            if leftover:
                self.until(HEAD, s.header_timeout)      # pipelined
            else:
                self.until(IDLE, s.idle_timeout)

    async def read_body(self, h, event, raw_headers):
        """The whole body; or the status to refuse the request with (413,
        400); or None when the client closed the connection."""
        sock = self.sock
        max_body = self.settings.max_body
        for name, value in raw_headers:
            if name == b"content-length" and int(value) > max_body:
                return 413
        if h.they_are_waiting_for_100_continue:
            if await self.write(CONTINUE):
                return None
        chunks = []
        size = 0
        while True:
            cls = event.__class__
            if cls is _Data:
                size += len(event.data)
                if size > max_body:
                    return 413
                chunks.append(event.data)
            elif cls is _EndOfMessage:
                return b"".join(chunks)
            elif event is _NEED_DATA:
                try:
                    data = sock.recv(RECEIVE_SIZE)
                except BlockingIOError:
                    await _wait_readable(sock)
                    data = None
                except OSError:
                    return None
                if data is not None:
                    await trio.lowlevel.checkpoint()    # a flooding client waits its turn
                    h.receive_data(data)
            else:
                return None         # ConnectionClosed in the middle of the body
            try:
                event = h.next_event()
            except h11.RemoteProtocolError as exc:
                return exc.error_status_hint

    async def wait_answer(self) -> None:
        """Park until the request's answer is written or given up (`wake`)."""
        self.waiter = trio.lowlevel.current_task()
        await _wait(self._abort_wait)

    def _abort_wait(self, _raise_cancel):
        self.waiter = None
        return _Abort.SUCCEEDED

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            _reschedule(waiter)

    def answered(self, request, state) -> None:
        """send_response is done writing (SENT) or failed (FAILED)."""
        request._state = state
        self.server._request_done()
        self.wake()

    # -- writing ---------------------------------------------------------------------------

    async def write(self, data: bytes):
        """Write `data` within send_timeout: None, or what went wrong."""
        sock = self.sock
        try:
            n = sock.send(data, _NOSIGNAL)
        except BlockingIOError:
            n = 0
        except OSError:
            return "the connection was closed"
        if n == len(data):
            return None
        return await self._write_slowly(memoryview(data)[n:])

    async def _write_slowly(self, rest):
        sock = self.sock
        timeout = self.settings.send_timeout
        with trio.move_on_after(timeout):
            try:
                while rest:
                    await _wait_writable(sock)
                    try:
                        rest = rest[sock.send(rest, _NOSIGNAL):]
                    except BlockingIOError:
                        pass
                return None
            except (OSError, trio.ClosedResourceError):
                return "the connection was closed"
        return f"the client did not read it within send_timeout ({_secs(timeout)})"

    # -- answers of the server's own --------------------------------------------------------

    async def refuse(self, status: int) -> None:
        """Answer `status` with ``connection: close``, then close (lingering)."""
        self.phase = OTHER
        self.deadline = math.inf
        self.keep_alive = False
        if await self.send_status(status):
            await self.linger()

    async def send_status(self, status: int) -> bool:
        """The server's own answer: the reason phrase as a text body.
        Whether it was written."""
        body = _REASON_BYTES[status]
        headers = [(b"content-type", TEXT), (b"content-length", b"%d" % len(body))]
        return await self.write(self.encode(status, headers, body)) is None

    async def linger(self) -> None:
        """Half-close and drain what the client still sends (for up to LINGER
        seconds), so that closing does not reset the connection under the
        answer it has not read yet."""
        sock = self.sock
        with trio.move_on_after(LINGER):
            try:
                sock.shutdown(socket.SHUT_WR)
                while True:
                    try:
                        if not sock.recv(RECEIVE_SIZE):
                            return
                    except BlockingIOError:
                        await _wait_readable(sock)
                        continue
                    await trio.lowlevel.checkpoint()
            except (OSError, trio.ClosedResourceError):
                pass

    def close(self) -> None:
        trio.lowlevel.notify_closing(self.sock)
        self.sock.close()


# -- the server -----------------------------------------------------------------------------------


class _Settings:
    __slots__ = tuple(DEFAULTS)


class Server:
    """``http.server(address)``: a listening HTTP/1.1 server (module doc)."""

    _q_name = "HttpServer"

    def __init__(self, sock, address: str, port: int, settings: _Settings) -> None:
        self._sock = sock
        self._address = address
        self._port = port
        self._label = f"http.server {address}"
        self._settings = settings
        self._queue: deque = deque()        # QUEUED requests, oldest first
        self._accepters: deque = deque()    # Trio tasks parked in accept()
        self._connections: set = set()
        self._in_flight = 0                 # requests TAKEN or SENDING
        self._closed = False
        self._next_wake = math.inf          # when the reaper wakes next
        self._reaper_scope = None
        self._task = start_task(self._run, self._label, None, False)    # the server's work

    # -- the Quest API --------------------------------------------------------------------

    def port(self) -> int:
        return self._port

    def address(self) -> str:
        return self._address

    def is_closed(self) -> bool:
        return self._closed

    async def accept(self):
        """The next request (waits for one); nil once the server is closed.
        Lossless: a request handed to a cancelled accept() stays queued."""
        queue = self._queue
        if queue:
            await trio.lowlevel.checkpoint_if_cancelled()
            if queue:
                request = queue.popleft()
                request._state = TAKEN
                self._in_flight += 1
                await trio.lowlevel.cancel_shielded_checkpoint()
                return request
        if self._closed:
            await trio.lowlevel.checkpoint()
            return None
        task = trio.lowlevel.current_task()
        accepters = self._accepters
        accepters.append(task)

        def abort(_raise_cancel):
            accepters.remove(task)
            return _Abort.SUCCEEDED

        return await _wait(abort)

    async def serve(self, handler, on_error=None):
        """Answer every request with ``handler(request)`` (awaited if async;
        its value is the response Dict), each in a task of serve's own
        scope, until the server is closed; then wait for the handlers still
        running and return nil.  A failing handler: 500, and its error goes
        to ``on_error(error, request)``, or to stderr.  A handler still
        running at handler_timeout is cancelled (the client got 503).
        Cancelling serve() closes the server."""
        if not callable(handler):
            raise TypeErr(f"server.serve() expects a function, got {type_name(handler)}")
        if on_error is not None and not callable(on_error):
            raise TypeErr(f"server.serve(on_error:) expects a function, got {type_name(on_error)}")
        scope = opened(f"serve() of {self._label}")
        outer = CURRENT_SCOPE.get()
        CURRENT_SCOPE.set(scope)
        answer = self._answer
        try:
            spawned = 0
            while True:
                request = await self.accept()
                if request is None:
                    break
                request._task = start_task(partial(answer, handler, request, on_error),
                                           f"{request.method} {request.target}", scope, False)
                spawned += 1
                if spawned >= 1024:     # forget the handler tasks that are done
                    spawned = 0
                    scope.children = [t for t in scope.children if t.state not in DONE
                                      or (t.state is FAILED and not t.observed)]
            for task in list(scope.children or ()):
                await task.wait_done()
        except BaseException as exc:
            scope.failing = exc
            self.close()
            raise
        finally:
            CURRENT_SCOPE.set(outer)
            if scope.children is not None:
                await scope.close()

    def close(self) -> None:
        """Stop accepting: the listening socket closes, accept() returns nil,
        queued requests get 503, idle connections close; requests already
        taken may still be answered (then their connections close).  Not a
        checkpoint; closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        self._close_listener()
        accepters = self._accepters
        while accepters:
            _reschedule(accepters.popleft(), outcome.Value(None))
        queue = self._queue
        while queue:
            self._expire(queue[0], QUEUED, "503 (the server was closed)")
        for conn in self._connections:
            if conn.request is None:
                conn.scope.cancel()
        self._maybe_detach()

    # -- Quest protocols -----------------------------------------------------------------

    def __aiter__(self):
        return self

    async def __anext__(self):
        request = await self.accept()
        if request is None:
            raise StopAsyncIteration
        return request

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        self.close()
        return False

    def _q_str(self) -> str:
        return f"<HttpServer {self._address}{' closed' if self._closed else ''}>"

    # -- the server's own work ------------------------------------------------------------------

    async def _run(self) -> None:
        """The server's task: accept connections, each in a Trio task, beside
        the reaper; when closed, wait for the connections to end."""
        limit = trio.Semaphore(self._settings.max_connections)
        try:
            async with trio.open_nursery() as outer:
                outer.start_soon(self._reaper, name="http.server reaper")
                async with trio.open_nursery() as connections:
                    while True:
                        await limit.acquire()
                        sock = await self._accept_socket()
                        if sock is None:
                            break
                        connections.start_soon(self._connection, sock, limit,
                                               name="http.connection")
                outer.cancel_scope.cancel()
        finally:
            self._shutdown()

    async def _accept_socket(self):
        """The next client socket (non-blocking, no Nagle), None once closed."""
        listener = self._sock
        while not self._closed:
            try:
                sock, _ = listener.accept()
            except BlockingIOError:
                try:
                    await _wait_readable(listener)
                except trio.ClosedResourceError:
                    return None
                continue
            except OSError as exc:
                if exc.errno in _TEMPORARY_ACCEPT:
                    await trio.sleep(0.1)
                continue
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        return None

    async def _connection(self, sock, limit) -> None:
        conn = _Conn(self, sock)
        self._connections.add(conn)
        try:
            with conn.scope:
                await conn.run()
            if conn.expired and (conn.phase is HEAD or conn.phase is BODY):
                await conn.refuse(408)
        finally:
            self._connections.discard(conn)
            conn.close()
            limit.release()
            request = conn.request
            if request is not None and request._state in _ANSWERABLE:
                self._expire(request, request._state, None, "the closed connection")
                request._state = DEAD

    async def _reaper(self) -> None:
        """Enforce the connections' deadlines: sleep until the earliest one,
        expire those that have passed, plan again.  While there are
        connections it also wakes at least every `shortest` timeout, so a
        deadline set meanwhile (now + a timeout) is never earlier than the
        planned wake; only the first connection after none must `_replan`.
        It wakes at least every LIVENESS seconds too, to give up the
        requests whose clients have closed their connection."""
        s = self._settings
        shortest = min(s.header_timeout, s.body_timeout, s.handler_timeout, s.idle_timeout,
                       LIVENESS)
        connections = self._connections
        while True:
            now = _current_time()
            wake = now + shortest if connections else math.inf
            for conn in connections:
                deadline = conn.deadline
                if deadline <= now:
                    conn.expire()
                    continue
                if deadline < wake:
                    wake = deadline
                if conn.phase is ANSWER and conn.client_left():
                    conn.scope.cancel()     # its request is given up: see _connection
            self._next_wake = wake
            with _CancelScope(deadline=wake) as scope:
                self._reaper_scope = scope
                await trio.sleep_forever()
            self._reaper_scope = None

    def _replan(self) -> None:
        self._next_wake = -math.inf     # until the reaper has planned again
        scope = self._reaper_scope
        if scope is not None:
            scope.cancel()

    def _deliver(self, request) -> None:
        accepters = self._accepters
        if accepters:
            request._state = TAKEN
            self._in_flight += 1
            _reschedule(accepters.popleft(), outcome.Value(request))
        else:
            self._queue.append(request)

    def _expire(self, request, state, why, canceller="the handler_timeout") -> None:
        """The server answers `request` itself (state was QUEUED or TAKEN):
        its connection task is woken to write the 503, and a serve() task
        still answering it is cancelled."""
        if state is QUEUED:
            self._queue.remove(request)
        request._state = EXPIRED
        request._why = why
        if state is TAKEN:
            task = request._task
            if task is not None and task.state not in DONE:
                task.cancel(f"{canceller} of {self._label}")
            self._request_done()
        request._conn.wake()

    def _request_done(self) -> None:
        self._in_flight -= 1
        if self._closed:
            self._maybe_detach()

    def _maybe_detach(self) -> None:
        """Once closed with nothing in flight, the server's task winds down on
        its own (at once): its scope no longer waits for it, nor reports it."""
        task = self._task
        if self._in_flight or task is None:
            return
        self._task = None
        children = task.scope.children
        if children is not None and task.state not in DONE:
            try:
                children.remove(task)
            except ValueError:
                pass

    def _close_listener(self) -> None:
        if self._sock.fileno() != -1:
            trio.lowlevel.notify_closing(self._sock)
            self._sock.close()

    def _shutdown(self) -> None:
        """The server's task ends (closed, or cancelled with its scope)."""
        self._closed = True
        self._task = None
        self._close_listener()
        accepters = self._accepters
        while accepters:
            _reschedule(accepters.popleft(), outcome.Value(None))
        for request in self._queue:
            request._state = DEAD
        self._queue.clear()

    async def _answer(self, handler, request, on_error) -> None:
        """A serve() task: the handler's value answers the request."""
        try:
            try:
                response = handler(request)
                if is_awaitable(response):
                    response = await response
                if request._state is not TAKEN:
                    return          # answered by the handler itself, or by the server
                if response.__class__ is not dict:
                    raise TypeErr(f"The handler returned {type_name(response)}: expected a "
                                  "response Dict {status, headers, body}")
                encoded = encode_response(response)
            except Exception as exc:  # noqa: BLE001 - a failing handler: 500, reported
                await self._failed(exc, request, on_error)
                return
            try:
                await request._send(encoded)
            except IOErr:
                pass                # the client went away
        finally:
            if request._state is TAKEN:     # cancelled before answering: 503 now
                self._expire(request, TAKEN, "503 (its serve() task was cancelled)")

    async def _failed(self, exc, request, on_error) -> None:
        from ..eval.values.exceptions import to_quest_error

        err = to_quest_error(exc)
        if request._state is TAKEN:
            request._state = SENDING
            conn = request._conn
            ok = await conn.send_status(500)
            conn.answered(request, SENT if ok else FAILED)
        if on_error is not None:
            try:
                value = on_error(err, request)
                if is_awaitable(value):
                    await value
                return
            except Exception as inner:  # noqa: BLE001 - reported below, with the first
                _report(f"{self._label}: on_error failed", to_quest_error(inner))
        _report(f"{self._label}: the handler of {request.method} {request.target} failed "
                "(answered 500)", err)


def _report(headline: str, err) -> None:
    from ..eval.interpreter import uncaught_lines
    from ..render import print_error

    print_error([("headline", headline)] + uncaught_lines(err))


def _secs(value: float) -> str:
    return f"{value:g} s"


# -- what tasks wait on (task tree, leak report) --------------------------------------------------


@describes(Server.accept)
def _accepting(frame, now):
    return f"accept on {frame.f_locals['self']._label}", []


@describes(Server.serve)
def _serving(frame, now):
    return f"serve on {frame.f_locals['self']._label}", []


@describes(Server._run)
def _running(frame, now):
    server = frame.f_locals["self"]
    n = len(server._connections)
    state = "closing" if server._closed else "open (not closed)"
    return f"{server._label}: {state}, {n} connection{'' if n == 1 else 's'}", []


@describes(Request.send_response)
@describes(Request._send)
def _sending(frame, now):
    request = frame.f_locals["self"]
    return f"send_response to {request.method} {request.target} on " \
           f"{request._conn.server._label}", []


register(Server, {
    "accept": Server.accept, "serve": Server.serve, "close": Server.close,
    "port": Server.port, "address": Server.address, "is_closed": Server.is_closed,
})
register(Request, {
    "body": Request.body, "body_bytes": Request.body_bytes, "json": Request.json,
    "send_response": Request.send_response,
})


# -- http.server() --------------------------------------------------------------------------------


def _timeout(name: str, value) -> float:
    if value is None:
        return math.inf
    if value.__class__ not in (int, float):
        raise TypeErr(f"http.server({name}:) expects a number of seconds or nil, "
                      f"got {type_name(value)}")
    if not value > 0:
        raise ValueErr(f"http.server({name}:) must be more than 0 seconds, got {to_str(value)}")
    return float(value)


def _limit(name: str, value, least: int) -> int:
    if value.__class__ is not int:
        raise TypeErr(f"http.server({name}:) expects an Int, got {type_name(value)}")
    if value < least:
        raise ValueErr(f"http.server({name}:) must be at least {least}, got {value}")
    return value


def _host_port(address, host, port):
    if address is not None:
        if host is not None or port is not None:
            raise ArgErr("http.server() takes an address or host:/port:, not both")
        if address.__class__ is not str:
            raise TypeErr(f"http.server() expects an address Str like \"127.0.0.1:8080\", "
                          f"got {type_name(address)}")
        text = address.strip()
        if text.startswith("["):
            host, sep, port_text = text[1:].partition("]:")
        else:
            host, sep, port_text = text.rpartition(":")
        if not sep or not port_text.isdigit():
            raise ValueErr(f"http.server() expects an address like \"127.0.0.1:8080\", "
                           f"got \"{address}\"")
        port = int(port_text)
    else:
        if host is not None and host.__class__ is not str:
            raise TypeErr(f"http.server(host:) expects a Str, got {type_name(host)}")
        if port is None:
            port = 0
        elif port.__class__ is not int:
            raise TypeErr(f"http.server(port:) expects an Int, got {type_name(port)}")
    if not 0 <= port <= 65535:
        raise ValueErr(f"http.server(): port {port} is not from 0 to 65535")
    return (host or "127.0.0.1"), port


def _listen(host: str, port: int):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise IOErr(f"Cannot listen on {host}:{port}: {e.strerror}") from None
    infos.sort(key=lambda info: info[0] != socket.AF_INET)     # IPv4 first ("localhost")
    family, kind, proto, _, sockaddr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(sockaddr)
        sock.listen(socket.SOMAXCONN)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise IOErr(f"Cannot listen on {host}:{port}: {e.strerror or e}") from None
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if family == socket.AF_INET6 else bound[0]
    return sock, f"{shown}:{bound[1]}", bound[1]


def server(address=None, *, host=None, port=None, **options) -> Server:
    """``http.server("127.0.0.1:8080")``, ``http.server(port: 0)``: listen now
    (127.0.0.1 unless told otherwise; port 0 picks a free one)."""
    settings = _Settings()
    for name, default in DEFAULTS.items():
        value = options.pop(name, default)
        if name.endswith("timeout"):
            value = _timeout(name, value)
        else:
            value = _limit(name, value, 0 if name == "max_body" else 1)
        setattr(settings, name, value)
    if options:
        raise ArgErr(f"http.server() got an unexpected named argument '{next(iter(options))}'")
    host, port = _host_port(address, host, port)
    current_bridge()
    sock, shown, bound_port = _listen(host, port)
    return Server(sock, shown, bound_port, settings)


def members(interpreter) -> dict:
    return {"server": server}
