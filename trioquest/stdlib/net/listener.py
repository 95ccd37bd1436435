"""std/net's Listener and ``net.listen``: a listening TCP socket whose
``await accept()`` gives a Stream."""

from __future__ import annotations

import errno
import os
import socket as stdsocket

import trio

from ...errors import IOErr, TypeErr, ValueErr
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ..handles import Closing
from .errors import address, check_host_port, host_reason, label, reason
from .stream import Stream


class Listener(Closing):
    """A listening TCP socket: ``await accept()`` → Stream, ``for s in
    listener`` (ends when the listener is closed), ``close()``."""

    _q_name = "Listener"
    __slots__ = ("_listener", "_local", "_label", "_accepting", "_closed")

    def __init__(self, listener: trio.SocketListener, local: dict) -> None:
        self._listener = listener
        self._local = local
        self._label = f"tcp listener {label(local)}"
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
                    raise IOErr(f"Cannot accept on {self._label}: {reason(exc)}") from None
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

    def _q_str(self) -> str:
        return f"<Listener {label(self._local)}{' closed' if self._closed else ''}>"


register(Listener, {
    "accept": Listener.accept, "close": Listener.close,
    "is_closed": lambda x: x._closed, "port": lambda x: x._local["port"],
    "host": lambda x: x._local["host"], "local": lambda x: dict(x._local),
})


@describes(Listener.accept)
def _accepting(frame, now):
    return f"accept on {frame.f_locals['self']._label}", []


def listening_socket(host, port: int, backlog: int, *, ipv4_first: bool = False):
    """A TCP socket bound to `host`:`port` (host None: every interface; port
    0: a free one), listening with `backlog`, non-blocking, and the address
    it is bound to (``getsockname()``).  It binds the first address `host`
    resolves to (its first IPv4 one with `ipv4_first`).  Failing, the socket
    is closed and the OSError raised as it is: the caller words it (this
    serves ``net.listen`` and ``http.server``)."""
    infos = stdsocket.getaddrinfo(host, port, type=stdsocket.SOCK_STREAM,
                                  flags=stdsocket.AI_PASSIVE)
    if ipv4_first:      # ("localhost" may give ::1 first)
        infos.sort(key=lambda info: info[0] != stdsocket.AF_INET)
    family, kind, proto, _, addr = infos[0]
    sock = stdsocket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            sock.setsockopt(stdsocket.SOL_SOCKET, stdsocket.SO_REUSEADDR, 1)
        if family == stdsocket.AF_INET6:
            sock.setsockopt(stdsocket.IPPROTO_IPV6, stdsocket.IPV6_V6ONLY, 1)
        sock.bind(addr)
        sock.listen(min(backlog, 65535))    # (the OS caps it lower anyway)
        sock.setblocking(False)
        return sock, sock.getsockname()
    except BaseException:
        sock.close()
        raise


def listen(host="127.0.0.1", port=0, *, backlog=128) -> Listener:
    """``net.listen(host, port)``: bind and listen now (port 0: any free
    port, see ``listener.port()``); the host defaults to 127.0.0.1, and an
    empty host is every interface (the system's first wildcard address,
    0.0.0.0 here).  An unknown or invalid host name is an IOErr."""
    if host.__class__ is int and port == 0:
        raise TypeErr(f"net.listen(host, port) expects a Str host, got Int: to listen on "
                      f"port {host} of 127.0.0.1, write net.listen(port: {host})")
    check_host_port("net.listen", host, port)
    if backlog.__class__ is not int or backlog < 1:
        raise ValueErr("net.listen(backlog:) expects an Int >= 1")
    try:
        sock, bound = listening_socket(host or None, port, backlog)
    except OSError as exc:
        why = reason(exc)
        if exc.errno == errno.EADDRINUSE:
            why += " (another program, or another listener, has this port)"
        raise IOErr(f"Cannot listen on {label({'host': host, 'port': port})}: {why}") from None
    except UnicodeError as exc:     # a name no resolver can take: like an unknown host
        raise IOErr(f"Cannot listen on {label({'host': host, 'port': port})}: "
                    f"{host_reason(exc)}") from None
    return Listener(trio.SocketListener(trio.socket.from_stdlib_socket(sock)), address(bound))
