"""``std/http`` client side (QEP-027 examples 1 and 3), on httpx's AsyncClient.

``await http.get(url, headers:, params:, timeout:)`` and ``head``, ``delete``,
``post``/``put``/``patch`` (one of ``body:``, ``json:``, ``form:``),
``request(method, url, ...)``; ``http.client(base_url:, ...)`` for a client
with its own settings and pool.  A request returns once the status line and
headers arrived; the body is streamed: ``await r.text()`` / ``json()`` /
``bytes()`` read it (and give the connection back to the pool).

Lifecycle: an httpx client belongs to the Trio run that uses it.  Each run
gets its own default client (what the module functions share) and every
client used in a run is closed when the run ends (a system task of the run
closes them), so nothing outlives ``trio.run``.  A response whose body is
never read holds its connection until it is garbage-collected (then the next
request of its client closes it), until ``await r.close()``, or until its
client closes.  See docs/http-client.md.
"""

from __future__ import annotations

import os
import socket
import ssl
import weakref
from urllib.parse import urlencode

import httpx
import trio

from .. import __version__
from ..errors import ArgErr, QuestError, RuntimeErr, TypeErr, ValueErr
from ..eval.values.forms import to_str, type_name
from ..eval.values.methods import register
from ..nursery_bridge.diagnostics import describes
from ..nursery_bridge.errors import AsyncTimeoutError
from ..nursery_bridge.runner import current_bridge
from . import json_

USER_AGENT = f"trioquest/{__version__}"
MAX_CONNECTIONS = 100       # per client: a request beyond waits for a free connection
MAX_KEEPALIVE = 20          # idle connections a client keeps
CLEANUP_SECONDS = 1.0       # deadline of a shielded close after cancellation / at run end
_UNSET = object()           # "argument not given" (nil is a value for json:)


# -- errors ---------------------------------------------------------------------------


class HttpError(QuestError):
    """An HTTP exchange that failed: a 4xx/5xx status (``raise_for_status``,
    ``status()`` gives it), an invalid response, too many redirects, a body
    that cannot be read.  ``status()`` is nil when no status is involved."""

    type_name = "HttpError"

    def __init__(self, message: str = "", *, status=None, url=None) -> None:
        super().__init__(message)
        self._status = status
        self._url = url


class HttpConnectionError(QuestError):
    """No connection to the server (refused, unknown host, TLS failure), or
    the connection broke during the exchange."""

    type_name = "ConnectionError"

    def __init__(self, message: str = "", *, url=None) -> None:
        super().__init__(message)
        self._url = url


register(HttpError, {"status": lambda e: e._status, "url": lambda e: e._url})
register(HttpConnectionError, {"url": lambda e: e._url})


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _causes(exc):
    """`exc` and everything it was caused by, groups flattened, depth first."""
    seen, stack = set(), [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        if isinstance(e, BaseExceptionGroup):
            stack.extend(reversed(e.exceptions))
        stack.extend((e.__context__, e.__cause__))


def _network_reason(exc, url: httpx.URL) -> str:
    for e in _causes(exc):
        if isinstance(e, socket.gaierror):
            return f"cannot resolve host '{url.host}'"
        if isinstance(e, ssl.SSLError):
            return f"TLS error: {getattr(e, 'verify_message', None) or e.reason or e}"
        if isinstance(e, OSError) and e.errno:
            return _lower_first(os.strerror(e.errno))
    return _lower_first(str(exc)) or type(exc).__name__


def _failure(exc: httpx.HTTPError, where: str, url: httpx.URL) -> QuestError:
    """The Quest error for an httpx failure of the exchange `where` names."""
    text = str(url)
    if isinstance(exc, (httpx.ConnectError, httpx.ProxyError)):
        return HttpConnectionError(f"{where}: {_network_reason(exc, url)}", url=text)
    if isinstance(exc, httpx.NetworkError):      # read, write or close failed mid-way
        return HttpConnectionError(f"{where}: connection lost ({_network_reason(exc, url)})",
                                   url=text)
    if isinstance(exc, httpx.RemoteProtocolError):
        msg = str(exc)
        if "without sending a response" in msg:
            reason = "the server closed the connection without sending a response"
        elif "without sending complete message body" in msg:
            reason = "the server closed the connection before the end of the body"
        else:
            reason = f"invalid response ({_lower_first(msg)})"
        return HttpError(f"{where}: {reason}", url=text)
    if isinstance(exc, httpx.LocalProtocolError):
        return ValueErr(f"{where}: invalid request ({_lower_first(str(exc))})")
    if isinstance(exc, httpx.UnsupportedProtocol):    # e.g. a redirect to ftp://
        return ValueErr(f"{where}: unsupported URL ({_lower_first(str(exc))})")
    if isinstance(exc, httpx.TooManyRedirects):
        return HttpError(f"{where}: too many redirects", url=text)
    if isinstance(exc, httpx.TimeoutException):       # httpx's own timeouts are off
        return AsyncTimeoutError(f"{where}: timed out")
    if isinstance(exc, httpx.DecodingError):
        return HttpError(f"{where}: cannot decode the body ({_lower_first(str(exc))})", url=text)
    return HttpError(f"{where}: {_lower_first(str(exc)) or type(exc).__name__}", url=text)


# -- arguments ------------------------------------------------------------------------


def _scalar(value, what: str) -> str:
    cls = value.__class__
    if cls is str:
        return value
    if cls is bool:
        return "true" if value else "false"
    if cls is int or cls is float:
        return to_str(value)
    raise TypeErr(f"{what} must be a Str, Int, Float or Bool, got {type_name(value)}")


def _pairs(value, call: str, arg: str) -> list:
    """(name, value) pairs of a headers/params/form Dict; an Array value
    repeats the name once per element."""
    if value is None:
        return []
    if value.__class__ is not dict:
        raise TypeErr(f"{call}({arg}:) expects a Dict, got {type_name(value)}")
    pairs = []
    for key, item in value.items():
        if key.__class__ is not str:
            raise TypeErr(f"{call}({arg}:) keys must be Str, got {type_name(key)}")
        for v in item if item.__class__ is list else (item,):
            pairs.append((key, _scalar(v, f"{call}({arg}:) value of '{key}'")))
    return pairs


def _header_pairs(value, call: str) -> list:
    return [(k, v.encode()) for k, v in _pairs(value, call, "headers")]


def _seconds(value, call: str):
    if value is None:
        return None
    if (value.__class__ is int or value.__class__ is float) and value > 0:
        return value
    raise TypeErr(f"{call}(timeout:) expects a number of seconds > 0 or nil, "
                  f"got {to_str(value) if value.__class__ in (int, float) else type_name(value)}")


def _content(call: str, body, json, form):
    """(bytes or None, default Content-Type or None) of the body arguments."""
    given = [name for name, v in (("body", body), ("json", json), ("form", form))
             if v is not _UNSET]
    if len(given) > 1:
        raise ArgErr(f"{call}() takes only one of body:, json: and form: "
                     f"(got {', '.join(n + ':' for n in given)})")
    if json is not _UNSET:
        return json_.stringify(json).encode(), "application/json"
    if body is not _UNSET and body is not None:
        if body.__class__ is str:
            return body.encode(), "text/plain; charset=utf-8"
        if body.__class__ is bytes:
            return body, "application/octet-stream"
        raise TypeErr(f"{call}(body:) expects a Str or Bytes, got {type_name(body)}")
    if form is not _UNSET and form is not None:
        return urlencode(_pairs(form, call, "form")).encode(), "application/x-www-form-urlencoded"
    return None, None


def _check_url(full: httpx.URL, given: str) -> None:
    if full.scheme not in ("http", "https"):
        reason = (f"the scheme must be http or https, not {full.scheme}" if full.scheme
                  else "it must start with http:// or https://")
    elif not full.host:
        reason = "no host"
    elif full.port is not None and not 0 < full.port < 65536:
        reason = f"port {full.port} is out of range"
    else:
        return
    raise ValueErr(f"Invalid URL '{given}': {reason}")


def _url_arg(url, call: str, arg: str = "url") -> str:
    if url.__class__ is not str:
        raise TypeErr(f"{call}() expects a Str {arg}, got {type_name(url)}")
    return url


def _deadline(seconds):
    return trio.CancelScope() if seconds is None else trio.move_on_after(seconds)


def _secs(s) -> str:
    return f"{s:g} second" + ("" if s == 1 else "s")


async def _close(response: httpx.Response) -> None:
    """Close a response (its connection is closed unless fully read), also
    inside a cancelled scope."""
    with trio.CancelScope(shield=True) as scope:
        scope.deadline = trio.current_time() + CLEANUP_SECONDS
        try:
            await response.aclose()
        except Exception:  # noqa: BLE001 - a failing close only loses the connection
            pass


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
            with trio.CancelScope(shield=True) as scope:
                scope.deadline = trio.current_time() + CLEANUP_SECONDS
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


class Client:
    """``http.client(...)``: settings and a connection pool of its own.  Its
    httpx client is made on first use in a run and closed at the end of that
    run (or by ``close()``); a later run (another block_on) gets a new one."""

    _q_name = "Client"

    def __init__(self, base_url=None, *, headers=None, params=None, timeout=None,
                 follow_redirects=True, max_connections=MAX_CONNECTIONS) -> None:
        call = "http.client"
        if base_url is not None:
            _url_arg(base_url, call, "base_url")
            try:
                _check_url(httpx.URL(base_url), base_url)
            except httpx.InvalidURL as exc:
                raise ValueErr(f"Invalid URL '{base_url}': {_lower_first(str(exc))}") from None
        if follow_redirects.__class__ is not bool:
            raise TypeErr(f"{call}(follow_redirects:) expects a Bool, "
                          f"got {type_name(follow_redirects)}")
        if max_connections.__class__ is not int or max_connections < 1:
            raise TypeErr(f"{call}(max_connections:) expects an Int >= 1")
        self._base_url = base_url
        self._headers = httpx.Headers({"user-agent": USER_AGENT})
        self._headers.update(_header_pairs(headers, call))     # the user's User-Agent wins
        self._params = _pairs(params, call, "params")
        self._timeout = _seconds(timeout, call)
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
            await _close(self._orphans.pop())

    async def _release(self) -> None:
        """Close the httpx client (every connection, also those of unread
        responses); shielded, quiet."""
        inner, self._inner = self._inner, None
        if self._run is not None:
            self._run.clients.pop(self, None)
        self._run = None
        self._orphans = []
        if inner is not None:
            with trio.CancelScope(shield=True) as scope:
                scope.deadline = trio.current_time() + CLEANUP_SECONDS
                try:
                    await inner.aclose()
                except Exception:  # noqa: BLE001 - closing loses nothing more
                    pass

    async def close(self) -> None:
        """Close the pool (open responses included); later requests are a RuntimeErr."""
        self._closed = True
        await self._release()

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        await self.close()
        return False

    async def _send(self, call, method, url, headers, params, timeout, content, ctype):
        inner = self._bound(call)
        _url_arg(url, call)
        if self._orphans:
            await self._reap()
        pairs = _header_pairs(headers, call)
        if ctype is not None and not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.append(("content-type", ctype.encode()))
        query = self._params + _pairs(params, call, "params")
        try:
            target = httpx.URL(url)
            if target.scheme:
                _check_url(target, url)
            if query:       # added to the URL's own query (httpx would replace it)
                target = target.copy_merge_params(query)
            request = inner.build_request(method, target, headers=pairs, content=content)
        except httpx.InvalidURL as exc:
            raise ValueErr(f"Invalid URL '{url}': {_lower_first(str(exc))}") from None
        _check_url(request.url, url)
        seconds = self._timeout if timeout is _UNSET else _seconds(timeout, call)
        where = f"{method} {request.url}"
        response = None
        with _deadline(seconds) as scope:
            try:
                response = await inner.send(request, stream=True)
                if _bodyless(method, response):
                    await response.aread()
            except httpx.HTTPError as exc:
                if response is not None:
                    await _close(response)
                raise _failure(exc, where, request.url) from None
            except BaseException:
                if response is not None:
                    await _close(response)
                raise
        if scope.cancelled_caught:
            raise AsyncTimeoutError(f"{where}: no response within {_secs(seconds)}")
        return Response(self, inner, response, method, seconds)

    def _q_str(self) -> str:
        state = "closed" if self._closed else (self._base_url or "")
        return f"<Client {state}>" if state else "<Client>"


@describes(Client._send)
def _sending(frame, now):
    f = frame.f_locals
    request = f.get("request")
    return f"HTTP {f['method']} {request.url if request is not None else f['url']}", []


def _without_body(method: str, call_prefix: str):
    async def send(self, url, *, headers=None, params=None, timeout=_UNSET):
        return await self._send(f"{call_prefix}.{method.lower()}", method, url, headers,
                                params, timeout, None, None)
    send.__qualname__ = send.__name__ = f"{call_prefix}.{method.lower()}"
    return send


def _with_body(method: str, call_prefix: str):
    async def send(self, url, *, body=_UNSET, json=_UNSET, form=_UNSET, headers=None,
                   params=None, timeout=_UNSET):
        call = f"{call_prefix}.{method.lower()}"
        content, ctype = _content(call, body, json, form)
        return await self._send(call, method, url, headers, params, timeout, content, ctype)
    send.__qualname__ = send.__name__ = f"{call_prefix}.{method.lower()}"
    return send


def _any_method(call_prefix: str):
    async def request(self, method, url, *, body=_UNSET, json=_UNSET, form=_UNSET,
                      headers=None, params=None, timeout=_UNSET):
        call = f"{call_prefix}.request"
        if method.__class__ is not str:
            raise TypeErr(f"{call}() expects a method name such as \"GET\", "
                          f"got {type_name(method)}")
        if not method.isalpha():
            raise ValueErr(f"{call}() expects a method name such as \"GET\", got '{method}'")
        content, ctype = _content(call, body, json, form)
        return await self._send(call, method.upper(), url, headers, params, timeout,
                                content, ctype)
    request.__qualname__ = request.__name__ = f"{call_prefix}.request"
    return request


def _verbs(call_prefix: str) -> dict:
    verbs = {m.lower(): _without_body(m, call_prefix) for m in ("GET", "HEAD", "DELETE")}
    verbs.update({m.lower(): _with_body(m, call_prefix) for m in ("POST", "PUT", "PATCH")})
    verbs["request"] = _any_method(call_prefix)
    return verbs


_CLIENT_VERBS = _verbs("Client")
register(Client, {**_CLIENT_VERBS, "close": Client.close,
                  "is_closed": lambda c: c._closed})


def _module_function(name: str, verb):
    async def call(*args, **kwargs):
        return await verb(_default_client(), *args, **kwargs)
    call.__qualname__ = call.__name__ = f"http.{name}"
    return call


# -- the response ---------------------------------------------------------------------------


class Response:
    """What a request returns once the status line and headers arrived.
    The body is read by ``text()``, ``json()`` or ``bytes()`` (the first
    read fetches it, later ones give the same content)."""

    _q_name = "Response"

    def __init__(self, client: Client, pool: httpx.AsyncClient, response: httpx.Response,
                 method: str, seconds) -> None:
        self._r = response
        self._pool = pool               # the httpx client it came from
        self._where = f"{method} {response.url}"
        self._seconds = seconds
        self._content: bytes | None = None
        try:
            self._content = response.content        # read already (a bodyless response)
        except httpx.ResponseNotRead:
            pass
        self._lost: str | None = None      # why the body can no longer be read
        self._reading: trio.Event | None = None     # set when a read in progress ends
        self._finalizer = None
        if self._content is None:
            self._finalizer = weakref.finalize(self, client._orphans.append, response)
            self._finalizer.atexit = False

    def _forget(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None

    async def _body(self) -> bytes:
        if self._content is not None:
            await trio.lowlevel.checkpoint()
        elif self._reading is not None:     # another task is reading it: share its read
            await self._reading.wait()
            if self._content is None:
                raise self._unreadable()
        else:
            self._reading = trio.Event()
            try:
                self._content = await self._read()
            finally:
                self._reading.set()
                self._reading = None
        return self._content

    def _unreadable(self) -> HttpError:
        return HttpError(f"{self._where}: the body cannot be read: "
                         f"{self._lost or 'the response was closed'}", url=str(self._r.url))

    async def _read(self) -> bytes:
        if self._pool.is_closed and self._lost is None:
            self._lost = "its client was closed"
        if self._lost is not None or self._r.is_closed:
            raise self._unreadable()
        r = self._r
        with _deadline(self._seconds) as scope:
            try:
                content = await r.aread()
                self._forget()
                return content
            except httpx.HTTPError as exc:
                self._lost = "reading it failed"
                await self._abandon()
                raise _failure(exc, self._where, r.url) from None
            except httpx.StreamError:       # closed with its client
                self._lost = "the response was closed"
                await self._abandon()
                raise self._unreadable() from None
            except BaseException:
                self._lost = "reading it was cancelled"
                await self._abandon()
                raise
        self._lost = "reading it timed out"
        raise AsyncTimeoutError(f"{self._where}: body not received within "
                                f"{_secs(self._seconds)}")

    async def _abandon(self) -> None:
        self._forget()
        await _close(self._r)

    async def text(self) -> str:
        await self._body()
        return self._r.text

    async def bytes(self) -> bytes:
        return await self._body()

    async def json(self):
        text = await self.text()
        try:
            return json_.parse(text)
        except ValueErr as exc:
            detail = exc.reason.removeprefix("Invalid JSON ")
            raise ValueErr(f"{self._where}: invalid JSON in the body {detail}") from None

    async def close(self) -> None:
        """Give up the body (the connection closes unless it was read)."""
        if self._content is None and self._lost is None:
            self._lost = "the response was closed"
        await self._abandon()

    def raise_for_status(self):
        status = self._r.status_code
        if 400 <= status < 600:
            raise HttpError(f"{self._where}: {status} {self._reason()}", status=status,
                            url=str(self._r.url))
        return self

    def _reason(self) -> str:
        return self._r.reason_phrase or httpx.codes.get_reason_phrase(self._r.status_code)

    def headers(self) -> dict:
        return dict(self._r.headers.items())

    def header(self, name):
        if name.__class__ is not str:
            raise TypeErr(f"Response.header() expects a Str name, got {type_name(name)}")
        return self._r.headers.get(name)

    def _q_str(self) -> str:
        return f"<Response {self._r.status_code} {self._r.url}>"


@describes(Response._read)
def _reading(frame, now):
    return f"HTTP {frame.f_locals['self']._where}: reading the body", []


register(Response, {
    "status": lambda r: r._r.status_code,
    "ok": lambda r: 200 <= r._r.status_code < 300,
    "headers": Response.headers,
    "header": Response.header,
    "url": lambda r: str(r._r.url),
    "content_type": lambda r: r._r.headers.get("content-type"),
    "text": Response.text,
    "json": Response.json,
    "bytes": Response.bytes,
    "close": Response.close,
    "raise_for_status": Response.raise_for_status,
})


# -- the module's members ----------------------------------------------------------------------


def client(base_url=None, *, headers=None, params=None, timeout=None, follow_redirects=True,
           max_connections=MAX_CONNECTIONS) -> Client:
    return Client(base_url, headers=headers, params=params, timeout=timeout,
                  follow_redirects=follow_redirects, max_connections=max_connections)


client.__qualname__ = "http.client"

ERRORS = {"HttpError": HttpError, "ConnectionError": HttpConnectionError,
          "TimeoutError": AsyncTimeoutError}


def members(interpreter) -> dict:
    """The client-side members of the ``http`` module."""
    verbs = {name: _module_function(name, verb) for name, verb in _verbs("http").items()}
    return {**verbs, "client": client, **ERRORS}
