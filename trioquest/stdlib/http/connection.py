"""One client connection of the server (server.py): its socket and the
loop its Trio task runs, from the first byte of a request to the last byte
of its answer and again (keep-alive), and the server's own answers (400,
408, 413, 431, 503, 505; 500 for a failing handler).

The server's hot path: `Connection` says what it does the cheap way; the
Trio and h11 names it uses are module globals, bound once.
"""

from __future__ import annotations

import math
import socket

import h11
import trio

from .request import (ANSWERABLE, EXPIRED, QUEUED, REASON_BYTES, SENDING, SENT, STATUS_LINES,
                      TAKEN, TEXT, Request)

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
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

# What a connection's deadline is for (the server's reaper enforces it).
HEAD, BODY, ANSWER, IDLE, OTHER = "head", "body", "answer", "idle", "other"


class Connection:
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
                 "keep_alive", "deadline", "phase", "expired", "evicted")

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
        self.evicted = False    # closed while idle to make room for a new client

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

    def evict(self) -> bool:
        """Close this idle connection to make room for a new client (the
        server is at max_connections): no response is in flight, so the
        client sees a clean end of stream.  Not if the client has started
        its next request (bytes are waiting): False then."""
        try:
            if self.sock.recv(1, socket.MSG_PEEK):
                return False
        except BlockingIOError:
            pass
        except OSError:
            pass                # reset by the client already: closing it is right
        self.phase = OTHER
        self.deadline = math.inf
        self.evicted = True
        self.scope.cancel()
        return True

    def client_left(self) -> bool:
        """Has the client closed the connection (EOF or reset) while its
        request waits for an answer?  A peek, no data is consumed."""
        request = self.request
        if request is None or request._state not in ANSWERABLE:
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
        parts = [STATUS_LINES.get(status) or b"HTTP/1.1 %d \r\n" % status]
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
            framing = False     # both Content-Length and Transfer-Encoding (smuggling)
            for name, value in raw_headers:
                size += len(name) + len(value) + 4
                if name == b"connection" and b"close" in value.lower():
                    keep_alive = False
                elif name == b"transfer-encoding":
                    framing = any(n == b"content-length" for n, _ in raw_headers)
            if size > max_header:
                return await self.refuse(431)
            if framing:         # RFC 9112 6.3: a request with both is refused, then closed
                return await self.refuse(400)
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
                if not await self.send_status(request._status):
                    return
            elif state is not SENT:
                return                      # FAILED: the connection is closed
            self.request = None
            if not self.keep_alive or server._closed:     # (closed since the answer)
                return
            if leftover:
                self.until(HEAD, s.header_timeout)      # pipelined
            else:
                self.until(IDLE, s.idle_timeout)
                if server._room:                # the server is full: room for a new client
                    server._room_made()

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
        body = REASON_BYTES[status]
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


def _secs(value: float) -> str:
    return f"{value:g} s"
