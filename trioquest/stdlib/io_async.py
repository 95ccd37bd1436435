"""The async functions of ``std/io`` (issue #6, docs/net-and-files.md).

Each Quest call is at most one thread hop (thread_hop.py): ``read_async``,
``write_async`` and ``append_async`` open, read or write, and close in one
function in a worker thread, with the sync functions of std/io, so their
errors are the same.  ``open_async`` gives a File (io_file.py) that reads
ahead and buffers writes.

std/io (io_.py) imports this module the first time one of these functions
is called: sync programs never load Trio.

Cancellation returns at once: the worker thread is abandoned and finishes
on its own.  A whole-file write that has started is completed (the file is
never left half-written by the cancellation itself); a read's data is
dropped.  A cancelled ``open_async`` closes the file it opened, if the open
succeeds after all.
"""

from __future__ import annotations

import outcome

from ..errors import ValueErr
from ..eval.values.forms import to_str, type_name
from ..nursery_bridge.diagnostics import describes
from . import io_
from .handles import Opening
from .io_ import _io_error, _path
from .io_file import File
from .thread_hop import hop

MODES = {"r", "w", "a", "x", "rb", "wb", "ab", "xb"}


# -- whole files -------------------------------------------------------------------------------


async def read_async(p) -> str:
    """``await io.read_async(path)``: the file's text (UTF-8), in one hop."""
    path = _path(p)
    return await hop(lambda: io_.read(path))


async def write_async(p, text) -> None:
    """``await io.write_async(path, text)``: replace the file's text."""
    path = _path(p)
    text = to_str(text)
    await hop(lambda: io_.write(path, text))


async def append_async(p, text) -> None:
    """``await io.append_async(path, text)``: add to the end of the file."""
    path = _path(p)
    text = to_str(text)
    await hop(lambda: io_.append(path, text))


@describes(read_async)
@describes(write_async)
@describes(append_async)
def _whole_file(frame, now):
    return f"io.{frame.f_code.co_name}('{frame.f_locals['path']}')", []


# -- opening a File ----------------------------------------------------------------------------


def _close_opened(result) -> None:
    if isinstance(result, outcome.Value):
        result.value.close()


async def _open(path: str, mode: str) -> File:
    raw_mode = mode if "b" in mode else mode + "b"

    def job():
        try:
            return open(path, raw_mode)
        except OSError as e:
            raise _io_error("open", path, e) from None

    return File(await hop(job, on_drop=_close_opened), path, mode)


_open.__qualname__ = "io.open_async"


def open_async(p, mode="r") -> Opening:
    """``await io.open_async(path, mode)``: a File (``async with
    io.open_async(...) as f``: closed at the end of the block).  Modes: "r"
    (the default), "w", "a", "x" (create; fails if it exists), with "b" for
    Bytes: "rb", "wb", "ab", "xb"."""
    path = _path(p)
    if mode.__class__ is not str or mode not in MODES:
        shown = f"'{mode}'" if mode.__class__ is str else type_name(mode)
        raise ValueErr(f"Invalid mode {shown} for io.open_async: use 'r', 'w', 'a' or 'x' "
                       "(text), or 'rb', 'wb', 'ab' or 'xb' (Bytes)")
    return Opening(_open(path, mode), f"io.open_async('{path}', '{mode}')")


for _fn in (read_async, write_async, append_async, open_async):
    _fn.__qualname__ = f"io.{_fn.__name__}"   # the name ArgErr messages and leak reports use
