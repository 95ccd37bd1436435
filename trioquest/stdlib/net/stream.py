"""std/net's Stream (a TCP connection) and ``net.connect``.

A Stream sends Bytes or Str (UTF-8) and receives Bytes (``recv``) or lines
(``recv_line``, Str); sized and line reads return nil at the end of the
stream.  Bytes received beyond a line stay in the Stream's buffer for the
next read, also when a read is cancelled: nothing received is lost.
"""

from __future__ import annotations

import trio

from ...errors import IOErr, QuestError, TypeErr, ValueErr
from ...eval.values.forms import type_name
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ..handles import Closing, Opening
from .errors import NetConnectionError, address, check_host_port, host_reason, label, reason

RECV_DEFAULT = 65536        # recv() with no size, and the chunk recv_line reads
RECV_CAP = 1 << 20          # recv(max) reads at most this much at once
LINE_LIMIT = 65536          # recv_line's default longest line, in bytes


class Stream(Closing):
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
        self._peer = address(sock.getpeername())
        self._local = address(sock.getsockname())
        self._label = f"tcp {label(self._peer)}"

    # -- errors --

    def _fail(self, op: str, exc: BaseException) -> QuestError:
        if isinstance(exc, trio.ClosedResourceError) or self._closed:
            if isinstance(exc, trio.ClosedResourceError) and "EOF" in str(exc):
                return IOErr(f"Cannot {op} on {self._label}: the stream was shut down "
                             "for sending (send_eof)")
            return IOErr(f"Cannot {op} on {self._label}: the stream is closed")
        return NetConnectionError(f"Cannot {op} on {self._label}: {reason(exc)}")

    def _busy(self, op: str, doing: str) -> IOErr:
        return IOErr(f"Cannot {op} on {self._label}: another task is already {doing} on "
                     "this stream (use one task for it, or an async.Lock)")

    def _claim_recv(self, op: str) -> None:
        """This task receives now (the caller's ``finally`` gives it back:
        ``self._receiving = False``); an IOErr if closed or another task is."""
        if self._closed:
            raise IOErr(f"Cannot {op} on {self._label}: the stream is closed")
        if self._receiving:
            raise self._busy(op, "receiving")
        self._receiving = True

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
        self._claim_recv("recv")
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
        self._claim_recv("recv_exactly")
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
        self._claim_recv("recv_line")
        try:
            waited = False      # each receive is a checkpoint; else one is made below
            start = 0
            while True:
                i = self._buf.find(b"\n", start)
                if i >= 0:
                    line, used = bytes(self._buf[:i]), i + 1
                    break
                start = len(self._buf)
                if start > max and not (start == max + 1 and self._buf.endswith(b"\r")):
                    raise self._too_long(max)       # (a line of max bytes, and its "\r")
                if not self._eof:
                    waited = True
                if self._eof or not await self._fill("recv_line"):
                    if not self._buf:
                        if not waited:
                            await trio.lowlevel.checkpoint()
                        return None
                    line, used = bytes(self._buf), len(self._buf)
                    break
            if line.endswith(b"\r"):
                line = line[:-1]
            if len(line) > max:
                raise self._too_long(max)
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
        self._sending = True
        try:
            await self._stream.send_eof()
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError) as exc:
            raise self._fail("send_eof", exc) from None
        finally:
            self._sending = False

    def close(self) -> None:
        """Close at once (sync; ``await s.close()`` works too).  A task blocked
        in a read or send on it gets an IOErr.  Closing twice is fine."""
        if not self._closed:
            self._closed = True
            self._stream.socket.close()

    def is_closed(self) -> bool:
        return self._closed

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
    target = label({"host": host, "port": port})
    try:
        stream = await trio.open_tcp_stream(host, port)
    except OSError as exc:
        raise NetConnectionError(f"Cannot connect to {target}: {reason(exc)}") from None
    except UnicodeError as exc:     # a name no resolver can take: like an unknown host
        raise NetConnectionError(f"Cannot connect to {target}: {host_reason(exc)}") from None
    try:
        return Stream(stream)
    except OSError as exc:   # reset between connect and getpeername
        stream.socket.close()
        raise NetConnectionError(f"Cannot connect to {target}: {reason(exc)}") from None


_connect.__qualname__ = "net.connect"


class Connecting(Opening):
    """What ``net.connect`` returns: ``await`` it for the Stream, or use it in
    ``async with`` (the Stream is closed at the end of the block)."""

    _q_name = "Connecting"
    __slots__ = ()


def connect(host, port) -> Connecting:
    """``await net.connect(host, port)``: a Stream; net.ConnectionError if
    the connection is refused or the host unknown (or not a valid name).
    An empty host is a ValueErr: ``net.listen("")`` means every interface,
    but there is no such thing to connect to."""
    check_host_port("net.connect", host, port)
    if not host:
        raise ValueErr('net.connect(host, port) expects a non-empty host: write '
                       '"127.0.0.1" (or "localhost") for this machine')
    target = label({"host": host, "port": port})
    return Connecting(_connect(host, port), f"net.connect({host}, {port})",
                      f"connect to {target}")
