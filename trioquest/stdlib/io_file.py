"""The File of std/io's ``io.open_async`` (issue #6, docs/net-and-files.md).

A File reads ahead (a line read hops to a worker thread only when no whole
line is buffered) and buffers writes (they hop when `CHUNK` bytes are
pending, at ``flush()`` and at ``close()``); each call is at most one hop
(thread_hop.py).  A call served from the buffers is still a checkpoint.

A cancelled call on a File returns at once and closes the File: the thread
finishes its job (data it read is dropped, a write it started is completed),
writes the pending text, and closes the file.  A call served from the buffers
is cancelled before it takes or adds anything, and the File stays open.
"""

from __future__ import annotations

import atexit
import codecs
import io as pyio
import os
import threading
import weakref

import trio

from ..errors import IOErr, TypeErr, ValueErr
from ..eval.values.forms import to_str, type_name
from ..eval.values.methods import register
from ..nursery_bridge.diagnostics import describes
from .handles import AClosing, UntilNil
from .io_ import _io_error
from .thread_hop import detach, hop

CHUNK = 65536           # read-ahead for lines, and pending writes before a hop
READ_CAP = 1 << 24      # the most one raw read asks for (read(n) with a huge n)
BUFFERED_YIELD = 64     # a File call served from its buffers yields every this many

_OPEN = weakref.WeakSet()   # every File made (those still open are closed at exit)


class File(AClosing, UntilNil):
    """An open file (``io.open_async``).  Text files read and write Str
    (UTF-8, newlines as in std/io), binary ones ("rb", "wb" ...) Bytes.
    One task at a time.

    The file underneath is binary; text is decoded here, incrementally, so
    that a line read on a pipe returns when the line is there (Python's
    text read(n) would wait for n characters)."""

    _q_name = "File"
    __slots__ = ("_f", "_path", "_mode", "_text", "_empty", "_nl", "_dec", "_rbuf", "_rpos",
                 "_eof", "_ticks", "_failed", "_wbuf", "_wlen", "_closed", "_busy", "_lock", "_in_thread", "_doomed",
                 "__weakref__")

    def __init__(self, f, path: str, mode: str) -> None:
        self._f = f                 # binary
        self._path = path
        self._mode = mode
        self._text = "b" not in mode
        self._empty = "" if self._text else b""
        self._nl = "\n" if self._text else b"\n"
        self._dec = _text_decoder() if self._text and mode[0] == "r" else None
        self._rbuf = self._empty    # read ahead: what is not returned yet starts at _rpos
        self._rpos = 0
        self._eof = False
        self._ticks = 0             # calls served from the buffers since the last schedule point
        self._failed = None         # why reading can go no further (bytes that are not UTF-8)
        self._wbuf = []             # Bytes written by Quest, not yet handed to the file
        self._wlen = 0
        self._closed = False        # as Quest sees it
        self._busy = None           # the operation a task is doing on it
        self._lock = threading.Lock()
        self._in_thread = False     # a job of this file is in (or queued for) a thread
        self._doomed = False        # closed while a job was in a thread: it closes
        _OPEN.add(self)

    # -- plumbing --

    def _action(self, op: str) -> str:
        if op != "write":
            return op
        return "append to" if self._mode[0] == "a" else "write"

    def _enter(self, op: str, want: str) -> None:
        if self._closed:
            raise IOErr(f"Cannot {self._action(op)} '{self._path}': the file is closed")
        if self._busy is not None:
            raise IOErr(f"Cannot {self._action(op)} '{self._path}': another task is "
                        f"already using this file ({self._busy})")
        if want == "read" and self._mode[0] != "r":
            raise IOErr(f"Cannot read '{self._path}': it was opened for writing "
                        f"(mode '{self._mode}')")
        if want == "write" and self._mode[0] == "r":
            raise IOErr(f"Cannot write '{self._path}': it was opened for reading "
                        f"(mode '{self._mode}')")
        self._busy = op

    def _take_pending(self) -> bytes:
        data = b"".join(self._wbuf)
        self._wbuf = []
        self._wlen = 0
        return data

    async def _run(self, op: str, fn):
        """`fn()` on the file in one hop; I/O errors as std/io words them.
        Cancelled: the File is closed (by the job's thread, after the job)."""
        path = self._path

        def job():
            try:
                return fn()
            except UnicodeDecodeError:
                raise IOErr(f"Cannot read '{path}': not UTF-8 text") from None
            except OSError as e:
                raise _io_error(self._action(op), path, e) from None
            except ValueError as e:     # the file closed under it (after a cancellation)
                raise IOErr(f"Cannot {self._action(op)} '{path}': {e}") from None
            finally:
                with self._lock:
                    self._in_thread = False
                    doomed = self._doomed
                if doomed:
                    self._final_close()

        def started():
            with self._lock:
                self._in_thread = True

        try:
            return await hop(job, before_start=started)
        except trio.Cancelled:
            self._abandon()
            raise

    def _abandon(self) -> None:
        self._closed = True
        with self._lock:
            self._doomed = True
            in_thread = self._in_thread
        if not in_thread:
            detach(self._final_close)

    def _final_close(self) -> None:
        """In a worker thread, after a cancellation: write what is pending, close."""
        try:
            data = self._take_pending()
            if data:
                self._f.write(data)
        except (OSError, ValueError):
            pass
        finally:
            try:
                self._f.close()
            except (OSError, ValueError):
                pass

    def _pull(self, want_line: bool, need: int):
        """In the thread: read until a newline (`want_line`), `need` more
        characters or bytes (0: all), or the end.  (data, at the end?)"""
        f, dec, nl = self._f, self._dec, self._nl
        if not want_line and need == 0:
            raw = f.read()
            return (raw if dec is None else dec.decode(raw, final=True)), True
        parts, got = [], 0
        while True:
            raw = f.read1(min(max(CHUNK, need - got), READ_CAP))
            eof = not raw
            piece = raw if dec is None else dec.decode(raw, final=eof)
            parts.append(piece)
            got += len(piece)
            if eof or (nl in piece if want_line else got >= need):
                return self._empty.join(parts), eof

    async def _read_more(self, want_line: bool, need: int = 0) -> None:
        if self._failed is not None:
            raise IOErr(self._failed)
        try:
            data, eof = await self._run("read", lambda: self._pull(want_line, need))
        except IOErr as e:
            if e.reason.endswith("not UTF-8 text"):
                self._failed = e.reason     # the bad chunk is gone: no later read may skip it
            raise
        self._rbuf = self._rbuf[self._rpos:] + data
        self._rpos = 0
        self._eof = eof
        self._ticks = 0

    def _line(self):
        """The first buffered line (without "\\n"), or None if none is whole."""
        i = self._rbuf.find(self._nl, self._rpos)
        if i < 0:
            return None
        line = self._rbuf[self._rpos:i]
        self._rpos = i + 1
        return line

    def _take(self, n: int | None = None):
        """Up to `n` buffered characters or bytes (all without `n`)."""
        buf, pos = self._rbuf, self._rpos
        end = len(buf) if n is None else min(len(buf), pos + n)
        if pos == 0 and end == len(buf):
            data = buf
        else:
            data = buf[pos:end]
        if end == len(buf):
            self._rbuf, self._rpos = self._empty, 0
        else:
            self._rpos = end
        return data

    async def _from_buffer(self) -> None:
        """The checkpoint of a call served from the buffers: a cancel point
        each time, a schedule point every `BUFFERED_YIELD` calls (a thread
        hop is both), so that a loop over a file's lines costs no Trio
        scheduling round per line and still lets other tasks run."""
        self._ticks += 1
        if self._ticks >= BUFFERED_YIELD:
            self._ticks = 0
            await trio.lowlevel.checkpoint()
        else:
            await trio.lowlevel.checkpoint_if_cancelled()

    # -- reading --

    async def read(self, n=None):
        """The rest of the file (n omitted), or `n` characters (Bytes in
        binary mode; fewer at the end of the file); nil when `n` is given
        at the end of the file."""
        if n is not None and (n.__class__ is not int or n < 0):
            raise ValueErr("File.read(n) expects an Int >= 0")
        self._enter("read", "read")
        try:
            if n is None:
                if self._eof:
                    await self._from_buffer()
                else:
                    await self._read_more(False)
                return self._take()
            need = n - (len(self._rbuf) - self._rpos)
            if need > 0 and not self._eof:
                await self._read_more(False, need)
            else:
                await self._from_buffer()
            if n and self._rpos == len(self._rbuf):
                return None
            return self._take(n)
        finally:
            self._busy = None

    async def readline(self):
        """The next line without its newline; nil at the end of the file.
        A last line without a newline is returned as it is."""
        self._enter("readline", "read")
        try:
            if self._rbuf.find(self._nl, self._rpos) >= 0:
                await self._from_buffer()   # cancelled here, the line stays buffered
                return self._line()
            if self._eof:
                await self._from_buffer()
            else:
                await self._read_more(True)
                line = self._line()
                if line is not None:
                    return line
            if self._rpos == len(self._rbuf):
                return None
            return self._take()
        finally:
            self._busy = None

    async def lines(self) -> list:
        """The remaining lines, without newlines, in one hop."""
        rest = await self.read()
        if not rest:
            return []
        lines = rest.split(self._nl)
        if rest.endswith(self._nl):
            lines.pop()
        return lines

    _next_item = readline   # for x in ... (handles.UntilNil)

    # -- writing --

    async def write(self, data) -> int:
        """Add `data` (Str; Bytes or Str in binary mode); returns its length
        (characters, or bytes).  It reaches the file when 64 KiB are
        pending, at flush() and at close(): an error shows there."""
        if self._text:
            text = to_str(data)
            count = len(text)
            data = (text if os.linesep == "\n" else text.replace("\n", os.linesep)).encode()
        elif data.__class__ is str:
            data = data.encode("utf-8")
            count = len(data)
        elif data.__class__ is bytes:
            count = len(data)
        else:
            raise TypeErr(f"File.write() on a binary file expects Bytes or Str, "
                          f"got {type_name(data)}")
        self._enter("write", "write")
        try:
            if self._wlen + len(data) < CHUNK:
                await self._from_buffer()   # cancelled here, nothing was written
                if self._closed:            # by another task meanwhile (its thread has
                    # written what was pending): this text would be lost
                    raise IOErr(f"Cannot {self._action('write')} '{self._path}': the file "
                                "is closed")
                self._wbuf.append(data)
                self._wlen += len(data)
                return count
            self._wbuf.append(data)
            self._wlen += len(data)
            f = self._f
            await self._run("write", lambda: f.write(self._take_pending()))
            self._ticks = 0
            return count
        finally:
            self._busy = None

    async def flush(self) -> None:
        """Hand the pending writes to the operating system (one hop)."""
        self._enter("flush", "write")
        try:
            f = self._f

            def job():
                data = self._take_pending()
                if data:
                    f.write(data)
                f.flush()

            await self._run("write", job)
        finally:
            self._busy = None

    async def close(self) -> None:
        """Write what is pending and close (one hop).  Closing twice is fine.
        If it is cancelled, or called in a cancelled scope (an ``async
        with`` left by a cancellation), a worker thread does it."""
        if self._closed:
            await trio.lowlevel.checkpoint()
            return
        if self._busy is not None:      # another task is in a hop: its thread closes
            self._abandon()
            await trio.lowlevel.checkpoint()
            return
        self._busy = "close"
        self._closed = True
        f = self._f

        def job():
            try:
                data = self._take_pending()
                if data:
                    f.write(data)
            finally:
                f.close()

        try:
            await self._run("write" if self._mode[0] != "r" else "close", job)
        finally:
            self._busy = None

    def is_closed(self) -> bool:
        return self._closed

    def __del__(self) -> None:
        self._dropped()

    def _dropped(self) -> None:
        """Dropped without close(): the pending writes still reach the file."""
        if not self._closed:
            self._closed = True
            with self._lock:
                self._doomed = True
                in_thread = self._in_thread
            if not in_thread:
                try:
                    detach(self._final_close)
                except RuntimeError:    # no new threads at interpreter shutdown
                    self._final_close()

    def _q_str(self) -> str:
        return f"<File '{self._path}' {self._mode}{' closed' if self._closed else ''}>"


@atexit.register
def _close_at_exit() -> None:
    """Files still open when the program ends (held by a global, or by the
    error that ended it) write their pending text and close now, in threads
    that thread_hop's exit wait waits for: their ``__del__`` would come after
    that wait, and its thread would die with the process.  (Registered after
    thread_hop's, so this runs first.)"""
    for f in list(_OPEN):
        f._dropped()


def _text_decoder():
    """UTF-8 with universal newlines, as Python's text files read."""
    return pyio.IncrementalNewlineDecoder(codecs.getincrementaldecoder("utf-8")(),
                                          translate=True)


register(File, {
    "read": File.read, "readline": File.readline, "lines": File.lines,
    "write": File.write, "flush": File.flush, "close": File.close,
    "is_closed": File.is_closed, "path": lambda f: f._path, "mode": lambda f: f._mode,
})


@describes(File.read)
@describes(File.readline)
@describes(File.write)
@describes(File.flush)
@describes(File.close)
def _on_file(frame, now):
    return f"{frame.f_code.co_name} on file '{frame.f_locals['self']._path}'", []
