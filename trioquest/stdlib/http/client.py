"""The client side of ``std/http`` (QEP-027 examples 1 and 3), on httpx's
AsyncClient (docs/http-client.md).

``await http.get(url, headers:, params:, timeout:)`` and ``head``, ``delete``,
``post``/``put``/``patch`` (one of ``body:``, ``json:``, ``form:``),
``request(method, url, ...)``; ``http.client(base_url:, ...)`` for a client
with its own settings and pool.  A request returns a `Response` once the
status line and headers arrived; the body is streamed (response.py).

Lifecycle: an httpx client belongs to the Trio run that uses it.  Each run
gets its own default client (what the module functions share) and every
client used in a run is closed when the run ends (a system task of the run
closes them), so nothing outlives ``trio.run``.
"""

from __future__ import annotations

import ssl

import httpx
import trio

from ... import __version__
from ...errors import RuntimeErr, TypeErr, ValueErr
from ...eval.values.forms import type_name
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ...nursery_bridge.errors import AsyncTimeoutError
from ...nursery_bridge.runner import current_bridge
from ..handles import AClosing
from .client_args import (TOKEN, UNSET, check_url, content, deadline, header_pairs, pairs, secs,
                          seconds, url_arg)
from .errors import ERRORS, failure, invalid_url, lower_first
from .response import Response, cleanup_scope, close_quietly

USER_AGENT = f"trioquest/{__version__}"
MAX_CONNECTIONS = 100       # per client: a request beyond waits for a free connection
MAX_KEEPALIVE = 20          # idle connections a client keeps


def _bodyless(method: str, response: httpx.Response) -> bool:
    """Whether the response cannot have a body (read at once, nothing held)."""
    return (method == "HEAD" or response.status_code in (204, 304)
            or response.headers.get("content-length") == "0")


_TLS: list = []


def _tls_context() -> ssl.SSLContext:
    """One TLS context (httpx's defaults: certifi, SSL_CERT_FILE) for every
    client: making one costs ~20 ms."""
    if not _TLS:
        _TLS.append(httpx.create_ssl_context())
    return _TLS[0]


# -- per-run state ---------------------------------------------------------------------


class _Run:
    """The http state of one Trio run: its default client and every client
    bound to it, closed by a system task when the run ends."""

    def __init__(self) -> None:
        self.default: Client | None = None
        self.clients: dict = {}      # Client -> None, in binding order
        trio.lowlevel.spawn_system_task(self._close_at_end, name="trioquest.http.clients")

    async def _close_at_end(self) -> None:
        try:
            await trio.sleep_forever()
        finally:
            with cleanup_scope():
                for client in list(self.clients):
                    await client._release()


_RUN = trio.lowlevel.RunVar("trioquest_http_client")


def _run_state() -> _Run:
    try:
        return _RUN.get()
    except LookupError:
        state = _Run()
        _RUN.set(state)
        return state


def _default_client() -> Client:
    current_bridge()
    state = _run_state()
    if state.default is None:
        state.default = Client()
    return state.default


# -- the client ---------------------------------------------------------------------------


class Client(AClosing):
    """``http.client(...)``: settings and a connection pool of its own.  Its
    httpx client is made on first use in a run and closed at the end of that
    run (or by ``close()``, or at the end of an ``async with`` block); a later
    run (another block_on) gets a new one."""

    _q_name = "Client"

    def __init__(self, base_url=None, *, headers=None, params=None, timeout=None,
                 follow_redirects=True, max_connections=MAX_CONNECTIONS) -> None:
        call = "http.client"
        if base_url is not None:
            url_arg(base_url, call, "base_url")
            try:
                check_url(httpx.URL(base_url), base_url)
            except httpx.InvalidURL as exc:
                raise invalid_url(base_url, lower_first(str(exc))) from None
        if follow_redirects.__class__ is not bool:
            raise TypeErr(f"{call}(follow_redirects:) expects a Bool, "
                          f"got {type_name(follow_redirects)}")
        if max_connections.__class__ is not int or max_connections < 1:
            raise TypeErr(f"{call}(max_connections:) expects an Int >= 1")
        self._base_url = base_url
        self._headers = httpx.Headers({"user-agent": USER_AGENT})
        self._headers.update(header_pairs(headers, call))     # the user's User-Agent wins
        self._params = pairs(params, call, "params")
        self._timeout = seconds(timeout, call)
        self._follow = follow_redirects
        self._max = max_connections
        self._closed = False
        self._run = None
        self._inner: httpx.AsyncClient | None = None
        self._orphans: list = []     # httpx responses whose Response was collected unread

    def _bound(self, call: str) -> httpx.AsyncClient:
        """The httpx client of this run (made on first use)."""
        current_bridge()
        if self._closed:
            raise RuntimeErr(f"{call}(): this http client is closed")
        state = _run_state()
        if self._run is not state:
            self._inner = httpx.AsyncClient(
                base_url=self._base_url or "", headers=self._headers, verify=_tls_context(),
                timeout=None, follow_redirects=self._follow,
                limits=httpx.Limits(max_connections=self._max,
                                    max_keepalive_connections=min(MAX_KEEPALIVE, self._max)))
            self._run = state
            self._orphans = []
            state.clients[self] = None
        return self._inner

    async def _reap(self) -> None:
        while self._orphans:
            await close_quietly(self._orphans.pop())

    async def _release(self) -> None:
        """Close the httpx client (every connection, also those of unread
        responses); shielded, quiet."""
        inner, self._inner = self._inner, None
        if self._run is not None:
            self._run.clients.pop(self, None)
        self._run = None
        self._orphans = []
        if inner is not None:
            await close_quietly(inner)

    async def close(self) -> None:
        """Close the pool (open responses included); later requests are a RuntimeErr."""
        self._closed = True
        await self._release()

    async def _send(self, call, method, url, headers, params, timeout, body, ctype):
        inner = self._bound(call)
        url_arg(url, call)
        if self._orphans:
            await self._reap()
        header_list = header_pairs(headers, call)
        if ctype is not None and not any(k.lower() == "content-type" for k, _ in header_list):
            header_list.append(("content-type", ctype.encode()))
        query = self._params + pairs(params, call, "params")
        try:
            target = httpx.URL(url)
            if target.scheme:
                check_url(target, url)
            if query:       # added to the URL's own query (httpx would replace it)
                target = target.copy_merge_params(query)
            request = inner.build_request(method, target, headers=header_list, content=body)
        except httpx.InvalidURL as exc:
            raise invalid_url(url, lower_first(str(exc))) from None
        check_url(request.url, url)
        limit = self._timeout if timeout is UNSET else seconds(timeout, call)
        where = f"{method} {request.url}"
        response = None
        with deadline(limit) as scope:
            try:
                response = await inner.send(request, stream=True)
                if _bodyless(method, response):
                    await response.aread()
            except BaseException as exc:
                if response is not None:
                    await close_quietly(response)
                if isinstance(exc, httpx.HTTPError):
                    raise failure(exc, where, request.url) from None
                raise
        if scope.cancelled_caught:
            raise AsyncTimeoutError(f"{where}: no response within {secs(limit)}")
        return Response(self, inner, response, method, limit)

    def _q_str(self) -> str:
        state = "closed" if self._closed else (self._base_url or "")
        return f"<Client {state}>" if state else "<Client>"


@describes(Client._send)
def _sending(frame, now):
    f = frame.f_locals
    request = f.get("request")
    return f"HTTP {f['method']} {request.url if request is not None else f['url']}", []


# -- the verbs: Client methods and module functions ------------------------------------


def _named(name: str):
    """Give a made function the name Quest shows (errors, never-awaited reports)."""
    def name_it(fn):
        fn.__qualname__ = fn.__name__ = name
        return fn
    return name_it


def _without_body(method: str, call_prefix: str):
    call = f"{call_prefix}.{method.lower()}"

    @_named(call)
    async def send(self, url, *, headers=None, params=None, timeout=UNSET):
        return await self._send(call, method, url, headers, params, timeout, None, None)
    return send


def _with_body(method: str, call_prefix: str):
    call = f"{call_prefix}.{method.lower()}"

    @_named(call)
    async def send(self, url, *, body=UNSET, json=UNSET, form=UNSET, headers=None,
                   params=None, timeout=UNSET):
        data, ctype = content(call, body, json, form)
        return await self._send(call, method, url, headers, params, timeout, data, ctype)
    return send


def _any_method(call_prefix: str):
    call = f"{call_prefix}.request"

    @_named(call)
    async def request(self, method, url, *, body=UNSET, json=UNSET, form=UNSET,
                      headers=None, params=None, timeout=UNSET):
        if method.__class__ is not str:
            raise TypeErr(f"{call}() expects a method name such as \"GET\", "
                          f"got {type_name(method)}")
        if not TOKEN.match(method):     # RFC 9110: a method is a token ("M-SEARCH")
            raise ValueErr(f"{call}() expects a method name such as \"GET\", got '{method}'")
        data, ctype = content(call, body, json, form)
        return await self._send(call, method.upper(), url, headers, params, timeout,
                                data, ctype)
    return request


def _verbs(call_prefix: str) -> dict:
    verbs = {m.lower(): _without_body(m, call_prefix) for m in ("GET", "HEAD", "DELETE")}
    verbs.update({m.lower(): _with_body(m, call_prefix) for m in ("POST", "PUT", "PATCH")})
    verbs["request"] = _any_method(call_prefix)
    return verbs


register(Client, {**_verbs("Client"), "close": Client.close,
                  "is_closed": lambda c: c._closed})


def _module_function(name: str, verb):
    @_named(f"http.{name}")
    async def call(*args, **kwargs):
        return await verb(_default_client(), *args, **kwargs)
    return call


def client(base_url=None, *, headers=None, params=None, timeout=None, follow_redirects=True,
           max_connections=MAX_CONNECTIONS) -> Client:
    return Client(base_url, headers=headers, params=params, timeout=timeout,
                  follow_redirects=follow_redirects, max_connections=max_connections)


client.__qualname__ = "http.client"


def members(interpreter) -> dict:
    """The client-side members of the ``http`` module."""
    verbs = {name: _module_function(name, verb) for name, verb in _verbs("http").items()}
    return {**verbs, "client": client, **ERRORS}
