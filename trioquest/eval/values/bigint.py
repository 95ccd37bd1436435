"""Quest's BigInt: an integer type of its own (``123n``), distinct from Int.

Int is already unbounded in trioquest (LANGUAGE.md §15), so BigInt differs
only in type: ``42n.cls()`` is ``"BigInt"``, its string form is its digits and
its ``_rep()`` is ``BigInt(42)``.  Operators work between BigInts, and with an
Int on either side (the result is a BigInt).
"""

from __future__ import annotations


class BigInt:
    __slots__ = ("value",)

    def __init__(self, value: int) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"BigInt({self.value})"

    def __hash__(self) -> int:
        return hash(("BigInt", self.value))

    def __eq__(self, other):
        return isinstance(other, BigInt) and other.value == self.value

    def __bool__(self) -> bool:
        return self.value != 0

    def _pair(self, other):
        if isinstance(other, BigInt):
            return other.value
        if type(other) is int:
            return other
        return None

    def __lt__(self, other):
        o = self._pair(other)
        return NotImplemented if o is None else self.value < o

    def __le__(self, other):
        o = self._pair(other)
        return NotImplemented if o is None else self.value <= o

    def __gt__(self, other):
        o = self._pair(other)
        return NotImplemented if o is None else self.value > o

    def __ge__(self, other):
        o = self._pair(other)
        return NotImplemented if o is None else self.value >= o


def _binary(name, fn):
    def op(self, other):
        o = self._pair(other)
        if o is None:
            return NotImplemented
        return BigInt(fn(self.value, o))

    def rop(self, other):
        o = self._pair(other)
        if o is None:
            return NotImplemented
        return BigInt(fn(o, self.value))

    setattr(BigInt, f"__{name}__", op)
    setattr(BigInt, f"__r{name}__", rop)


_binary("add", lambda a, b: a + b)
_binary("sub", lambda a, b: a - b)
_binary("mul", lambda a, b: a * b)
