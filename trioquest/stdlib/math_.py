"""``std/math`` (LANGUAGE.md §12)."""

from __future__ import annotations

import math

from ..errors import RuntimeErr, ValueErr
from ..eval.values.args import int_arg, number_arg
from ..eval.values.forms import to_str
from ..eval.values.modules import QModule


def _float_fn(fn, name):
    where = f"math.{name}()"

    def wrapped(x):
        x = number_arg(x, where)
        if x != x:
            return x   # NaN in, NaN out
        try:
            return float(fn(x))
        except ValueError:    # math domain error
            raise ValueErr(f"{where}: {to_str(x)} is outside its domain") from None
        except OverflowError:
            if x.__class__ is float and math.isinf(x):   # floor(inf), ceil(-inf)
                return x
            raise RuntimeErr(f"{where}: the result is too large for a Float") from None

    wrapped.__name__ = name
    wrapped.__qualname__ = f"math.{name}"
    return wrapped


def _round(x, places=0) -> float:
    x = number_arg(x, "math.round()")
    places = int_arg(places, "math.round()", "the number of places")
    try:
        factor = 10.0 ** places
        value = abs(x) * factor
        rounded = math.floor(value + 0.5) / factor
    except OverflowError:
        raise RuntimeErr("math.round(): the number is too large for a Float") from None
    except ValueError:    # NaN or an infinity: rounds to itself
        return float(x)
    return float(math.copysign(rounded, x))


def make_module(interpreter) -> QModule:
    module = QModule("math", "Mathematical functions and constants.")
    members = {
        "pi": math.pi, "tau": math.tau,
        **{name: _float_fn(getattr(math, py), name) for name, py in (
            ("sin", "sin"), ("cos", "cos"), ("tan", "tan"), ("asin", "asin"), ("acos", "acos"),
            ("atan", "atan"), ("sqrt", "sqrt"), ("ln", "log"), ("log10", "log10"),
            ("exp", "exp"), ("floor", "floor"), ("ceil", "ceil"))},
        "abs": _float_fn(abs, "abs"),
        "round": _round,
    }
    module.__dict__.update(members)
    return module
