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
    """``T.name(args)`` / ``mod.name(args)``: call the member of that name."""
    def call(obj, *args, **kwargs):
        try:
            member = getattr(obj, name)
        except AttrErr:
            raise
        except AttributeError:
            raise AttrErr(f"{to_str(obj)} has no member '{name}'") from None
        return member(*args, **kwargs)

    return call


def _type_doc(t) -> str:
    doc = getattr(t, "_q_doc", None)
    if callable(doc):
        return doc()
    return t.__doc__ or f"Type definition: {to_str(t)}"


register(type, {"_doc": _type_doc}, fallback=_member)
