"""String forms of Quest values (LANGUAGE.md §9): ``puts``, ``..``, f-strings,
``.str()`` and ``._rep()``, and the type names ``.cls()`` returns."""

from __future__ import annotations

import sys
from decimal import Decimal
from types import BuiltinFunctionType, BuiltinMethodType, CoroutineType, FunctionType, MethodType

from .bigint import BigInt

# Quest Ints have no size limit (LANGUAGE.md §15), and neither have their
# digits: Python's default limit of 4300 digits for int <-> str conversion
# would make printing 10 ** 5000 a ValueErr.
sys.set_int_max_str_digits(0)


def format_float(x: float) -> str:
    """§9.2: integral values below 1e10 without a fraction; otherwise the
    shortest round-trip digits, positional, never an exponent or a '.0'."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < 1e10:
        if x == 0 and str(x).startswith("-"):
            return "-0"
        return str(int(x))
    text = repr(x)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text


def format_bytes(b: bytes) -> str:
    out = []
    for byte in b:
        if 32 <= byte < 127 and byte not in (34, 92):
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return 'b"' + "".join(out) + '"'


def to_str(v) -> str:
    """The string form of any value (§9.1)."""
    cls = v.__class__
    f = _STR_FORMS.get(cls)
    if f is not None:
        return f(v)
    return _other_str(v)


def to_rep(v) -> str:
    """``_rep()``: like `to_str`, but Str quoted, Decimal/BigInt wrapped (§9.1)."""
    cls = v.__class__
    if cls is str:
        return f'"{v}"'
    if cls is Decimal:
        return f"Decimal({_decimal_str(v)})"
    if cls is BigInt:
        return f"BigInt({v.value})"
    rep = getattr(v, "_q_rep", None)
    if rep is not None:
        return rep()
    return to_str(v)


def _decimal_str(d: Decimal) -> str:
    text = format(d, "f")
    return text


def _array_str(a: list) -> str:
    return "[" + ", ".join([to_str(x) for x in a]) + "]"


def _dict_str(d: dict) -> str:
    entries = sorted(f"{k}: {to_str(v)}" for k, v in d.items())
    return "{" + ", ".join(entries) + "}"


def _bool_str(b: bool) -> str:
    return "true" if b else "false"


_STR_FORMS = {
    str: lambda s: s,
    int: int.__repr__,
    float: format_float,
    bool: _bool_str,
    type(None): lambda _: "nil",
    list: _array_str,
    dict: _dict_str,
    bytes: format_bytes,
    Decimal: _decimal_str,
    BigInt: lambda b: str(b.value),
}


def _other_str(v) -> str:
    if isinstance(v, type):
        if hasattr(v, "type_name"):  # exception types print their bare name
            return v.type_name
        if getattr(v, "_q_builtin_type", False):
            return v._q_name
        return f"type {getattr(v, '_q_name', v.__name__)}"
    form = getattr(v, "_q_str", None)
    if form is not None:
        return form()
    if isinstance(v, FunctionType):
        name = v.__name__
        return "<fun <anonymous>>" if name == "<anonymous>" else f"<fun {name}>"
    if isinstance(v, (BuiltinFunctionType, BuiltinMethodType, MethodType)):
        return f"<fun {getattr(v, '__qualname__', v.__name__)}>"
    if isinstance(v, BaseException):
        from ...errors import QuestError

        if isinstance(v, QuestError):
            return f"{v.type_name}: {v.reason}"
        return f"RuntimeErr: {v}"
    if cls_is_coroutine(v):
        return f"<{AWAITABLE} {getattr(v, '__qualname__', '?')}()>"
    return f"<{type_name(v)}>"


def cls_is_coroutine(v) -> bool:
    return v.__class__ is CoroutineType


def unawaited(message: str, *values) -> str:
    """`message`, and when one of `values` is an Awaitable (an async call
    made without ``await``), a hint saying so."""
    for v in values:
        if v.__class__ is CoroutineType:
            name = getattr(v, "__qualname__", "") or ""
            what = f"{name}()" if name and "<" not in name else "the value"
            return f"{message}: {what} is {UNAWAITED}"
    return message


UNAWAITED = "an unawaited async call; did you forget `await`?"


def is_user_function(f) -> bool:
    """A function compiled from Quest (not one written in Python)."""
    return isinstance(f, FunctionType) and "_Q_QUEST" in f.__globals__


def type_name(v) -> str:
    """What ``v.cls()`` returns (§4)."""
    cls = v.__class__
    name = _TYPE_NAMES.get(cls)
    if name is not None:
        return name
    qname = getattr(cls, "_q_name", None)
    if qname is not None:
        return qname
    if isinstance(v, type):
        return "Type"
    if isinstance(v, FunctionType):
        return "UserFun" if is_user_function(v) else "Fun"
    if callable(v) and isinstance(v, (BuiltinFunctionType, BuiltinMethodType, MethodType)):
        return "Fun"
    if isinstance(v, BaseException):
        return "Exception"
    return cls.__name__


def class_name(cls) -> str:
    """The Quest type name of the values of a Python class."""
    name = _TYPE_NAMES.get(cls)
    if name is not None:
        return name
    qname = cls.__dict__.get("_q_name") or getattr(cls, "_q_name", None)
    if qname.__class__ is str:
        return qname
    if issubclass(cls, type):
        return "Type"
    if issubclass(cls, (FunctionType, BuiltinFunctionType, BuiltinMethodType, MethodType)):
        return "Fun"
    if issubclass(cls, BaseException):
        return "Exception"
    return cls.__name__


# An `async fun` called without `await` (or a std coroutine such as
# async.sleep(1)) is an Awaitable: what `v.cls()` says and what errors call it.
AWAITABLE = "Awaitable"

_TYPE_NAMES = {
    int: "Int", float: "Float", str: "Str", bool: "Bool", type(None): "Nil",
    list: "Array", dict: "Dict", bytes: "Bytes", Decimal: "Decimal", BigInt: "BigInt",
    CoroutineType: AWAITABLE,
}
