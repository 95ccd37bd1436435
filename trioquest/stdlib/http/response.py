"""``Response``: what a client request returns once the status line and
headers arrived.  The body is streamed: ``text()``, ``json()`` or
``bytes()`` read it (the first read fetches it, later ones give the same
content) and so give the connection back to the pool.

A response whose body is never read holds its connection until
``close()``, until its client closes, or until it is garbage-collected:
then its httpx response joins its client's orphans, which the client's
next request closes.  Closing is shielded, with its own short deadline
(`cleanup_scope`), so it also happens after cancellation.
"""

from __future__ import annotations

import weakref

import httpx
import trio

from ...errors import TypeErr, ValueErr
from ...eval.values.forms import type_name
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ...nursery_bridge.errors import AsyncTimeoutError
from .. import json_
from .client_args import TOKEN, deadline, secs
from .errors import HttpError, failure

CLEANUP_SECONDS = 1.0       # deadline of a shielded close after cancellation / at run end


def cleanup_scope() -> trio.CancelScope:
    """A shielded scope for closing things, also inside a cancelled scope,
    within CLEANUP_SECONDS."""
    return trio.CancelScope(shield=True, deadline=trio.current_time() + CLEANUP_SECONDS)


async def close_quietly(closable) -> None:
    """``await closable.aclose()`` in a `cleanup_scope`; a failing close is
    ignored (it only loses the connection it was closing)."""
    with cleanup_scope():
        try:
            await closable.aclose()
        except Exception:  # noqa: BLE001 - closing loses nothing more
            pass


class Response:
    """What a request returns once the status line and headers arrived.
    The body is read by ``text()``, ``json()`` or ``bytes()`` (the first
    read fetches it, later ones give the same content)."""

    _q_name = "Response"

    def __init__(self, client, pool: httpx.AsyncClient, response: httpx.Response,
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
        with deadline(self._seconds):
            try:
                content = await r.aread()
                self._forget()
                return content
            except httpx.HTTPError as exc:
                if self._pool.is_closed and self._lost is None:
                    self._lost = "its client was closed"
                if self._lost is not None:      # closed meanwhile by the program
                    await self._abandon()
                    raise self._unreadable() from None
                self._lost = "reading it failed"
                await self._abandon()
                raise failure(exc, self._where, r.url) from None
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
                                f"{secs(self._seconds)}")

    async def _abandon(self) -> None:
        self._forget()
        await close_quietly(self._r)

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
        if not TOKEN.match(name):
            raise ValueErr(f"Response.header() got an invalid header name '{name}'")
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
