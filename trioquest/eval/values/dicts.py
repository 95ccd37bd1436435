"""Dict methods (LANGUAGE.md §13 and §15).  Dicts are Python dicts with Str keys."""

from __future__ import annotations

from ...errors import AttrErr, TypeErr
from .forms import to_str
from .methods import register


def key_of(k) -> str:
    """Non-Str keys are converted to their string form (§13)."""
    return k if k.__class__ is str else to_str(k)


def get(d: dict, k, default=None):
    return d.get(key_of(k), default)


def set_(d: dict, k, v) -> dict:
    new = dict(d)
    new[key_of(k)] = v
    return new


def remove(d: dict, k) -> dict:
    new = dict(d)
    new.pop(key_of(k), None)
    return new


def each(d: dict, f) -> None:
    code = getattr(f, "__code__", None)
    if code is not None and code.co_argcount < 2:
        raise TypeErr("Dict.each() expects a function of two parameters (key, value)")
    for k, v in list(d.items()):
        f(k, v)
    return None


def _stored_function(name: str):
    """``d.name(args)`` calls the function at key "name" when no method has that name."""
    def call(d, *args, **kwargs):
        f = d.get(name)
        if f is None or not callable(f):
            raise AttrErr(f"Unknown method '{name}' on Dict")
        return f(*args, **kwargs)

    return call


register(dict, {
    "len": len, "keys": lambda d: list(d), "values": lambda d: list(d.values()),
    "contains": lambda d, k: key_of(k) in d, "get": get, "set": set_, "remove": remove,
    "clone": dict, "each": each, "empty": lambda d: not d,
    "items": lambda d: [[k, v] for k, v in d.items()],
}, fallback=_stored_function)

