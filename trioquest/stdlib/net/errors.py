"""The error type of std/net, the OS's words for a socket failure, and the
addresses that messages and ``peer()``/``local()`` show."""

from __future__ import annotations

import os
import socket as stdsocket

import trio

from ...errors import QuestError, TypeErr, ValueErr
from ...eval.values.forms import type_name


class NetConnectionError(QuestError):
    """The network or the peer failed: refused, reset, broken, unknown host."""

    type_name = "ConnectionError"


def reason(exc: BaseException) -> str:
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


def host_reason(exc: UnicodeError) -> str:
    """Why a host name cannot be looked up at all (too long, a label over 63
    characters, an empty label): Python's IDNA codec refuses it before the
    resolver sees it.  Worded like an unknown host: ``Invalid host name
    (label too long)``."""
    inner = exc.__cause__ if isinstance(exc.__cause__, UnicodeError) else exc
    return f"Invalid host name ({inner})"


def address(addr) -> dict:
    """``{host, port}`` of a socket address (IPv4 or IPv6)."""
    host, port = addr[0], addr[1]
    return {"host": host, "port": port}


def label(addr: dict) -> str:
    """``host:port``, with an IPv6 host in brackets (``[::1]:80``)."""
    host = addr["host"]
    return f"[{host}]:{addr['port']}" if ":" in host else f"{host}:{addr['port']}"


def check_host_port(fn: str, host, port) -> None:
    if host.__class__ is not str:
        raise TypeErr(f"{fn}(host, port) expects a Str host, got {type_name(host)}")
    if port.__class__ is not int:
        raise TypeErr(f"{fn}(host, port) expects an Int port, got {type_name(port)}")
    if not 0 <= port <= 65535:
        raise ValueErr(f"Invalid port {port}: use 0 to 65535")
