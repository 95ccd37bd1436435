"""``std/io`` (LANGUAGE.md §12): files and in-memory text buffers (StringIO).

Files are read and written as UTF-8 text.  Failures are IOErr naming the
path.  The async variants of issue #6 (``read_async`` ...) are in io_async.
"""

from __future__ import annotations

import fnmatch
import glob as globmod
import os
import shutil

from ..errors import IOErr, TypeErr, ValueErr
from ..eval.values.args import int_arg
from ..eval.values.forms import to_str, type_name
from ..eval.values.methods import register
from ..eval.values.modules import QModule


def _path(p) -> str:
    if p.__class__ is not str:
        raise TypeErr(f"Expected a path (Str), got {type_name(p)}")
    return p


def _io_error(action: str, path: str, e: OSError) -> IOErr:
    reason = e.strerror or str(e)
    return IOErr(f"Cannot {action} '{path}': {reason}")


def read(p) -> str:
    path = _path(p)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError:
        raise IOErr(f"Cannot read '{path}': not UTF-8 text") from None
    except OSError as e:
        raise _io_error("read", path, e) from None


def write(p, text) -> None:
    path = _path(p)
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(to_str(text))
    except OSError as e:
        raise _io_error("write", path, e) from None


def append(p, text) -> None:
    path = _path(p)
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(to_str(text))
    except OSError as e:
        raise _io_error("append to", path, e) from None


def remove(p) -> None:
    path = _path(p)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    except OSError as e:
        raise _io_error("remove", path, e) from None


def size(p) -> int:
    path = _path(p)
    try:
        return os.path.getsize(path)
    except OSError as e:
        raise _io_error("get the size of", path, e) from None


def copy(a, b) -> None:
    src, dst = _path(a), _path(b)
    try:
        if os.path.isdir(src):
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)
    except OSError as e:
        raise _io_error("copy", src, e) from None


def move(a, b) -> None:
    src, dst = _path(a), _path(b)
    try:
        shutil.move(src, dst)
    except OSError as e:
        raise _io_error("move", src, e) from None


def glob(pattern) -> list:
    return sorted(globmod.glob(_path(pattern), recursive=True))


def glob_match(path, pattern) -> bool:
    return fnmatch.fnmatchcase(_path(path), _path(pattern))


class StringIO:
    """An in-memory text buffer with a position, like Python's io.StringIO.

    It is also a Python text stream (``write``/``flush``), so it can stand in
    for sys.stdout when a program redirects its output.
    """

    _q_name = "StringIO"
    __slots__ = ("buffer", "pos", "closed")

    def __init__(self, initial: str = "") -> None:
        self.buffer = to_str(initial)
        self.pos = 0
        self.closed = False

    @staticmethod
    def new(initial="") -> StringIO:
        return StringIO(initial)

    def _check(self) -> None:
        if self.closed:
            raise ValueErr("I/O operation on a closed StringIO")

    def write(self, text) -> int:
        self._check()
        text = to_str(text)
        end = self.pos + len(text)
        self.buffer = self.buffer[: self.pos] + text + self.buffer[end:]
        self.pos = end
        return len(text)

    def flush(self) -> None:
        pass

    def __bool__(self) -> bool:
        return bool(self.buffer)

    def _q_str(self) -> str:
        return f"<StringIO {len(self.buffer)} chars>"


def _read(s: StringIO, n=None) -> str:
    s._check()
    end = len(s.buffer) if n is None or n < 0 else min(len(s.buffer), s.pos + n)
    text = s.buffer[s.pos: end]
    s.pos = end
    return text


def _readline(s: StringIO) -> str:
    s._check()
    i = s.buffer.find("\n", s.pos)
    end = len(s.buffer) if i < 0 else i + 1
    text = s.buffer[s.pos: end]
    s.pos = end
    return text


def _readlines(s: StringIO) -> list:
    lines = []
    while True:
        line = _readline(s)
        if not line:
            return lines
        lines.append(line)


def _seek(s: StringIO, pos: int, whence: int = 0) -> int:
    s._check()
    pos = int_arg(pos, "StringIO.seek()", "the position")
    base = {0: 0, 1: s.pos, 2: len(s.buffer)}.get(int_arg(whence, "StringIO.seek()", "whence"))
    if base is None:
        raise ValueErr(f"StringIO.seek(): invalid whence {whence}: use 0, 1 or 2")
    s.pos = max(0, base + pos)
    return s.pos


def _truncate(s: StringIO, n=None) -> int:
    s._check()
    n = s.pos if n is None else n
    s.buffer = s.buffer[:n]
    return n


def _clear(s: StringIO) -> StringIO:
    s.buffer, s.pos = "", 0
    return s


def _writelines(s: StringIO, lines) -> None:
    for line in lines:
        s.write(line)


def _close(s: StringIO) -> None:
    s.closed = True


register(StringIO, {
    "write": StringIO.write, "writelines": _writelines,
    "read": _read, "readline": _readline, "readlines": _readlines,
    "get_value": lambda s: s.buffer, "getvalue": lambda s: s.buffer,
    "tell": lambda s: s.pos, "seek": _seek, "clear": _clear, "truncate": _truncate,
    "flush": lambda s: None, "close": _close, "closed": lambda s: s.closed,
    "len": lambda s: len(s.buffer.encode()), "char_len": lambda s: len(s.buffer),
    "empty": lambda s: not s.buffer,
    "_enter": lambda s: s, "_exit": lambda s: None,
})


def _async_member(name: str):
    """An async function of io_async (issue #6), imported on first use:
    io_async imports Trio, which sync programs do not load."""
    def member(*args, **kwargs):
        from . import io_async

        return getattr(io_async, name)(*args, **kwargs)
    return member


def make_module(interpreter) -> QModule:
    module = QModule("io", "File and in-memory text input/output.")
    members = {
        "read": read, "write": write, "append": append, "exists": lambda p: os.path.exists(_path(p)),
        "is_file": lambda p: os.path.isfile(_path(p)), "is_dir": lambda p: os.path.isdir(_path(p)),
        "remove": remove, "size": size, "copy": copy, "move": move, "glob": glob,
        "glob_match": glob_match, "StringIO": StringIO,
        **{name: _async_member(name)
           for name in ("read_async", "write_async", "append_async", "open_async")},
    }
    for name, fn in members.items():
        if callable(fn) and not isinstance(fn, type):
            fn.__qualname__ = f"io.{name}"
    module.__dict__.update(members)
    return module
