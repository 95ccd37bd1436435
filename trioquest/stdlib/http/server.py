"""The server of ``std/http`` (QEP-027 Example 7): HTTP/1.1 on h11 and
Trio (docs/http-server.md).

``http.server(address)`` (listen.py) binds at once (sync) and starts the
server's own work: a task of the scope that called it accepts connections
and runs one Trio task per connection (connection.py).  A connection task
reads a request (head and the whole body, under deadlines and size
limits), hands it to ``accept()`` and parks until somebody answers it with
``send_response`` (written by the answering task itself), or until
``handler_timeout``, when it answers 503 itself; then it reads the next
request (keep-alive).  Bad requests are answered 400/408/413/431/505 by
the connection task and never reach Quest code, so a hostile client holds
one connection task and nothing else.

``server.serve(handler)`` is ``accept()`` in a loop, each request in a task
of its own scope: the handler's return value is the response, a failing
handler gives 500 and its error is printed to stderr (or given to
``on_error``).

Lifetime: the server belongs to the scope that made it, as a task spawned
there does: if it is still open when that scope ends, the scope closes it
(and the leak report lists it).  ``close()`` stops accepting, answers
queued requests 503, closes idle connections and lets requests already
taken be answered; from then on the server no longer counts as a child of
its scope.
"""

from __future__ import annotations

import errno
import math
import socket
from collections import deque
from functools import partial
from operator import attrgetter

import outcome
import trio

from ...errors import TypeErr
from ...eval.values.forms import type_name
from ...eval.values.methods import register
from ...nursery_bridge.diagnostics import describes
from ...nursery_bridge.failures import FAILURE_HOOKS
from ...nursery_bridge.runner import start_task
from ...nursery_bridge.scope import CURRENT_SCOPE, DONE, opened
from ..handles import Closing, UntilNil
from .connection import ANSWER, BODY, HEAD, IDLE, Connection
from .request import ANSWERABLE, DEAD, EXPIRED, QUEUED, TAKEN, Request, answer_with

_Abort = trio.lowlevel.Abort
_current_time = trio.current_time
_reschedule = trio.lowlevel.reschedule
_wait = trio.lowlevel.wait_task_rescheduled
_CancelScope = trio.CancelScope
_wait_readable = trio.lowlevel.wait_readable

_deadline = attrgetter("deadline")
LIVENESS = 1.0          # how often the reaper checks that clients waiting for answers are there
_TEMPORARY_ACCEPT = {errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS}


class Server(Closing, UntilNil):
    """``http.server(address)``: a listening HTTP/1.1 server (module doc);
    ``async with`` closes it at the end of the block."""

    _q_name = "HttpServer"

    def __init__(self, sock, address: str, port: int, settings) -> None:
        self._sock = sock
        self._address = address
        self._port = port
        self._label = f"http.server {address}"
        self._settings = settings         # listen.Settings
        self._queue: deque = deque()        # QUEUED requests, oldest first
        self._accepters: deque = deque()    # Trio tasks parked in accept()
        self._connections: set = set()
        self._in_flight = 0                 # requests TAKEN or SENDING
        self._closed = False
        self._next_wake = math.inf          # when the reaper wakes next
        self._reaper_scope = None
        self._limit = trio.Semaphore(settings.max_connections)
        self._room = trio.lowlevel.ParkingLot()     # _make_room waits here
        self._evicting = 0                  # idle connections closed, not ended yet
        self._task = start_task(self._run, self._label, None, False)    # the server's work
        # A task cancelled before it starts never runs _run (nor its finally).
        self._task.on_done(lambda _task: self._shutdown())

    # -- the Quest API --------------------------------------------------------------------

    def port(self) -> int:
        return self._port

    def address(self) -> str:
        return self._address

    def is_closed(self) -> bool:
        return self._closed

    async def accept(self):
        """The next request (waits for one); nil once the server is closed.
        Lossless: a request handed to a cancelled accept() stays queued."""
        queue = self._queue
        if queue:
            await trio.lowlevel.checkpoint_if_cancelled()
            if queue:
                request = queue.popleft()
                request._state = TAKEN
                self._in_flight += 1
                await trio.lowlevel.cancel_shielded_checkpoint()
                return request
        if self._closed:
            await trio.lowlevel.checkpoint()
            return None
        task = trio.lowlevel.current_task()
        accepters = self._accepters
        accepters.append(task)

        def abort(_raise_cancel):
            accepters.remove(task)
            return _Abort.SUCCEEDED

        return await _wait(abort)

    async def serve(self, handler, on_error=None):
        """Answer every request with ``handler(request)`` (awaited if async;
        its value is the response Dict), each in a task of serve's own
        scope, until the server is closed; then wait for the handlers still
        running and return nil.  A failing handler: 500, and its error goes
        to ``on_error(error, request)``, or to stderr.  A handler still
        running at handler_timeout is cancelled (the client got 503).
        Cancelling serve() closes the server."""
        if not callable(handler):
            raise TypeErr(f"server.serve() expects a function, got {type_name(handler)}")
        if on_error is not None and not callable(on_error):
            raise TypeErr(f"server.serve(on_error:) expects a function, got {type_name(on_error)}")
        scope = opened(f"serve() of {self._label}")
        outer = CURRENT_SCOPE.get()
        CURRENT_SCOPE.set(scope)
        try:
            while True:     # (start_task forgets the handler tasks that are done)
                request = await self.accept()
                if request is None:
                    break
                task = request._task = start_task(
                    partial(answer_with, handler, request, on_error),
                    f"{request.method} {request.target}", scope, False)
                task.on_done(request._if_unanswered)    # also if cancelled before it started
            for task in list(scope.children or ()):
                await task.wait_done()
        except BaseException as exc:
            scope.failing = exc
            self.close()
            raise
        finally:
            CURRENT_SCOPE.set(outer)
            if scope.children is not None:
                await scope.close()

    def close(self) -> None:
        """Stop accepting: the listening socket closes, accept() returns nil,
        queued requests get 503, idle connections close; requests already
        taken may still be answered (then their connections close).  Not a
        checkpoint; closing twice does nothing."""
        if self._closed:
            return
        self._stop_accepting()
        queue = self._queue
        while queue:
            self._expire(queue[0], QUEUED, "503 (the server was closed)")
        for conn in self._connections:
            if conn.request is None:
                conn.scope.cancel()
        self._maybe_detach()

    # -- Quest protocols -----------------------------------------------------------------

    _next_item = accept   # for x in ... (handles.UntilNil)

    def _q_str(self) -> str:
        return f"<HttpServer {self._address}{' closed' if self._closed else ''}>"

    # -- the server's own work ------------------------------------------------------------------

    async def _run(self) -> None:
        """The server's task: accept connections, each in a Trio task, beside
        the reaper; when closed, wait for the connections to end."""
        limit = self._limit
        try:
            async with trio.open_nursery() as outer:
                outer.start_soon(self._reaper, name="http.server reaper")
                async with trio.open_nursery() as connections:
                    while True:
                        if not limit.value and not await self._make_room():
                            break
                        await limit.acquire()
                        sock = await self._accept_socket()
                        if sock is None:
                            break
                        connections.start_soon(self._connection, sock, limit,
                                               name="http.connection")
                outer.cancel_scope.cancel()
        finally:
            self._shutdown()

    async def _make_room(self) -> bool:
        """All max_connections are open: wait until one of them ends.  While
        a client waits to be accepted, the connection idle the longest
        between two requests (keep-alive) is closed to make room for it, one
        at a time; with none idle the client waits.  False once closed."""
        limit = self._limit
        while not limit.value:
            if not self._evicting:
                try:
                    await _wait_readable(self._sock)    # a client is waiting
                except trio.ClosedResourceError:
                    return False
                if self._closed:
                    return False
                if limit.value:
                    break
                if self._evict_idle():
                    continue
            await self._room.park()     # until a connection ends, or becomes idle
            if self._closed:
                return False
        return True

    def _evict_idle(self) -> bool:
        """Close the connection idle the longest (its idle deadline is the
        earliest), unless the client has started its next request."""
        idle = [c for c in self._connections if c.phase is IDLE]
        idle.sort(key=_deadline)
        for conn in idle:
            if conn.evict():
                self._evicting += 1
                return True
        return False

    def _room_made(self) -> None:
        """A connection ended or became idle: `_make_room` looks again."""
        if self._room:
            self._room.unpark_all()

    async def _accept_socket(self):
        """The next client socket (non-blocking, no Nagle), None once closed."""
        listener = self._sock
        while not self._closed:
            try:
                sock, _ = listener.accept()
            except BlockingIOError:
                try:
                    await _wait_readable(listener)
                except trio.ClosedResourceError:
                    return None
                continue
            except OSError as exc:
                if exc.errno in _TEMPORARY_ACCEPT:
                    await trio.sleep(0.1)
                continue
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        return None

    async def _connection(self, sock, limit) -> None:
        conn = Connection(self, sock)
        self._connections.add(conn)
        try:
            with conn.scope:
                await conn.run()
            if conn.expired and (conn.phase is HEAD or conn.phase is BODY):
                await conn.refuse(408)
        finally:
            self._connections.discard(conn)
            conn.close()
            limit.release()
            if conn.evicted:
                self._evicting -= 1
            self._room_made()
            request = conn.request
            if request is not None and request._state in ANSWERABLE:
                self._expire(request, request._state, None, "the closed connection")
                request._state = DEAD

    async def _reaper(self) -> None:
        """Enforce the connections' deadlines: sleep until the earliest one,
        expire those that have passed, plan again.  While there are
        connections it also wakes at least every `shortest` timeout, so a
        deadline set meanwhile (now + a timeout) is never earlier than the
        planned wake; only the first connection after none must `_replan`.
        It wakes at least every LIVENESS seconds too, to give up the
        requests whose clients have closed their connection."""
        s = self._settings
        shortest = min(s.header_timeout, s.body_timeout, s.handler_timeout, s.idle_timeout,
                       LIVENESS)
        connections = self._connections
        while True:
            now = _current_time()
            wake = now + shortest if connections else math.inf
            for conn in connections:
                deadline = conn.deadline
                if deadline <= now:
                    conn.expire()
                    continue
                if deadline < wake:
                    wake = deadline
                if conn.phase is ANSWER and conn.client_left():
                    conn.scope.cancel()     # its request is given up: see _connection
            self._next_wake = wake
            with _CancelScope(deadline=wake) as scope:
                self._reaper_scope = scope
                await trio.sleep_forever()
            self._reaper_scope = None

    def _replan(self) -> None:
        self._next_wake = -math.inf     # until the reaper has planned again
        scope = self._reaper_scope
        if scope is not None:
            scope.cancel()

    def _deliver(self, request) -> None:
        accepters = self._accepters
        if accepters:
            request._state = TAKEN
            self._in_flight += 1
            _reschedule(accepters.popleft(), outcome.Value(request))
        else:
            self._queue.append(request)

    def _expire(self, request, state, why, canceller="the handler_timeout",
                status: int = 503) -> None:
        """The server answers `request` itself (state was QUEUED or TAKEN):
        its connection task is woken to write the 503 (or `status`), and a
        serve() task still answering it is cancelled."""
        if state is QUEUED:
            self._queue.remove(request)
        request._state = EXPIRED
        request._why = why
        request._status = status
        if state is TAKEN:
            task = request._task
            if task is not None and task.state not in DONE:
                task.cancel(f"{canceller} of {self._label}")
            self._request_done()
        request._conn.wake()

    def _request_done(self) -> None:
        self._in_flight -= 1
        if self._closed:
            self._maybe_detach()

    def _maybe_detach(self) -> None:
        """Once closed with nothing in flight, the server's task winds down on
        its own (at once): its scope no longer waits for it, nor reports it."""
        task = self._task
        if self._in_flight or task is None:
            return
        self._task = None
        children = task.scope.children
        if children is not None and task.state not in DONE:
            try:
                children.remove(task)
            except ValueError:
                pass

    def _stop_accepting(self) -> None:
        """Closed: the listening socket closes, parked accept() calls return nil."""
        self._closed = True
        if self._sock.fileno() != -1:
            trio.lowlevel.notify_closing(self._sock)
            self._sock.close()
        accepters = self._accepters
        while accepters:
            _reschedule(accepters.popleft(), outcome.Value(None))
        self._room.unpark_all()

    def _shutdown(self) -> None:
        """The server's task ends (closed, or cancelled with its scope)."""
        self._task = None
        self._stop_accepting()
        for request in self._queue:
            request._state = DEAD
        self._queue.clear()


# -- what tasks wait on (task tree, leak report) --------------------------------------------------


@describes(Server.accept)
def _accepting(frame, now):
    return f"accept on {frame.f_locals['self']._label}", []


@describes(Server.serve)
def _serving(frame, now):
    return f"serve on {frame.f_locals['self']._label}", []


@describes(Server._run)
def _running(frame, now):
    server = frame.f_locals["self"]
    n = len(server._connections)
    state = "closing" if server._closed else "open (not closed)"
    return f"{server._label}: {state}, {n} connection{'' if n == 1 else 's'}", []


register(Server, {
    "accept": Server.accept, "serve": Server.serve, "close": Server.close,
    "port": Server.port, "address": Server.address, "is_closed": Server.is_closed,
})


def answer_for_failed_task(task, error) -> None:
    """A Quest task failed while it held requests it had not answered (QEP
    Example 7: ``async.spawn(fun () handle_request(request) end)`` and a bug
    in handle_request): each gets 500 at once, not a 503 when
    handler_timeout ends.  The requests held are those the failed code had
    in its variables: the locals of every Quest function it was in when it
    failed, and the variables its task's function captured."""
    held = []
    tb = error.__traceback__
    while tb is not None:
        held.extend(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    for cell in getattr(task.fn, "__closure__", None) or ():
        try:
            held.append(cell.cell_contents)
        except ValueError:      # an empty cell
            pass
    for request in held:
        if request.__class__ is Request and request._state is TAKEN:
            request._conn.server._expire(
                request, TAKEN, f"500 ({task.describe()}, which held it, failed)",
                canceller="the failure of the task holding it", status=500)


FAILURE_HOOKS.append(answer_for_failed_task)
