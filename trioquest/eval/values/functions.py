"""Methods of functions, type objects and modules (LANGUAGE.md §8, §11, §13)."""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType

from ...errors import AttrErr
from .forms import is_user_function, to_str
from .methods import register


def _fun_name(f) -> str:
    return getattr(f, "__name__", "<anonymous>")


def _fun_doc(f) -> str:
    doc = getattr(f, "__doc__", None)
    if doc:
        return doc
    if is_user_function(f):
        name = f.__name__
        return "Anonymous function" if name == "<anonymous>" else f"User-defined function: {name}"
    return f"Built-in function: {_fun_name(f)}"


_FUNCTION_METHODS = {"_name": _fun_name, "_doc": _fun_doc}
for _cls in (FunctionType, BuiltinFunctionType, MethodType):
    register(_cls, _FUNCTION_METHODS)


def _member(name: str):
    """``T.name(args)``: call the static member of that name."""
    def call(t, *args, **kwargs):
        return static_member(t, name)(*args, **kwargs)

    return call


def static_member(t, name: str):
    """A type's member as Quest sees it: its static methods and constructors
    (``new``), not the Python methods of the class behind it (an error
    type's ``with_traceback``, a Set's ``sorted``)."""
    if not name.startswith("_"):
        for klass in t.__mro__:
            raw = klass.__dict__.get(name)
            if raw is not None:
                if isinstance(raw, (staticmethod, classmethod)):
                    return getattr(t, name)
                break
    raise AttrErr(f"{to_str(t)} has no member '{name}'")


def _type_doc(t) -> str:
    doc = getattr(t, "_q_doc", None)
    if callable(doc):
        return doc()
    return t.__doc__ or f"Type definition: {to_str(t)}"


register(type, {"_doc": _type_doc}, fallback=_member)
