"""``http.server(address, ...)``: its named arguments (the settings, with
their defaults), the address, and the listening socket, bound at once.

Timeouts are seconds > 0 or nil (no limit); limits are Ints.  A wrong type
is a TypeErr, a value out of range a ValueErr, an unknown named argument an
ArgErr; a socket that cannot listen is an IOErr.
"""

from __future__ import annotations

import math
import socket
import sys

from ...errors import ArgErr, IOErr, TypeErr, ValueErr
from ...eval.values.forms import to_str, type_name
from ...nursery_bridge.runner import current_bridge
from ..net.errors import address as net_address, label
from ..net.listener import listening_socket
from .server import Server

DEFAULTS = {
    "header_timeout": 10.0, "body_timeout": 30.0, "handler_timeout": 30.0,
    "idle_timeout": 60.0, "send_timeout": 30.0,
    "max_body": 1_048_576, "max_header": 16_384, "max_connections": 1000,
}


MAX_FLOAT = int(sys.float_info.max)


class Settings:
    """A server's checked settings: one attribute per DEFAULTS name (seconds
    as floats, math.inf for no limit)."""

    __slots__ = tuple(DEFAULTS)


def _timeout(name: str, value) -> float:
    if value is None:
        return math.inf
    if value.__class__ not in (int, float):
        raise TypeErr(f"http.server({name}:) expects a number of seconds or nil, "
                      f"got {type_name(value)}")
    if not value > 0:
        raise ValueErr(f"http.server({name}:) must be more than 0 seconds, got {to_str(value)}")
    if value.__class__ is int and value > MAX_FLOAT:
        return math.inf     # too big for a Float (10 ** 400): no deadline could reach it
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


def server(address=None, *, host=None, port=None, **options) -> Server:
    """``http.server("127.0.0.1:8080")``, ``http.server(port: 0)``: listen now
    (127.0.0.1 unless told otherwise; port 0 picks a free one)."""
    settings = Settings()
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
    try:
        sock, bound = listening_socket(host, port, socket.SOMAXCONN, ipv4_first=True)
    except OSError as e:
        raise IOErr(f"Cannot listen on {host}:{port}: {e.strerror or e}") from None
    return Server(sock, label(net_address(bound)), bound[1], settings)

