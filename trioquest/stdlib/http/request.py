"""The server's ``Request`` (what ``accept()`` returns), the encoding of a
response Dict (``{status, headers, body}``) into its status, headers and
body bytes, and the task serve() runs for each request (`answer_with`).

A request is read whole (head and body) by its connection (connection.py)
before it is handed over; its state says who may answer it: QUEUED, waiting
for ``accept()``; TAKEN, returned by it; SENDING, ``send_response`` is
writing; SENT, answered; FAILED, writing failed (the connection is closed);
EXPIRED, the server answered itself: 503 (handler_timeout, the server
closed, a serve() handler cancelled) or 500 (the task holding it failed
before answering: `answer_for_failed_task`); DEAD, the connection closed before an
answer.  States are compared with ``is``.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, unquote

import trio

from ...errors import IOErr, TypeErr, ValueErr
from ...eval.values.forms import to_str, type_name
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ...nursery_bridge.task import is_awaitable

QUEUED, TAKEN, SENDING, SENT, FAILED, EXPIRED, DEAD = (
    "queued", "taken", "sending", "sent", "failed", "expired", "dead")
ANSWERABLE = (QUEUED, TAKEN)

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 206: "Partial Content",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
    409: "Conflict", 410: "Gone", 411: "Length Required", 413: "Content Too Large",
    414: "URI Too Long", 415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}
REASON_BYTES = {code: text.encode() for code, text in REASONS.items()}
STATUS_LINES = {code: b"HTTP/1.1 %d %s\r\n" % (code, text) for code, text in REASON_BYTES.items()}
_HEADER_NAME = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+\Z")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

TEXT = b"text/plain; charset=utf-8"
JSON = b"application/json"
OCTETS = b"application/octet-stream"


class Request:
    """One HTTP request, read whole (head and body) before accept() returns it.

    Fields: ``method`` (``"GET"``), ``path`` (percent-decoded, no query),
    ``target`` (the request target as sent), ``query`` (Dict of Str),
    ``headers`` (Dict, lowercase names; repeated headers joined with ", ").
    """

    _q_name = "Request"
    __slots__ = ("method", "target", "path", "_raw_query", "_query", "_raw_headers", "_headers",
                 "_body", "_conn", "_state", "_task", "_why", "_status")

    def __init__(self, conn, method: str, target: str, raw_headers, body: bytes) -> None:
        self.method = method
        self.target = target
        path, _, query = target.partition("?")
        if path[:1] != "/" and path != "*":   # absolute form (http://host/path)
            rest = path.partition("://")[2]
            path = "/" + rest.partition("/")[2]
        self.path = unquote(path) if "%" in path else path
        self._raw_query = query
        self._query = None
        self._raw_headers = raw_headers
        self._headers = None
        self._body = body
        self._conn = conn
        self._state = QUEUED
        self._task = None       # the serve() task answering it
        self._why = None        # why the server answered it itself (EXPIRED)
        self._status = 503      # ... and with what

    @property
    def query(self) -> dict:
        q = self._query
        if q is None:
            q = self._query = dict(parse_qsl(self._raw_query, keep_blank_values=True))
        return q

    @property
    def headers(self) -> dict:
        d = self._headers
        if d is None:
            d = self._headers = {}
            for name, value in self._raw_headers:
                k, v = name.decode("latin-1"), value.decode("latin-1")
                old = d.get(k)
                d[k] = v if old is None else old + ("; " if k == "cookie" else ", ") + v
        return d

    async def body(self) -> str:
        """The body as a Str (UTF-8).  Read already: a checkpoint only."""
        await trio.lowlevel.checkpoint()
        try:
            return self._body.decode()
        except UnicodeDecodeError as e:
            raise ValueErr(f"The body of {self.method} {self.target} is not valid UTF-8 "
                           f"(byte {e.start}): use body_bytes()") from None

    async def body_bytes(self) -> bytes:
        await trio.lowlevel.checkpoint()
        return self._body

    async def json(self):
        """The body parsed as JSON (ValueErr if it is not JSON)."""
        from ..json_ import parse

        return parse(await self.body())

    async def send_response(self, response=None) -> None:
        """Answer the request: ``{status, headers, body}`` (see `encode_response`).

        Written by the calling task, within ``send_timeout``; returns when
        the response is written.  IOErr if the request was answered already
        (also by the server's own 503) or its connection is gone."""
        if self._state is not TAKEN:
            raise self._unanswerable()
        await self._send(encode_response(response))

    async def _send(self, encoded) -> None:
        conn = self._conn
        await trio.lowlevel.checkpoint_if_cancelled()
        if self._state is not TAKEN:
            raise self._unanswerable()
        self._state = SENDING
        problem = "the connection was closed"
        try:
            problem = await conn.write(conn.encode(*encoded))
        finally:
            conn.answered(self, FAILED if problem else SENT)
        if problem:
            raise IOErr(f"Cannot send the response to {self.method} {self.target}: {problem}")

    def _if_unanswered(self, _task) -> None:
        """Its serve() task ended (possibly cancelled before it ever ran, so
        without `answer_with`'s own cleanup): a request still TAKEN gets 503."""
        if self._state is TAKEN:
            self._conn.server._expire(self, TAKEN, "503 (its serve() task was cancelled)")

    def _unanswerable(self) -> IOErr:
        what = f"{self.method} {self.target}"
        state = self._state
        if state is SENT or state is SENDING:
            return IOErr(f"The response to {what} was sent already")
        if state is EXPIRED:
            return IOErr(f"Cannot send the response to {what}: the server answered it "
                         f"{self._why}")
        return IOErr(f"Cannot send the response to {what}: the connection was closed")

    def _q_str(self) -> str:
        return f"<Request {self.method} {self.target}>"


def text_type(text: str) -> bytes:
    """The content-type of a Str body: application/json when the text is a
    JSON object or array (what ``json.stringify`` makes of a Dict or an
    Array, as in QEP Example 7's ``"body": json.stringify(users)``),
    text/plain otherwise."""
    t = text.strip(" \t\r\n")
    first, last = t[:1], t[-1:]
    if (first == "{" and last == "}") or (first == "[" and last == "]"):
        try:
            json.loads(t)
        except ValueError:
            return TEXT
        return JSON
    return TEXT


def encode_response(response):
    """(status, [(name, value) bytes], body bytes, close?) of a response Dict.

    ``status`` Int 200-599 (default 200); ``headers`` a Dict of Str to Str
    (or Int, Float, or an Array of them for a repeated header); ``body``
    Str (text/plain; charset=utf-8, or application/json when it is a JSON
    object or array: see `text_type`), Bytes (application/octet-stream), nil
    (empty), anything else written as JSON (application/json).  The server
    frames the body and decides about keep-alive: content-length,
    transfer-encoding and connection are its own headers.  ``close?``: the
    headers asked for ``connection: close``."""
    if response.__class__ is not dict:
        raise TypeErr("send_response() expects a Dict {status, headers, body}, "
                      f"got {type_name(response)}")
    status = response.get("status", 200)
    user_headers = response.get("headers")
    body = response.get("body")
    if len(response) > ("status" in response) + ("headers" in response) + ("body" in response):
        extra = next(k for k in response if k not in ("status", "headers", "body"))
        raise ValueErr(f"Unknown key '{to_str(extra)}' in the response: expected status, "
                       "headers and body")
    if status.__class__ is not int or not 200 <= status <= 599:
        raise ValueErr(f"The response status must be an Int from 200 to 599, "
                       f"got {to_str(status) if status.__class__ is int else type_name(status)}")
    cls = body.__class__
    if cls is str:
        data, ctype = body.encode(), text_type(body)
    elif cls is bytes:
        data, ctype = body, OCTETS
    elif body is None:
        data, ctype = b"", None
    else:
        from ..json_ import stringify

        data, ctype = stringify(body).encode(), JSON
    headers = []
    close = False
    if user_headers is not None:
        if user_headers.__class__ is not dict:
            raise TypeErr(f"The response headers must be a Dict, got {type_name(user_headers)}")
        for name, value in user_headers.items():
            if name.__class__ is not str:
                raise TypeErr(f"A header name must be a Str, got {type_name(name)}")
            if not _HEADER_NAME.match(name):
                raise ValueErr(f"Invalid response header name '{name}'")
            low = name.lower()
            if low == "content-length" or low == "transfer-encoding":
                continue
            if low == "content-type":
                ctype = None
            raw_name = name.encode()
            for v in (value if value.__class__ is list else (value,)):
                if v.__class__ is not str:
                    if v.__class__ not in (int, float):
                        raise TypeErr(f"The value of header '{name}' must be a Str, "
                                      f"got {type_name(v)}")
                    v = to_str(v)
                v = v.strip(" \t")
                if _HEADER_VALUE_BAD.search(v):
                    raise ValueErr(f"The value of header '{name}' must not contain control "
                                   "characters such as line breaks")
                if low == "connection":     # the server writes its own
                    close = close or "close" in v.lower()
                    continue
                headers.append((raw_name, v.encode()))
    if status == 204 or status == 304:
        data = b""
    else:
        if ctype is not None and data:
            headers.append((b"content-type", ctype))
        headers.append((b"content-length", str(len(data)).encode()))
    return status, headers, data, close


# -- serve(): a handler's value answers the request ---------------------------------------


async def answer_with(handler, request, on_error) -> None:
    """A serve() task: ``handler(request)`` (awaited if async) is the response;
    a failing handler gives 500 and its error goes to `on_error` or stderr.
    Cancelled before answering (handler_timeout, serve() cancelled): the
    server answers 503."""
    server = request._conn.server
    try:
        try:
            response = handler(request)
            if is_awaitable(response):
                response = await response
            if request._state is not TAKEN:
                return          # answered by the handler itself, or by the server
            if response.__class__ is not dict:
                raise TypeErr(f"The handler returned {type_name(response)}: expected a "
                              "response Dict {status, headers, body}")
            encoded = encode_response(response)
        except Exception as exc:  # noqa: BLE001 - a failing handler: 500, reported
            await _failed(server, exc, request, on_error)
            return
        try:
            await request._send(encoded)
        except IOErr:
            pass                # the client went away
    finally:
        if request._state is TAKEN:     # cancelled before answering: 503 now
            server._expire(request, TAKEN, "503 (its serve() task was cancelled)")


async def _failed(server, exc, request, on_error) -> None:
    """The handler failed: answer 500 (unless answered already), report the error."""
    from ...eval.values.exceptions import to_quest_error

    err = to_quest_error(exc)
    failed = f"{server._label}: the handler of {request.method} {request.target} failed"
    state = request._state
    if state is TAKEN:
        request._state = SENDING
        conn = request._conn
        ok = False
        try:
            ok = await conn.send_status(500)
        except BaseException:   # cancelled while writing the 500: still report the error
            _report(f"{failed} (writing the 500 was cancelled)", err)
            raise
        finally:
            conn.answered(request, SENT if ok else FAILED)
        headline = f"{failed} ({'answered 500' if ok else _NOT_SENT})"
    elif state is SENT or state is SENDING:
        headline = f"{failed} (after its response was sent)"
    elif state is EXPIRED:
        headline = f"{failed} (the server had answered 503)"
    else:                       # FAILED (its own send_response), DEAD
        headline = f"{failed} ({_NOT_SENT})"
    if on_error is not None:
        try:
            value = on_error(err, request)
            if is_awaitable(value):
                await value
            return
        except Exception as inner:  # noqa: BLE001 - reported below, with the first
            _report(f"{server._label}: on_error failed", to_quest_error(inner))
    _report(headline, err)


_NOT_SENT = "the connection was closed; no response was sent"


def _report(headline: str, err) -> None:
    from ...eval.interpreter import uncaught_lines
    from ...error_report import print_error

    print_error([("headline", headline)] + uncaught_lines(err))


@describes(Request.send_response)
@describes(Request._send)
def _sending(frame, now):
    request = frame.f_locals["self"]
    return f"send_response to {request.method} {request.target} on " \
           f"{request._conn.server._label}", []


register(Request, {
    "body": Request.body, "body_bytes": Request.body_bytes, "json": Request.json,
    "send_response": Request.send_response,
})
