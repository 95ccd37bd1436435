"""Method dispatch for every Quest value: ``obj.name(args)``.

Generated code calls methods through one table per Python class::

    METHODS[obj.__class__]["name"](obj, *args)

Both lookups are C-level dict subscripts.  A class met for the first time gets
its table built from the registered tables of its bases (`__missing__`), and a
name a table lacks resolves, also through `__missing__`, to a fallback: a
function stored in a Dict key or a struct field (LANGUAGE.md §8, §15), a
module member, or a caller that raises AttrErr naming the type and method.
"""

from __future__ import annotations

from ...errors import AttrErr
from .callables import CLASS_NAMES, adopt
from .forms import class_name, type_name, unawaited


class MethodTable(dict):
    """name -> function(receiver, *args); unknown names fall back (see module doc)."""

    __slots__ = ("owner", "fallback")

    def __init__(self, owner: str, methods=(), fallback=None) -> None:
        super().__init__(methods)
        self.owner = owner
        self.fallback = fallback

    def __missing__(self, name: str):
        if self.fallback is not None:
            caller = self.fallback(name)
            self[name] = caller
            return caller
        return _missing(name)


def _missing(name: str):
    def missing(receiver, *args, **kwargs):
        raise AttrErr(unawaited(f"Unknown method '{name}' on {type_name(receiver)}", receiver))

    return missing


class MethodTables(dict):
    """class -> MethodTable, completed lazily for subclasses and user types."""

    def __missing__(self, cls):
        table = None
        maker = getattr(cls, "_q_method_table", None)
        if maker is not None:
            table = maker()
        else:
            for base in cls.__mro__[1:]:
                if base in self:
                    table = self[base]
                    break
        if table is None:
            owner = class_name(cls)
            table = MethodTable(owner, _adopted(owner, UNIVERSAL))
        self[cls] = table
        return table


def _adopted(owner: str, methods: dict) -> dict:
    return {name: adopt(owner, name, fn) for name, fn in methods.items()}


METHODS = MethodTables()
UNIVERSAL: dict = {}  # filled by values.universal: cls, str, _rep, _id, is, _doc


def register(cls, methods: dict, *, fallback=None, universal: bool = True) -> MethodTable:
    """Install the Quest methods of a Python class (universal ones added)."""
    from . import universal  # noqa: F401  (fills UNIVERSAL before it is copied)

    inherited: dict = {}
    for base in reversed(cls.__mro__[1:]):
        if base in METHODS and base is not object:
            inherited.update(METHODS[base])
    owner = class_name(cls)
    CLASS_NAMES.setdefault(cls.__name__, owner)
    table = MethodTable(owner, _adopted(owner, {**(UNIVERSAL if universal else {}),
                                                **inherited, **methods}), fallback)
    METHODS[cls] = table
    return table


def call_method(receiver, name: str, *args, **kwargs):
    """``receiver.name(*args, **kwargs)`` with Quest semantics."""
    return METHODS[receiver.__class__][name](receiver, *args, **kwargs)
