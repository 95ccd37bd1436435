"""``**`` (LANGUAGE.md §15) and the size limit of Int results.

Int ** non-negative Int is an Int, anything else a Float (a Decimal when a
Decimal is involved).  Ints are unbounded, but a result Python would spend
hours computing, or run out of memory for, is refused instead.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from decimal import Overflow as DecimalOverflow

from ..errors import RuntimeErr, ValueErr
from .ops import _int_of, _mix, _num, _plain_number
from .values.bigint import BigInt

# An Int result longer than this many bits (about 5 million digits) is refused.
MAX_INT_BITS = 1 << 24


def int_power(a: int, e: int) -> int:
    """``a ** e`` of two Ints, e >= 0, within MAX_INT_BITS."""
    if e > 1 and (abs(a).bit_length() - 1) * e > MAX_INT_BITS:
        raise RuntimeErr(f"Integer overflow in '**': the result would be longer than "
                         f"{MAX_INT_BITS} bits")
    return a ** e


def int_shift(a: int, n: int) -> int:
    """``a << n`` of unbounded Ints (BigInt.shl), within MAX_INT_BITS."""
    if a and a.bit_length() + n > MAX_INT_BITS:
        raise RuntimeErr(f"Integer overflow in shl: the result would be longer than "
                         f"{MAX_INT_BITS} bits")
    return a << n if n >= 0 else a >> -n


def power(a, b):
    """``**`` (§15): Int ** non-negative Int is an Int, anything else a Float."""
    ca, cb = a.__class__, b.__class__
    if ca is int and cb is int:
        if b >= 0:
            return int_power(a, b)
        if a == 0:
            raise RuntimeErr("Division by zero")
        return _float_power(_float_of(a, "**"), b)
    if ca is BigInt and cb in (int, BigInt):
        e = _int_of(b)
        if e < 0:
            raise RuntimeErr("BigInt exponent must not be negative")
        return BigInt(int_power(a.value, e))
    a, b = _num(a, "**", b), _num(b, "**", a)
    if a.__class__ is Decimal or b.__class__ is Decimal:
        a, b = _mix(a, b)
        return _decimal_power(Decimal(_plain_number(a)), Decimal(_plain_number(b)))
    return _float_power(_float_of(a, "**"), _float_of(b, "**"))


def _decimal_power(a: Decimal, b: Decimal) -> Decimal:
    try:
        return a ** b
    except InvalidOperation:
        raise ValueErr(f"Invalid Decimal power: {a} ** {b} has no Decimal value") from None
    except (DecimalOverflow, OverflowError):
        raise RuntimeErr("Decimal overflow in '**': the result is too large") from None


def _float_of(v, op: str) -> float:
    try:
        return float(v)
    except OverflowError:
        raise RuntimeErr(f"Float overflow in '{op}': the operand is too large for a Float") \
            from None


def _float_power(a: float, b) -> float:
    if b.__class__ is int:
        try:
            b = float(b)
        except OverflowError:   # an exponent beyond Float: its limit
            b = math.inf if b > 0 else -math.inf
    try:
        result = a ** b
    except ZeroDivisionError:
        raise RuntimeErr("Division by zero") from None
    except OverflowError:
        raise RuntimeErr("Float overflow in '**'") from None
    if isinstance(result, complex):
        return float("nan")
    return result
