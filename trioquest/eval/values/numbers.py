"""Int, Float, Bool, Decimal and BigInt methods (LANGUAGE.md §13)."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ...errors import RuntimeErr, TypeErr, ValueErr
from .. import ops, power
from .bigint import BigInt
from .args import bytes_arg, index_arg, number_arg
from .callables import builtin_type
from .forms import format_float, type_name
from .methods import register


def _round_half_away(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _sign(x):
    return (x > 0) - (x < 0)


def _int_pow(a: int, n):
    if n.__class__ is int and n >= 0:
        return power.int_power(a, n)
    return power.power(float(a), n)


def _num_min(a, b):
    return b if ops.lt(b, a) else a


def _num_max(a, b):
    return b if ops.gt(b, a) else a


_ARITHMETIC = {
    "plus": ops.add, "minus": ops.sub, "times": ops.mul, "div": ops.div, "mod": ops.mod,
    "add": ops.add, "sub": ops.sub, "mul": ops.mul,
    "eq": ops.eq, "neq": ops.ne, "gt": ops.gt, "lt": ops.lt, "gte": ops.ge, "lte": ops.le,
    "min": _num_min, "max": _num_max,
}

def _to_float(i: int, where: str) -> float:
    try:
        return float(i)
    except OverflowError:
        raise RuntimeErr(f"{where}: the Int is too large for a Float") from None


def _finite(x: float, where: str) -> float:
    """A Float that has an Int value (not NaN or infinite)."""
    if x != x or x in (math.inf, -math.inf):
        raise ValueErr(f"{where}: {format_float(x)} has no Int value")
    return x


register(int, {
    **_ARITHMETIC,
    "abs": abs, "neg": lambda a: -a, "sign": _sign, "pow": _int_pow,
    "round": lambda a: a, "floor": lambda a: a, "ceil": lambda a: a, "trunc": lambda a: a,
    "to_f64": lambda a: _to_float(a, "Int.to_f64()"),
    "to_num": lambda a: _to_float(a, "Int.to_num()"),
    "to_float": lambda a: _to_float(a, "Int.to_float()"), "to_int": lambda a: a,
    "to_string": int.__repr__,
})


def _float_pow(a: float, b):
    return power.power(a, b)


register(float, {
    **_ARITHMETIC,
    "abs": abs, "neg": lambda a: -a, "sign": lambda a: float(_sign(a)), "pow": _float_pow,
    "floor": lambda a: math.floor(_finite(a, "Float.floor()")),
    "ceil": lambda a: math.ceil(_finite(a, "Float.ceil()")),
    "round": lambda a: _round_half_away(_finite(a, "Float.round()")),
    "trunc": lambda a: a if a != a or a in (math.inf, -math.inf) else float(math.trunc(a)),
    "to_int": lambda a: math.trunc(_finite(a, "Float.to_int()")),
    "to_string": format_float, "to_f64": lambda a: a,
    "is_nan": math.isnan, "is_infinite": math.isinf, "is_finite": math.isfinite,
})

register(bool, {
    "eq": lambda a, b: bool(a) == bool(b), "neq": lambda a, b: bool(a) != bool(b),
})


# -- Decimal -------------------------------------------------------------------

def _dec(v) -> Decimal:
    if v.__class__ is Decimal:
        return v
    if v.__class__ is float:
        return Decimal(repr(v))
    if v.__class__ in (int, bool):
        return Decimal(int(v))
    if v.__class__ is BigInt:
        return Decimal(v.value)
    if v.__class__ is str:
        from .strings import to_decimal

        return to_decimal(v)
    raise TypeErr(f"Expected a number for Decimal, got {type_name(v)}")


def _dec_round(d: Decimal, places=0) -> Decimal:
    places = index_arg(places, "Decimal.round()", "the number of places")
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


register(Decimal, {
    **_ARITHMETIC,
    "pow": lambda a, b: power.power(a, _dec(b)), "abs": abs, "neg": lambda a: -a,
    "round": _dec_round, "floor": lambda a: a.to_integral_value(ROUND_FLOOR),
    "ceil": lambda a: a.to_integral_value(ROUND_CEILING),
    "trunc": lambda a: a.to_integral_value(ROUND_DOWN),
    "sign": lambda a: _sign(a), "to_f64": float, "to_string": lambda a: format(a, "f"),
})


@builtin_type
class DecimalType:
    """The `Decimal` builtin: a type object with static constructors."""

    _q_name = "Decimal"
    _q_builtin_type = True

    @staticmethod
    def new(value) -> Decimal:
        return _dec(value)

    @staticmethod
    def from_f64(x) -> Decimal:
        return Decimal(repr(_to_float(number_arg(x, "Decimal.from_f64()"), "Decimal.from_f64()")))

    @staticmethod
    def zero() -> Decimal:
        return Decimal(0)

    @staticmethod
    def one() -> Decimal:
        return Decimal(1)


# -- BigInt --------------------------------------------------------------------

def _big(v) -> int:
    if v.__class__ is BigInt:
        return v.value
    if v.__class__ is int:
        return v
    raise TypeErr(f"Expected a BigInt or an Int, got {type_name(v)}")


def _bigop(fn):
    return lambda a, b: BigInt(fn(a.value, _big(b)))


def _big_div(a, b):
    return BigInt(ops.div(a.value, _big(b)))


def _big_mod(a, b):
    return BigInt(ops.mod(a.value, _big(b)))


def _to_bytes(a: BigInt) -> bytes:
    v = a.value
    length = max(1, (v.bit_length() + 8) // 8)
    return v.to_bytes(length, "big", signed=True)


register(BigInt, {
    "plus": _bigop(lambda x, y: x + y), "minus": _bigop(lambda x, y: x - y),
    "times": _bigop(lambda x, y: x * y), "div": _big_div, "mod": _big_mod,
    "divmod": lambda a, b: [_big_div(a, b), _big_mod(a, b)],
    "pow": lambda a, n: power.power(a, _big(n)), "abs": lambda a: BigInt(abs(a.value)),
    "negate": lambda a: BigInt(-a.value),
    "equals": lambda a, b: a.value == _big(b), "not_equals": lambda a, b: a.value != _big(b),
    "less_than": lambda a, b: a.value < _big(b), "less_equal": lambda a, b: a.value <= _big(b),
    "greater": lambda a, b: a.value > _big(b), "greater_equal": lambda a, b: a.value >= _big(b),
    "to_int": lambda a: a.value, "to_float": lambda a: _to_float(a.value, "BigInt.to_float()"),
    "to_string": lambda a: str(a.value),
    "is_zero": lambda a: a.value == 0, "is_positive": lambda a: a.value > 0,
    "is_negative": lambda a: a.value < 0, "is_even": lambda a: a.value % 2 == 0,
    "is_odd": lambda a: a.value % 2 == 1, "bit_length": lambda a: a.value.bit_length(),
    "bit_and": _bigop(lambda x, y: x & y), "bit_or": _bigop(lambda x, y: x | y),
    "bit_xor": _bigop(lambda x, y: x ^ y), "bit_not": lambda a: BigInt(~a.value),
    "shl": lambda a, n: BigInt(power.int_shift(a.value, _big(n))),
    "shr": lambda a, n: BigInt(power.int_shift(a.value, -_big(n))),
    "to_bytes": _to_bytes,
})


@builtin_type
class BigIntType:
    """The `BigInt` builtin: a type object with static constructors."""

    _q_name = "BigInt"
    _q_builtin_type = True

    @staticmethod
    def new(text) -> BigInt:
        from .strings import to_bigint

        if text.__class__ is int or text.__class__ is BigInt:
            return BigInt(_big(text))
        if text.__class__ is not str:
            raise TypeErr(f"BigInt.new() expects an Int or a Str of digits, got {type_name(text)}")
        return to_bigint(text)

    @staticmethod
    def from_int(i) -> BigInt:
        return BigInt(_big(i))

    @staticmethod
    def from_bytes(b: bytes) -> BigInt:
        return BigInt(int.from_bytes(bytes_arg(b, "BigInt.from_bytes()"), "big", signed=True))
