"""Argument checks for builtin methods and std functions, worded for Quest.

Each check returns the value (converted where Quest allows it: a BigInt
that fits where an Int is wanted) or raises a TypeErr of the form
``Str.repeat(): the count must be an Int, got Str``.  `where` names the
call as the user wrote it, `what` the argument.
"""

from __future__ import annotations

from ...errors import TypeErr, ValueErr
from .bigint import BigInt
from .forms import type_name, unawaited

# A size or position beyond this is never valid (CPython's C-size limit).
MAX_INDEX = (1 << 63) - 1


def _fail(where: str, what: str, kind: str, v):
    raise TypeErr(unawaited(f"{where}: {what} must be {kind}, got {type_name(v)}", v))


def int_arg(v, where: str, what: str = "the argument") -> int:
    cls = v.__class__
    if cls is int:
        return v
    if cls is BigInt:
        return v.value
    _fail(where, what, "an Int", v)


def index_arg(v, where: str, what: str = "the position") -> int:
    """An Int usable as a size, count or position of a Python object."""
    i = int_arg(v, where, what)
    if not -MAX_INDEX <= i <= MAX_INDEX:
        raise ValueErr(f"{where}: {what} is too large ({i})")
    return i


def str_arg(v, where: str, what: str = "the argument") -> str:
    if v.__class__ is str:
        return v
    _fail(where, what, "a Str", v)


def optional_str_arg(v, where: str, what: str = "the argument") -> str | None:
    return None if v is None else str_arg(v, where, what)


def number_arg(v, where: str, what: str = "the argument"):
    """An Int or a Float (a BigInt as its Int)."""
    cls = v.__class__
    if cls is int or cls is float:
        return v
    if cls is BigInt:
        return v.value
    _fail(where, what, "a number", v)


def fun_arg(v, where: str, what: str = "the argument"):
    if callable(v) and not isinstance(v, type):
        return v
    _fail(where, what, "a function", v)


def bytes_arg(v, where: str, what: str = "the argument") -> bytes:
    if v.__class__ is bytes:
        return v
    _fail(where, what, "Bytes", v)
