"""Quest's Set (LANGUAGE.md §13): mutable, of Int, Float, Str and Bool only.

Elements are keyed so that `true` and `1` stay distinct, as they are
unequal in Quest; Int and Float keys that are equal coincide, as ``1 == 1.0``.
"""

from __future__ import annotations

import functools

from ...errors import KeyErr, RuntimeErr, TypeErr
from .. import ops
from .forms import to_rep, type_name
from .methods import register

_ALLOWED = (int, float, str, bool)


def _key(v):
    if v.__class__ not in _ALLOWED:
        raise TypeErr(f"Set elements must be Int, Float, Str or Bool, got {type_name(v)}")
    return (v.__class__ is bool, v)


class QSet:
    __slots__ = ("items",)
    _q_name = "Set"
    _q_builtin_type = True

    def __init__(self, values=()) -> None:
        self.items = {_key(v): v for v in values}

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(list(self.items.values()))

    def __eq__(self, other):
        return isinstance(other, QSet) and self.items.keys() == other.items.keys()

    __hash__ = None

    def sorted(self) -> list:
        return sorted(self.items.values(), key=functools.cmp_to_key(ops.compare))

    def _q_str(self) -> str:
        return "Set{" + ", ".join(to_rep(v) for v in self.sorted()) + "}"

    @staticmethod
    def new(values=()) -> QSet:
        return QSet(values)


def _new(keys: dict) -> QSet:
    s = QSet()
    s.items = keys
    return s


def _add(s: QSet, v) -> QSet:
    s.items[_key(v)] = v
    return s


def _remove(s: QSet, v) -> QSet:
    try:
        del s.items[_key(v)]
    except KeyError:
        raise KeyErr(f"Element not in set: {to_rep(v)}") from None
    return s


def _discard(s: QSet, v) -> QSet:
    s.items.pop(_key(v), None)
    return s


def _pop(s: QSet):
    if not s.items:
        raise RuntimeErr("Cannot pop from an empty set")
    return s.items.pop(next(iter(s.items)))


def _clear(s: QSet) -> QSet:
    s.items.clear()
    return s


def _other(o) -> dict:
    if isinstance(o, QSet):
        return o.items
    if isinstance(o, list):
        return {_key(v): v for v in o}
    raise TypeErr(f"Expected a Set, got {type_name(o)}")


register(QSet, {
    "contains": lambda s, v: v.__class__ in _ALLOWED and _key(v) in s.items,
    "len": len, "empty": lambda s: not s.items, "add": _add, "remove": _remove,
    "discard": _discard, "clear": _clear, "pop": _pop,
    "to_array": QSet.sorted, "sorted": QSet.sorted,
    "union": lambda s, o: _new({**s.items, **_other(o)}),
    "intersection": lambda s, o: _new({k: v for k, v in s.items.items() if k in _other(o)}),
    "difference": lambda s, o: _new({k: v for k, v in s.items.items() if k not in _other(o)}),
    "symmetric_difference": lambda s, o: _new(
        {**{k: v for k, v in s.items.items() if k not in _other(o)},
         **{k: v for k, v in _other(o).items() if k not in s.items}}),
    "is_subset": lambda s, o: s.items.keys() <= _other(o).keys(),
    "is_superset": lambda s, o: s.items.keys() >= _other(o).keys(),
    "is_disjoint": lambda s, o: not (s.items.keys() & _other(o).keys()),
})
