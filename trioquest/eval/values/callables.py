"""Builtin callables under their Quest names, so that Python's own argument
errors name what the Quest user called.

Calling a builtin method with the wrong number of arguments is caught by
CPython, before any of our code runs, and CPython words the error with the
function's ``__qualname__``.  Every entry of a method table is therefore
given the qualname ``Type.method`` (`adopt`): a Python function is copied
under that name (the copy shares its code, so calls cost the same), and a
C builtin (``str.upper``, ``len``, ``abs``) is wrapped in a Python function
of the same parameters.  `RECEIVERS` remembers which qualnames take the
receiver as their first parameter, so that `wording` can count arguments
as the Quest user wrote them (``"a".repeat(1, 2)`` passes 2, not 3).
"""

from __future__ import annotations

import inspect
from types import FunctionType

# qualnames of functions whose first parameter is the receiver ("Str.repeat")
RECEIVERS: set[str] = set()

# Python class name -> Quest type name, for classes with a method table
CLASS_NAMES: dict[str, str] = {}

# the "file name" of a builtin's wrapper: "<builtin Str.trim>"
BUILTIN_PREFIX = "<builtin "


def adopt(owner: str, name: str, fn, *, receiver: bool = True):
    """`fn` as it should sit in the method table of Quest type `owner`."""
    qualname = f"{owner}.{name}"
    if receiver:
        RECEIVERS.add(qualname)
    if getattr(fn, "__qualname__", None) == qualname:
        return fn
    if isinstance(fn, FunctionType):
        return renamed(fn, qualname)
    if callable(fn) and not hasattr(fn, "__code__"):
        return _wrap_builtin(fn, qualname)
    return fn


def renamed(fn: FunctionType, qualname: str) -> FunctionType:
    """A copy of a Python function under another qualname (same code)."""
    copy = FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                        fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    copy.__dict__.update(fn.__dict__)
    copy.__doc__ = fn.__doc__
    copy.__module__ = fn.__module__
    copy.__qualname__ = qualname
    return copy


def _wrap_builtin(fn, qualname: str):
    """A Python function with the positional parameters of a C builtin."""
    params = _builtin_params(fn)
    if params is None:
        source = "def call(recv, *args):\n    return fn(recv, *args)\n"
        defaults = None
    else:
        names = [f"a{i}" for i in range(len(params))]
        source = f"def call({', '.join(names)}):\n    return fn({', '.join(names)})\n"
        defaults = tuple(p.default for p in params if p.default is not p.empty) or None
    scope: dict = {"fn": fn}
    exec(compile(source, f"{BUILTIN_PREFIX}{qualname}>", "exec"), scope)
    call = scope["call"]
    call.__defaults__ = defaults
    call.__qualname__ = qualname
    call.__name__ = qualname.rsplit(".", 1)[-1]
    call.__doc__ = getattr(fn, "__doc__", None)
    call.__wrapped__ = fn
    return call


def _builtin_params(fn):
    """The positional parameters of a C builtin, or None when it has no
    signature (CPython then checks its arguments itself)."""
    if isinstance(fn, type):   # float, dict, list as methods: the receiver only
        return [inspect.Parameter("x", inspect.Parameter.POSITIONAL_ONLY)]
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        return None
    return params


def builtin_type(cls):
    """Class decorator for a builtin type object (``Array``, ``Decimal``):
    errors of its static methods (``ArrayType.new``) name it by its Quest name."""
    CLASS_NAMES[cls.__name__] = cls._q_name
    return cls


def name_members(module_name: str, members: dict) -> None:
    """Give a std module's Python functions the qualnames ``math.sqrt``, so
    that their argument errors read ``math.sqrt() expects 1 argument``;
    constructors (classes) are named by their own ``__init__``."""
    for name, fn in list(members.items()):
        qualname = f"{module_name}.{name}"
        if isinstance(fn, FunctionType) and fn.__qualname__ != qualname \
                and not name.startswith("_"):
            members[name] = renamed(fn, qualname)


def is_receiver_call(qualname: str) -> bool:
    return qualname in RECEIVERS
