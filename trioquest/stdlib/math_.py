"""``std/math`` (LANGUAGE.md §12)."""

from __future__ import annotations

import math

from ..errors import ValueErr
from ..eval.values.modules import QModule


def _float_fn(fn, name):
    def wrapped(x):
        try:
            return float(fn(x))
        except (ValueError, TypeError) as e:
            raise ValueErr(f"math.{name}: {e}") from None

    wrapped.__name__ = name
    wrapped.__qualname__ = f"math.{name}"
    return wrapped


def _round(x, places: int = 0) -> float:
    factor = 10.0 ** places
    value = abs(x) * factor
    rounded = math.floor(value + 0.5) / factor
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
