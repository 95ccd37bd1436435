"""Methods every Quest value answers (LANGUAGE.md §13): cls, str, _rep, _id, is, _doc."""

from __future__ import annotations

from ...errors import TypeErr
from .forms import to_rep, to_str, type_name
from .methods import UNIVERSAL


def _is(value, t) -> bool:
    """``v.is(T)``: T a type or a type name; names compare case-insensitively."""
    if t.__class__ is str:
        wanted = t
    elif isinstance(t, type) or hasattr(t, "_q_name"):
        wanted = getattr(t, "type_name", None) or getattr(t, "_q_name", None) or t.__name__
    else:
        raise TypeErr(f"is() expects a type or a type name, got {type_name(t)}")
    actual = type_name(value)
    if actual.lower() == wanted.lower():
        return True
    if actual == "Exception" and isinstance(value, BaseException):
        return getattr(value, "type_name", "").lower() == wanted.lower()
    return False


def _doc(value) -> str:
    doc = getattr(value, "_q_doc", None)
    if callable(doc):
        return doc()
    return f"{type_name(value)} value"


UNIVERSAL.update({
    "cls": type_name,
    "str": to_str,
    "_rep": to_rep,
    "_id": id,
    "is": _is,
    "_doc": _doc,
})
