"""Quest operators with Quest semantics (LANGUAGE.md §4.2–§4.4).

The compiler emits plain Python operators where it can prove the operand
types make Python's meaning Quest's (two Ints, say); everything else comes
here.  Python's numeric tower already is Quest's for Int, Float and Decimal,
so most functions try the Python operator first and only look closer when
a Str, a Bool, a Float/Decimal mix or an unsupported pairing is involved.

Decisions where the reference document is silent: Bool operands of
arithmetic count as 1 and 0; Array + Array concatenates and Array * Int
repeats (as `+=` and Str * Int do).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from ..errors import RuntimeErr, TypeErr, ValueErr
from .values.bigint import BigInt
from .values.forms import to_str, type_name, unawaited

EPSILON = 2.22e-16
_NUMBERS = (int, float, Decimal, BigInt)


def _num(v, op: str, other=None):
    """A Str operand parsed as a number (§4.2), or a TypeErr."""
    cls = v.__class__
    if cls is str:
        try:
            return float(v.strip().replace("_", ""))
        except ValueError:
            raise RuntimeErr(f"Cannot use string {v!r} as a number in '{op}'") from None
    if cls in (int, float, bool, Decimal, BigInt):
        return v
    raise TypeErr(_unsupported(op, v, other))


def _unsupported(op, a, b) -> str:
    if b is None:
        return unawaited(f"Unsupported operand type for '{op}': {type_name(a)}", a)
    return unawaited(f"Unsupported operand types for '{op}': {type_name(a)} and {type_name(b)}",
                     a, b)


def _a(name: str) -> str:
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def _too_large(op: str) -> RuntimeErr:
    """An Int too large for the Float it meets (``1.5 + 10 ** 400``)."""
    return RuntimeErr(f"Float overflow in '{op}': the Int is too large for a Float")


def _mix(a, b):
    """Promote a Float/Decimal pair to Decimal (§16: Float with Decimal gives Decimal)."""
    if a.__class__ is float and b.__class__ is Decimal:
        return Decimal(repr(a)), b
    if a.__class__ is Decimal and b.__class__ is float:
        return a, Decimal(repr(b))
    return a, b


def add(a, b):
    ca = a.__class__
    if ca is str:
        if b.__class__ is str:
            raise RuntimeErr("Cannot add two strings with '+'; use '..' to concatenate")
        a = _num(a, "+", b)
    if ca is list and b.__class__ is list:
        return a + b
    try:
        return a + b
    except TypeError:
        pass
    except OverflowError:
        raise _too_large("+") from None
    a, b = _mix(_num(a, "+", b), _num(b, "+", a))
    try:
        return a + b
    except TypeError:
        raise TypeErr(_unsupported("+", a, b)) from None
    except OverflowError:
        raise _too_large("+") from None


def sub(a, b):
    if a.__class__ is str:
        a = _num(a, "-", b)
    try:
        return a - b
    except TypeError:
        pass
    except OverflowError:
        raise _too_large("-") from None
    a, b = _mix(_num(a, "-", b), _num(b, "-", a))
    try:
        return a - b
    except TypeError:
        raise TypeErr(_unsupported("-", a, b)) from None
    except OverflowError:
        raise _too_large("-") from None


def mul(a, b):
    ca, cb = a.__class__, b.__class__
    if ca is str and cb is not int:
        a = _num(a, "*", b)
    elif cb is str and ca is not int:
        raise TypeErr(_unsupported("*", a, b))
    try:
        return a * b
    except TypeError:
        pass
    except (OverflowError, MemoryError):
        if ca in (str, list) or cb in (str, list):   # "ab" * 2 ** 70
            raise RuntimeErr(f"Cannot repeat {_a(type_name(a if cb is int else b))} "
                             f"{to_str(b if cb is int else a)} times: the result is too "
                             "large") from None
        raise _too_large("*") from None
    a, b = _mix(_num(a, "*", b), _num(b, "*", a))
    try:
        return a * b
    except TypeError:
        raise TypeErr(_unsupported("*", a, b)) from None
    except OverflowError:
        raise _too_large("*") from None


def div(a, b):
    """``/``: Ints truncate toward zero (7 / 2 == 3, -7 / 2 == -3)."""
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if b == 0:
            raise RuntimeErr("Division by zero")
        q = a // b
        if q < 0 and q * b != a:
            q += 1
        return q
    if ca is str:
        a = _num(a, "/", b)
    a, b = _mix(_num(a, "/", b), _num(b, "/", a))
    if not b:
        raise RuntimeErr("Division by zero")
    if a.__class__ is BigInt or b.__class__ is BigInt:
        return BigInt(div(_int_of(a), _int_of(b)))
    if a.__class__ in (int, bool) and b.__class__ in (int, bool):
        return div(int(a), int(b))
    try:
        return a / b
    except (TypeError, InvalidOperation):
        raise TypeErr(_unsupported("/", a, b)) from None
    except OverflowError:
        raise _too_large("/") from None


def mod(a, b):
    """``%``: the remainder takes the dividend's sign (-7 % 3 == -1)."""
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if b == 0:
            raise RuntimeErr("Modulo by zero")
        r = a % b
        if r and (a < 0) != (b < 0):
            r -= b
        return r
    if ca is str:
        a = _num(a, "%", b)
    a, b = _mix(_num(a, "%", b), _num(b, "%", a))
    if not b:
        raise RuntimeErr("Modulo by zero")
    if a.__class__ is BigInt or b.__class__ is BigInt:
        return BigInt(mod(_int_of(a), _int_of(b)))
    if a.__class__ in (int, bool) and b.__class__ in (int, bool):
        return mod(int(a), int(b))
    if a.__class__ is Decimal or b.__class__ is Decimal:
        try:
            return Decimal(a) % Decimal(b)  # Decimal % keeps the dividend's sign
        except InvalidOperation:            # an infinite dividend
            return Decimal("NaN")
    try:
        return math.fmod(a, b)
    except ValueError:   # an infinite dividend: no remainder, as IEEE's fmod says
        return math.nan
    except TypeError:
        raise TypeErr(_unsupported("%", a, b)) from None
    except OverflowError:
        raise _too_large("%") from None


def _int_of(v):
    if v.__class__ is BigInt:
        return v.value
    if v.__class__ is float and not math.isfinite(v):
        raise ValueErr(f"Cannot use {to_str(v)} with a BigInt: it has no Int value")
    return int(v)


def neg(a):
    """Unary ``-``: negates Int/Float; anything else becomes a Float (§4.2, Ref)."""
    cls = a.__class__
    if cls is int or cls is float:
        return -a
    return -float(_as_number(a, "-"))


def pos(a):
    cls = a.__class__
    if cls is int or cls is float:
        return a
    return float(_as_number(a, "+"))


def _as_number(a, op):
    cls = a.__class__
    if cls is BigInt:
        return a.value
    if cls in (bool, Decimal):
        return a
    return _num(a, op)


# -- bitwise: operands truncated to i64, result an Int (§4.2) -------------------

_I64 = 1 << 64


def _wrap64(v: int) -> int:
    v &= _I64 - 1
    return v - _I64 if v >= 1 << 63 else v


def _bits(v, op):
    cls = v.__class__
    if cls is int:
        return _wrap64(v)
    if v is None:
        return 0
    if cls is bool:
        return int(v)
    if cls is float:
        if v != v or v in (float("inf"), float("-inf")):
            raise RuntimeErr(f"Cannot use {to_str(v)} in '{op}'")
        return _wrap64(int(v))
    if cls is BigInt:
        return _wrap64(v.value)
    if cls is Decimal:
        return _wrap64(int(v))
    if cls is str:
        return _wrap64(int(_num(v, op)))
    raise TypeErr(_unsupported(op, v))


def bit_and(a, b):
    return _bits(a, "&") & _bits(b, "&")


def bit_or(a, b):
    return _bits(a, "|") | _bits(b, "|")


def bit_xor(a, b):
    return _bits(a, "^") ^ _bits(b, "^")


def bit_not(a):
    return ~_bits(a, "~")


def _shift_amount(b, op):
    n = _bits(b, op)
    if n < 0 or n >= 64:
        raise RuntimeErr(f"Shift amount out of range: {n}")
    return n


def shl(a, b):
    return _wrap64(_bits(a, "<<") << _shift_amount(b, "<<"))


def shr(a, b):
    return _bits(a, ">>") >> _shift_amount(b, ">>")


# -- concatenation --------------------------------------------------------------


def concat(a, b) -> str:
    """``..``: both sides in their string form (§4.5)."""
    return (a if a.__class__ is str else to_str(a)) + (b if b.__class__ is str else to_str(b))


# -- equality and ordering (§4.3) -------------------------------------------------


def eq(a, b) -> bool:
    ca, cb = a.__class__, b.__class__
    if ca is cb:
        if ca is float:
            return a == b or abs(a - b) < EPSILON
        if ca is list:
            return len(a) == len(b) and all(eq(x, y) for x, y in zip(a, b))
        if ca is dict:
            return a.keys() == b.keys() and all(eq(v, b[k]) for k, v in a.items())
        if getattr(ca, "_q_struct", False):
            return a is b
        if isinstance(a, type):
            return _type_key(a) == _type_key(b)
        return a == b
    if (ca is int and cb is float) or (ca is float and cb is int):
        try:
            return a == b or abs(a - b) < EPSILON
        except OverflowError:
            return False
    if isinstance(a, type) and isinstance(b, type):
        return _type_key(a) == _type_key(b)
    return False


def ne(a, b) -> bool:
    return not eq(a, b)


def _type_key(t):
    return getattr(t, "type_name", None) or getattr(t, "_q_name", None) or t.__name__


def _rank(v):
    cls = v.__class__
    if v is None:
        return 0
    if cls is bool:
        return 1
    if cls in _NUMBERS:
        return 2
    if cls is str:
        return 3
    return None


def compare(a, b) -> int:
    """-1, 0 or 1; unrelated types compare as equal (§4.3)."""
    ra, rb = _rank(a), _rank(b)
    if ra is None or rb is None:
        return 0
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 2:
        a, b = _mix(_plain_number(a), _plain_number(b))
        if (a.__class__ is Decimal and a.is_nan()) or (b.__class__ is Decimal and b.is_nan()):
            return 0   # like a Float NaN: neither less nor greater
    return (a > b) - (a < b)


def _plain_number(v):
    return v.value if v.__class__ is BigInt else v


def lt(a, b) -> bool:
    return compare(a, b) < 0


def le(a, b) -> bool:
    return compare(a, b) <= 0


def gt(a, b) -> bool:
    return compare(a, b) > 0


def ge(a, b) -> bool:
    return compare(a, b) >= 0


# -- compound assignment (§4.2) ---------------------------------------------------


def iadd(a, b):
    """``+=``: Str += Str concatenates; Array += Array makes a new array."""
    if a.__class__ is str and b.__class__ is str:
        return a + b
    return add(a, b)
