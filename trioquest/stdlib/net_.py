"""``std/net``: TCP on Trio streams (issue #6, docs/net-and-files.md).

``await net.connect(host, port)`` gives a Stream; ``net.listen(host, port)``
(sync: it only binds) gives a Listener whose ``await accept()`` gives one.
A Stream sends Bytes or Str (UTF-8) and receives Bytes (``recv``) or lines
(``recv_line``, Str); sized and line reads return nil at the end of the
stream.  Bytes received beyond a line stay in the Stream's buffer for the
next read, also when a read is cancelled: nothing received is lost.

Errors: `net.ConnectionError` when the network or the peer fails (refused,
reset, broken pipe, unknown host, the stream ending inside ``recv_exactly``);
IOErr for local misuse (a closed stream or listener, two tasks receiving on
one stream at once, an address already in use).  Timeouts are the caller's:
``async.timeout(s.recv(100), 5)``.
"""

from __future__ import annotations

import errno
import os
import socket as stdsocket

import trio

from ..errors import IOErr, QuestError, RuntimeErr, TypeErr, ValueErr
from ..eval.values.forms import type_name
from ..eval.values.methods import register
from ..eval.values.modules import QModule
from ..nursery_bridge.diagnostics import describes

RECV_DEFAULT = 65536        # recv() with no size, and the chunk recv_line reads
RECV_CAP = 1 << 20          # recv(max) reads at most this much at once
LINE_LIMIT = 65536          # recv_line's default longest line, in bytes


class NetConnectionError(QuestError):
    """The network or the peer failed: refused, reset, broken, unknown host."""

    type_name = "ConnectionError"


def _reason(exc: BaseException) -> str:
    """The OS's words for a socket failure (``Connection refused``)."""
    while True:
        cause = exc.__cause__
        if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        elif isinstance(exc, (trio.BrokenResourceError, trio.ClosedResourceError)) \
                and cause is not None:
            exc = cause
        elif isinstance(exc, OSError) and exc.errno is None and cause is not None:
            exc = cause     # trio's "all attempts to connect ... failed"
        else:
            break
    if isinstance(exc, OSError) and exc.errno is not None:
        if isinstance(exc, stdsocket.gaierror):
            return exc.strerror or str(exc)
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def _address(addr) -> dict:
    host, port = addr[0], addr[1]
    return {"host": host, "port": port}


def _label(addr: dict) -> str:
    host = addr["host"]
    return f"[{host}]:{addr['port']}" if ":" in host else f"{host}:{addr['port']}"


def _host_port(fn: str, host, port) -> None:
    if host.__class__ is not str:
        raise TypeErr(f"{fn}(host, port) expects a Str host, got {type_name(host)}")
    if port.__class__ is not int:
        raise TypeErr(f"{fn}(host, port) expects an Int port, got {type_name(port)}")
    if not 0 <= port <= 65535:
        raise ValueErr(f"Invalid port {port}: use 0 to 65535")


# -- streams -------------------------------------------------------------------------------


class Stream:
    """A TCP connection.  One task may receive while another sends; two
    receivers (or two senders) at once is an IOErr, not a race."""

    _q_name = "Stream"
    __slots__ = ("_stream", "_buf", "_eof", "_receiving", "_sending", "_closed",
                 "_peer", "_local", "_label")

    def __init__(self, stream: trio.SocketStream) -> None:
        self._stream = stream
        self._buf = bytearray()    # received, not yet returned (deleting its front is cheap)
        self._eof = False          # the peer has ended its side
        self._receiving = False
        self._sending = False
        self._closed = False
        sock = stream.socket
        self._peer = _address(sock.getpeername())
        self._local = _address(sock.getsockname())
        self._label = f"tcp {_label(self._peer)}"

    # -- errors --

    def _fail(self, op: str, exc: BaseException) -> QuestError:
        if isinstance(exc, trio.ClosedResourceError) or self._closed:
            if isinstance(exc, trio.ClosedResourceError) and "EOF" in str(exc):
                return IOErr(f"Cannot {op} on {self._label}: the stream was shut down "
                             "for sending (send_eof)")
            return IOErr(f"Cannot {op} on {self._label}: the stream is closed")
        return NetConnectionError(f"Cannot {op} on {self._label}: {_reason(exc)}")

    def _busy(self, op: str, doing: str) -> IOErr:
        return IOErr(f"Cannot {op} on {self._label}: another task is already {doing} on "
                     "this stream (use one task for it, or an async.Lock)")

    def _check_recv(self, op: str) -> None:
        if self._closed:
            raise IOErr(f"Cannot {op} on {self._label}: the stream is closed")
        if self._receiving:
            raise self._busy(op, "receiving")

    async def _fill(self, op: str, size: int = RECV_DEFAULT) -> bool:
        """Receive one chunk into the buffer; False at the end of the stream.
        The chunk joins the buffer with no checkpoint between, so a cancelled
        read loses nothing."""
        try:
            chunk = await self._stream.receive_some(size)
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError) as exc:
            raise self._fail(op, exc) from None
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    # -- the API --

    async def send(self, data) -> None:
        """Send all of `data` (Bytes, or Str as UTF-8).  A cancelled send may
        have sent part of it."""
        if data.__class__ is str:
            data = data.encode("utf-8")
        elif data.__class__ is not bytes:
            raise TypeErr(f"Stream.send() expects Bytes or Str, got {type_name(data)}")
        if self._closed:
            raise IOErr(f"Cannot send on {self._label}: the stream is closed")
        if self._sending:
            raise self._busy("send", "sending")
        self._sending = True
        try:
            await self._stream.send_all(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError) as exc:
            raise self._fail("send", exc) from None
        finally:
            self._sending = False

    async def recv(self, max=RECV_DEFAULT):
        """Up to `max` bytes as soon as some are there; nil at the end."""
        if max.__class__ is not int or max < 1:
            raise ValueErr(f"Stream.recv(max) expects an Int >= 1, got {max!r}"
                           if max.__class__ is int else
                           f"Stream.recv(max) expects an Int >= 1, got {type_name(max)}")
        self._check_recv("recv")
        self._receiving = True
        try:
            if not self._buf and not self._eof:
                await self._fill("recv", min(max, RECV_CAP))
            else:
                await trio.lowlevel.checkpoint()
            if not self._buf:
                return None
            data = bytes(self._buf[:max])
            del self._buf[:max]
            return data
        finally:
            self._receiving = False

    async def recv_exactly(self, n):
        """Exactly `n` bytes; a ConnectionError if the stream ends first
        (what arrived stays for the next recv)."""
        if n.__class__ is not int or n < 0:
            raise ValueErr("Stream.recv_exactly(n) expects an Int >= 0")
        self._check_recv("recv_exactly")
        self._receiving = True
        try:
            waited = False      # each receive is a checkpoint; else one is made below
            while len(self._buf) < n:
                waited = True
                if self._eof or not await self._fill("recv_exactly",
                                                     min(n - len(self._buf), RECV_CAP)):
                    raise NetConnectionError(
                        f"Cannot recv_exactly on {self._label}: the stream ended after "
                        f"{len(self._buf)} of {n} bytes")
            if not waited:
                await trio.lowlevel.checkpoint()
            data = bytes(self._buf[:n])
            del self._buf[:n]
            return data
        finally:
            self._receiving = False

    async def recv_line(self, max=LINE_LIMIT):
        """The next line as Str, without its "\\n" (or "\\r\\n"); nil at the
        end.  A last line without a newline is returned as it is."""
        if max.__class__ is not int or max < 1:
            raise ValueErr("Stream.recv_line(max:) expects an Int >= 1")
        self._check_recv("recv_line")
        self._receiving = True
        try:
            waited = False      # each receive is a checkpoint; else one is made below
            start = 0
            while True:
                i = self._buf.find(b"\n", start)
                if i >= 0:
                    line, used = bytes(self._buf[:i]), i + 1
                    break
                start = len(self._buf)
                if start > max:
                    raise self._too_long(max)
                if not self._eof:
                    waited = True
                if self._eof or not await self._fill("recv_line"):
                    if not self._buf:
                        if not waited:
                            await trio.lowlevel.checkpoint()
                        return None
                    line, used = bytes(self._buf), len(self._buf)
                    break
            if len(line) > max:
                raise self._too_long(max)
            if line.endswith(b"\r"):
                line = line[:-1]
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                raise IOErr(f"Cannot recv_line on {self._label}: the line is not UTF-8 "
                            "text (its bytes are left for recv)") from None
            if not waited:
                await trio.lowlevel.checkpoint()    # cancelled here, the line stays
            del self._buf[:used]
            return text
        finally:
            self._receiving = False

    def _too_long(self, limit: int) -> IOErr:
        return IOErr(f"Cannot recv_line on {self._label}: the line is longer than {limit} "
                     "bytes (its bytes are left for recv; a longer limit: recv_line(max: n))")

    async def send_eof(self) -> None:
        """End our side (the peer's reads then end); we can still receive."""
        if self._closed:
            raise IOErr(f"Cannot send_eof on {self._label}: the stream is closed")
        if self._sending:
            raise self._busy("send_eof", "sending")
        try:
            await self._stream.send_eof()
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError) as exc:
            raise self._fail("send_eof", exc) from None

    def close(self) -> None:
        """Close at once (sync; ``await s.close()`` works too).  A task blocked
        in a read or send on it gets an IOErr.  Closing twice is fine."""
        if not self._closed:
            self._closed = True
            self._stream.socket.close()

    def is_closed(self) -> bool:
        return self._closed

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False

    def _q_str(self) -> str:
        return f"<Stream {self._label}{' closed' if self._closed else ''}>"


register(Stream, {
    "send": Stream.send, "recv": Stream.recv, "recv_line": Stream.recv_line,
    "recv_exactly": Stream.recv_exactly, "send_eof": Stream.send_eof,
    "close": Stream.close, "is_closed": Stream.is_closed,
    "peer": lambda s: dict(s._peer), "local": lambda s: dict(s._local),
})


@describes(Stream.recv)
@describes(Stream.recv_line)
@describes(Stream.recv_exactly)
def _receiving(frame, now):
    op = frame.f_code.co_name
    return f"{op} on {frame.f_locals['self']._label}", []


@describes(Stream.send)
def _sending(frame, now):
    return f"send on {frame.f_locals['self']._label}", []


# -- connecting ---------------------------------------------------------------------------------


async def _connect(host: str, port: int) -> Stream:
    try:
        stream = await trio.open_tcp_stream(host, port)
    except OSError as exc:
        raise NetConnectionError(f"Cannot connect to {_label({'host': host, 'port': port})}: "
                                 f"{_reason(exc)}") from None
    try:
        return Stream(stream)
    except OSError as exc:   # reset between connect and getpeername
        stream.socket.close()
        raise NetConnectionError(f"Cannot connect to {host}:{port}: {_reason(exc)}") from None


_connect.__qualname__ = "net.connect"


def _fresh(coro, what: str):
    """`coro`, if it was not awaited yet."""
    if coro.cr_frame is None or coro.cr_running:
        raise RuntimeErr(f"{what} was already awaited: call it again for another one")
    return coro


class Connecting:
    """What ``net.connect`` returns: ``await`` it for the Stream, or use it in
    ``async with`` (the Stream is closed at the end of the block)."""

    _q_name = "Connecting"
    __slots__ = ("_coro", "_stream", "_what", "_target")

    def __init__(self, coro, what: str, target: str) -> None:
        self._coro = coro     # made now: dropped unawaited, it is reported as a leak
        self._stream = None
        self._what = what
        self._target = target

    def __await__(self):     # a generator, so the task tree sees this frame
        return (yield from _fresh(self._coro, self._what).__await__())

    async def __aenter__(self):
        self._stream = await _fresh(self._coro, self._what)
        return self._stream

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        self._stream.close()
        return False

    def _q_str(self) -> str:
        return f"<{self._what}>"


@describes(Connecting.__await__)
@describes(Connecting.__aenter__)
def _connecting_via(frame, now):
    return f"connect to {frame.f_locals['self']._target}", []


def connect(host, port) -> Connecting:
    """``await net.connect(host, port)``: a Stream; net.ConnectionError if
    the connection is refused or the host unknown."""
    _host_port("net.connect", host, port)
    target = _label({"host": host, "port": port})
    return Connecting(_connect(host, port), f"net.connect({host}, {port})", target)


# -- listening --------------------------------------------------------------------------------


class Listener:
    """A listening TCP socket: ``await accept()`` → Stream, ``for s in
    listener`` (ends when the listener is closed), ``close()``."""

    _q_name = "Listener"
    __slots__ = ("_listener", "_local", "_label", "_accepting", "_closed")

    def __init__(self, listener: trio.SocketListener, local: dict) -> None:
        self._listener = listener
        self._local = local
        self._label = f"tcp listener {_label(local)}"
        self._accepting = False
        self._closed = False

    async def accept(self) -> Stream:
        """The next connection.  IOErr once the listener is closed."""
        if self._closed:
            raise IOErr(f"Cannot accept on {self._label}: the listener is closed")
        if self._accepting:
            raise IOErr(f"Cannot accept on {self._label}: another task is already accepting "
                        "on this listener")
        self._accepting = True
        try:
            while True:
                try:
                    stream = await self._listener.accept()
                except trio.ClosedResourceError:
                    raise IOErr(f"Cannot accept on {self._label}: the listener is "
                                "closed") from None
                except OSError as exc:
                    raise IOErr(f"Cannot accept on {self._label}: {_reason(exc)}") from None
                try:
                    return Stream(stream)
                except OSError:       # the client went away before we looked: next one
                    stream.socket.close()
        finally:
            self._accepting = False

    def close(self) -> None:
        """Stop listening (sync).  A task blocked in accept gets an IOErr; a
        ``for s in listener`` loop ends."""
        if not self._closed:
            self._closed = True
            self._listener.socket.close()

    def __aiter__(self):
        return self

    async def __anext__(self) -> Stream:
        if self._closed:
            await trio.lowlevel.checkpoint()
            raise StopAsyncIteration
        try:
            return await self.accept()
        except IOErr:
            if self._closed:
                raise StopAsyncIteration from None
            raise

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        self.close()
        return False

    def _q_str(self) -> str:
        return f"<Listener {_label(self._local)}{' closed' if self._closed else ''}>"


register(Listener, {
    "accept": Listener.accept, "close": Listener.close,
    "is_closed": lambda x: x._closed, "port": lambda x: x._local["port"],
    "host": lambda x: x._local["host"], "local": lambda x: dict(x._local),
})


@describes(Listener.accept)
def _accepting(frame, now):
    return f"accept on {frame.f_locals['self']._label}", []


def listen(host="127.0.0.1", port=0, *, backlog=128) -> Listener:
    """``net.listen(host, port)``: bind and listen now (port 0: any free
    port, see ``listener.port()``); the host defaults to 127.0.0.1."""
    if host.__class__ is int and port == 0:
        raise TypeErr(f"net.listen(host, port) expects a Str host, got Int: to listen on "
                      f"port {host} of 127.0.0.1, write net.listen(port: {host})")
    _host_port("net.listen", host, port)
    if backlog.__class__ is not int or backlog < 1:
        raise ValueErr("net.listen(backlog:) expects an Int >= 1")
    where = _label({"host": host, "port": port})
    try:
        infos = stdsocket.getaddrinfo(host or None, port, type=stdsocket.SOCK_STREAM,
                                      flags=stdsocket.AI_PASSIVE)
    except OSError as exc:
        raise IOErr(f"Cannot listen on {where}: {_reason(exc)}") from None
    family, kind, proto, _, addr = infos[0]
    sock = stdsocket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            sock.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_REUSEADDR, 1)
        if family == stdsocket.AF_INET6:
            sock.setsockopt(stdsocket.IPPROTO_IPV6, stdsocket.IPV6_V6ONLY, 1)
        sock.bind(addr)
        sock.listen(backlog)
        local = _address(sock.getsockname())
        listener = trio.SocketListener(trio.socket.from_stdlib_socket(sock))
    except OSError as exc:
        sock.close()
        reason = _reason(exc)
        if exc.errno == errno.EADDRINUSE:
            reason += " (another program, or another listener, has this port)"
        raise IOErr(f"Cannot listen on {where}: {reason}") from None
    return Listener(listener, local)


def make_module(interpreter) -> QModule:
    module = QModule("net", "TCP connections and listeners on Trio streams.")
    members = {"connect": connect, "listen": listen, "ConnectionError": NetConnectionError}
    for name, fn in members.items():
        if callable(fn) and not isinstance(fn, type):
            fn.__qualname__ = f"net.{name}"
    module.__dict__.update(members)
    return module
