"""Array methods (LANGUAGE.md §13).  Arrays are mutable Python lists."""

from __future__ import annotations

import functools
import math

from ...errors import IndexErr, RuntimeErr, TypeErr, ValueErr
from .. import ops
from .args import int_arg, str_arg
from .callables import builtin_type
from .forms import to_str, type_name

MAX_ARRAY = 1 << 32   # elements Array.new makes at most (more would exhaust memory)
from .methods import register


def push(a: list, x) -> list:
    a.append(x)
    return a


def pop(a: list):
    if not a:
        raise RuntimeErr("Cannot pop from an empty array")
    return a.pop()


def shift(a: list):
    if not a:
        raise RuntimeErr("Cannot shift from an empty array")
    return a.pop(0)


def unshift(a: list, x) -> list:
    a.insert(0, x)
    return a


def get(a: list, i):
    if i.__class__ is float and math.isfinite(i):
        i = int(i)
    elif i.__class__ is not int:
        i = int_arg(i, "Array.get()", "the index")
    if i < 0:
        i = 0  # Ref: a negative index reads element 0
    try:
        return a[i]
    except IndexError:
        raise IndexErr(f"Index out of bounds: {i} (length {len(a)})") from None


def first(a: list):
    if not a:
        raise RuntimeErr("first() of an empty array")
    return a[0]


def last(a: list):
    if not a:
        raise RuntimeErr("last() of an empty array")
    return a[-1]


def insert(a: list, i: int, x) -> list:
    i = int_arg(i, "Array.insert()", "the index")
    if not -len(a) <= i <= len(a):
        raise IndexErr(f"Index out of bounds: {i} (length {len(a)})")
    a.insert(i if i >= 0 else len(a) + i, x)
    return a


def remove(a: list, x) -> bool:
    for i, y in enumerate(a):
        if ops.eq(y, x):
            del a[i]
            return True
    return False


def remove_at(a: list, i: int):
    i = int_arg(i, "Array.remove_at()", "the index")
    try:
        return a.pop(i)
    except (IndexError, OverflowError):
        raise IndexErr(f"Index out of bounds: {i} (length {len(a)})") from None


def clear(a: list) -> list:
    a.clear()
    return a


def reverse(a: list) -> list:
    a.reverse()
    return a


def sort(a: list, f=None) -> list:
    if f is None:
        a.sort(key=functools.cmp_to_key(ops.compare))
    else:
        a.sort(key=functools.cmp_to_key(lambda x, y: _cmp_result(f(x, y))))
    return a


def _cmp_result(r) -> int:
    if r.__class__ is bool:
        return -1 if r else 1
    return (r > 0) - (r < 0)


def sorted_(a: list, f=None) -> list:
    return sort(list(a), f)


def slice_(a: list, start: int, end: int | None = None) -> list:
    n = len(a)
    return a[start:n if end is None else end]


def join(a: list, sep: str = "") -> str:
    str_arg(sep, "Array.join()", "the separator")
    try:
        return sep.join(a)
    except TypeError:  # not all strings: use their string forms
        return sep.join([x if x.__class__ is str else to_str(x) for x in a])


def contains(a: list, x) -> bool:
    return any(ops.eq(y, x) for y in a)


def index_of(a: list, x) -> int:
    for i, y in enumerate(a):
        if ops.eq(y, x):
            return i
    return -1


def count(a: list, x) -> int:
    return sum(1 for y in a if ops.eq(y, x))


def map_(a: list, f) -> list:
    return [f(x) for x in list(a)]


def filter_(a: list, f) -> list:
    return [x for x in list(a) if f(x)]


def each(a: list, f) -> None:
    code = getattr(f, "__code__", None)
    if code is not None and code.co_argcount >= 2:
        for i, x in enumerate(list(a)):
            f(x, i)
    else:
        for x in list(a):
            f(x)
    return None


def reduce(a: list, f, init):
    acc = init
    for x in list(a):
        acc = f(acc, x)
    return acc


def any_(a: list, f) -> bool:
    return any(f(x) for x in list(a))


def all_(a: list, f) -> bool:
    return all(f(x) for x in list(a))


def find(a: list, f):
    for x in list(a):
        if f(x):
            return x
    return None


def find_index(a: list, f) -> int:
    for i, x in enumerate(list(a)):
        if f(x):
            return i
    return -1


register(list, {
    "len": len, "push": push, "pop": pop, "shift": shift, "unshift": unshift, "get": get,
    "first": first, "last": last, "insert": insert, "remove": remove, "remove_at": remove_at,
    "clear": clear, "reverse": reverse, "reversed": lambda a: a[::-1], "sort": sort,
    "sorted": sorted_, "slice": slice_, "concat": lambda a, b: a + list(b), "join": join,
    "contains": contains, "index_of": index_of, "count": count, "empty": lambda a: not a,
    "map": map_, "filter": filter_, "each": each, "reduce": reduce, "any": any_, "all": all_,
    "find": find, "find_index": find_index,
})


@builtin_type
class ArrayType:
    """The `Array` builtin: ``Array.new()``, ``Array.new(n)``, ``Array.new(n, value)``."""

    _q_name = "Array"
    _q_builtin_type = True

    @staticmethod
    def new(n: int = 0, value=None) -> list:
        if n.__class__ is not int:
            raise TypeErr(f"Array.new() expects an Int size, got {type_name(n)}")
        if n > MAX_ARRAY:
            raise ValueErr(f"Array.new(): {n} elements are too many")
        return [value] * max(n, 0)
