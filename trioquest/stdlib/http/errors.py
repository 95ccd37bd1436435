"""The client's errors: ``http.HttpError``, ``http.ConnectionError`` (and
``http.TimeoutError``, which is ``async.TimeoutError``), and `failure`, the
Quest error an httpx failure becomes.

Messages name the exchange (``GET http://host/path: ...``) and say the
reason the way a person would: the OS's words for a refused connection, the
host that cannot be resolved, what was wrong with the response.
"""

from __future__ import annotations

import os
import socket
import ssl

import httpx

from ...errors import QuestError, ValueErr
from ...eval.values.methods import register
from ...nursery_bridge.errors import AsyncTimeoutError


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

ERRORS = {"HttpError": HttpError, "ConnectionError": HttpConnectionError,
          "TimeoutError": AsyncTimeoutError}


def lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def invalid_url(given: str, reason: str) -> ValueErr:
    return ValueErr(f"Invalid URL '{given}': {reason}")


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
            return lower_first(os.strerror(e.errno))
    return lower_first(str(exc)) or type(exc).__name__


def failure(exc: httpx.HTTPError, where: str, url: httpx.URL) -> QuestError:
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
            reason = f"invalid response ({lower_first(msg)})"
        return HttpError(f"{where}: {reason}", url=text)
    if isinstance(exc, httpx.LocalProtocolError):
        return ValueErr(f"{where}: invalid request ({lower_first(str(exc))})")
    if isinstance(exc, httpx.UnsupportedProtocol):    # e.g. a redirect to ftp://
        return ValueErr(f"{where}: unsupported URL ({lower_first(str(exc))})")
    if isinstance(exc, httpx.TooManyRedirects):
        return HttpError(f"{where}: too many redirects", url=text)
    if isinstance(exc, httpx.TimeoutException):       # httpx's own timeouts are off
        return AsyncTimeoutError(f"{where}: timed out")
    if isinstance(exc, httpx.DecodingError):
        return HttpError(f"{where}: cannot decode the body ({lower_first(str(exc))})", url=text)
    return HttpError(f"{where}: {lower_first(str(exc)) or type(exc).__name__}", url=text)
