"""``std/http``: the HTTP client and server, one module.

``use "std/http/client"`` and ``use "std/http/server"`` are views of this
module (``STD_ALIASES``): both bind it as ``http``, so a program may use
both, as QEP-027's examples do.  The client is ``http_client`` (on httpx),
the server ``http_server`` (on h11); each gives its members.
"""

from __future__ import annotations

from ..eval.values.modules import QModule
from . import http_client, http_server


def make_module(interpreter) -> QModule:
    module = QModule("http", "HTTP client (httpx) and server (h11) on Trio.")
    module.__dict__.update(http_client.members(interpreter))
    module.__dict__.update(http_server.members(interpreter))
    return module
