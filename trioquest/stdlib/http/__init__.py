"""``std/http``: the HTTP client and server, one module.

``use "std/http/client"`` and ``use "std/http/server"`` are views of this
module (``STD_ALIASES``): both bind it as ``http``, so a program may use
both, as QEP-027's examples do.

The client, on httpx (docs/http-client.md):
  client.py       ``http.get`` and the other verbs, ``http.client()``, the per-run clients
  response.py     ``Response``: status and headers, the body read on demand
  client_args.py  what the arguments become (headers, params, body, timeout, URL checks)
  errors.py       ``http.HttpError``, ``http.ConnectionError``, httpx failures translated

The server, on h11 (docs/http-server.md):
  listen.py       ``http.server()``: settings, address, listening socket
  server.py       ``HttpServer``: accept(), serve(), close(), its own tasks and deadlines
  connection.py   one connection's loop: read a request, wait for its answer, write it
  request.py      ``Request``, encoding a response Dict, serve()'s handler tasks
"""

from __future__ import annotations

from ...eval.values.modules import QModule
from . import client, listen


def make_module(interpreter) -> QModule:
    module = QModule("http", "HTTP client (httpx) and server (h11) on Trio.")
    module.__dict__.update(client.members(interpreter))
    module.__dict__["server"] = listen.server
    return module
