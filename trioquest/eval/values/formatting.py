"""Format specs (LANGUAGE.md §9.4), shared by f-strings and ``Str.fmt``.

``[[fill]align][sign][#][0][width][.precision][type]``; alignment defaults to
the right for every value; types ``x X b o`` (Floats truncated to Int first),
``e E``, and, as Python writes them, ``f``, ``d``, ``s`` and ``%``.  Precision
on an Int/Float prints fixed decimals, on a Str truncates it.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ...errors import ArgErr, ValueErr
from .bigint import BigInt
from .forms import to_str, type_name

_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>^]))?(?P<sign>[+ ])?(?P<alt>#)?(?P<zero>0)?"
    r"(?P<width>\d+)?(?:\.(?P<precision>\d+))?(?P<type>[xXboeEfds%])?", re.S)


def format_value(value, spec: str) -> str:
    """`value` formatted by a Quest format spec."""
    if not spec:
        return to_str(value)
    m = _SPEC.fullmatch(spec)
    if m is None:
        raise ValueErr(f"Invalid format spec '{spec}'")
    kind = m["type"]
    precision = int(m["precision"]) if m["precision"] is not None else None
    number = _number(value)
    if kind in ("x", "X", "b", "o", "d"):
        if number is None:
            raise ValueErr(f"Format '{kind}' needs a number, got {type_name(value)}")
        if number.__class__ is float and not math.isfinite(number):
            raise ValueErr(f"Format '{kind}' needs a finite number, got {to_str(value)}")
        body = format(int(number), kind)
        if m["alt"] and kind != "d":
            body = "0" + kind.lower().replace("d", "") + body if kind != "X" else "0X" + body
        return _finish(body, m, numeric=True, negative=number < 0)
    if kind in ("e", "E", "f", "%"):
        if number is None:
            raise ValueErr(f"Format '{kind}' needs a number, got {type_name(value)}")
        p = 6 if precision is None else precision
        body = format(_real(number), f".{p}{kind}")
        return _finish(body, m, numeric=True, negative=number < 0)
    if precision is not None and number is not None and kind != "s":
        body = format(_real(number), f".{precision}f")
        return _finish(body, m, numeric=True, negative=number < 0)
    text = to_str(value)
    if precision is not None:
        text = text[:precision]
    return _finish(text, m, numeric=number is not None and kind != "s",
                   negative=number is not None and number < 0)


def _real(number):
    """What ``f``/``e``/``%`` format: a Float as it is, an Int exactly (as a
    Decimal: ``10 ** 30`` has all its digits, ``10 ** 400`` no overflow)."""
    if number.__class__ is int:
        return Decimal(number)
    return number


def _number(value):
    cls = value.__class__
    if cls in (int, float, Decimal):
        return value
    if cls is BigInt:
        return value.value
    return None


def _finish(body: str, m, *, numeric: bool, negative: bool) -> str:
    if numeric and not negative and m["sign"]:
        body = m["sign"] + body
    width = int(m["width"]) if m["width"] else 0
    if len(body) >= width:
        return body
    if m["zero"] and numeric and not m["align"]:
        sign = body[0] if body[:1] in "+- " else ""
        digits = body[len(sign):]
        prefix = ""
        if digits[:2].lower() in ("0x", "0b", "0o"):
            prefix, digits = digits[:2], digits[2:]
        return sign + prefix + digits.rjust(width - len(sign) - len(prefix), "0")
    fill = m["fill"] or " "
    align = m["align"] or ">"
    pad = width - len(body)
    if align == "<":
        return body + fill * pad
    if align == "^":
        left = pad // 2
        return fill * left + body + fill * (pad - left)
    return fill * pad + body


_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def fmt(template: str, *args) -> str:
    """``"{} and {1:>4}".fmt(a, b)`` (§9.4): auto or explicit indexes, ``{{``/``}}``."""
    auto = 0

    def field(m):
        nonlocal auto
        text = m.group(0)
        if text == "{{":
            return "{"
        if text == "}}":
            return "}"
        inner = m.group(1)
        index, _, spec = inner.partition(":")
        if index.strip() == "":
            i = auto
            auto += 1
        elif index.strip().isdigit():
            i = int(index)
        else:
            raise ValueErr(f"Invalid placeholder '{{{inner}}}' in format string")
        if i >= len(args):
            raise ArgErr(f"Format string needs at least {i + 1} arguments, got {len(args)}")
        return format_value(args[i], spec)

    return _FIELD.sub(field, template)
