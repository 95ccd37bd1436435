"""``std/net``: TCP on Trio streams (issue #6, docs/net-and-files.md).

``await net.connect(host, port)`` gives a Stream (stream.py);
``net.listen(host, port)`` (sync: it only binds) gives a Listener
(listener.py) whose ``await accept()`` gives one.  errors.py holds the
error type and the addresses messages name.

Errors: `net.ConnectionError` when the network or the peer fails (refused,
reset, broken pipe, unknown host, the stream ending inside ``recv_exactly``);
IOErr for local misuse (a closed stream or listener, two tasks receiving on
one stream at once, an address already in use).  Timeouts are the caller's:
``async.timeout(s.recv(100), 5)``.
"""

from __future__ import annotations

from ...eval.values.modules import QModule
from .errors import NetConnectionError
from .listener import Listener, listen
from .stream import Connecting, Stream, connect

__all__ = ["Connecting", "Listener", "NetConnectionError", "Stream", "connect", "listen",
           "make_module"]


def make_module(interpreter) -> QModule:
    module = QModule("net", "TCP connections and listeners on Trio streams.")
    members = {"connect": connect, "listen": listen, "ConnectionError": NetConnectionError}
    for name, fn in members.items():
        if callable(fn) and not isinstance(fn, type):
            fn.__qualname__ = f"net.{name}"
    module.__dict__.update(members)
    return module
