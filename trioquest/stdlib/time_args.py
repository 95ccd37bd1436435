"""Argument checks of ``std/time``, worded for Quest.

Dates and times are Python's datetime underneath, which fails with its own
messages (``unsupported type for timedelta days component: str``, ``Python
int too large to convert to C long``) or computes for ever (a Str times a
billion nanoseconds); each argument is checked first, and date arithmetic
that leaves the years 1..9999 is a ValueErr saying so.
"""

from __future__ import annotations

import functools
import math

from ..errors import TypeErr, ValueErr
from ..eval.values.args import index_arg, number_arg, str_arg
from ..eval.values.forms import type_name, unawaited


def of_type(v, qname: str, where: str, what: str = "the argument"):
    """`v` if it is a value of the std/time type named `qname`."""
    if getattr(v.__class__, "_q_name", None) == qname:
        return v
    raise TypeErr(unawaited(f"{where}: {what} must be a {qname}, got {type_name(v)}", v))


def one_of(v, qnames: tuple, where: str, what: str = "the argument"):
    if getattr(v.__class__, "_q_name", None) in qnames:
        return v
    kinds = " or ".join(f"a {q}" for q in qnames)
    raise TypeErr(unawaited(f"{where}: {what} must be {kinds}, got {type_name(v)}", v))


def amount(v, where: str, what: str = "the amount"):
    """A finite number (Int or Float) of some unit."""
    n = number_arg(v, where, what)
    if n.__class__ is float and not math.isfinite(n):
        raise ValueErr(f"{where}: {what} must be finite, got {v}")
    return n


def count(v, where: str, what: str = "the count") -> int:
    return index_arg(v, where, what)


def text(v, where: str, what: str = "the format") -> str:
    return str_arg(v, where, what)


def in_range(where: str):
    """Decorate date arithmetic: leaving datetime's years 1..9999 is a ValueErr."""
    def decorate(fn):
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except OverflowError:
                raise ValueErr(f"{where}: the date would be out of range "
                               "(years 1 to 9999)") from None
        return checked
    return decorate


def civil(make, where: str, *args):
    """``make(*args)`` (a datetime constructor) with Quest messages."""
    for a in args:
        if a.__class__ is not int and not hasattr(a, "utcoffset"):
            raise TypeErr(f"{where}: the parts of a date or time must be Ints, "
                          f"got {type_name(a)}")
    try:
        return make(*args)
    except OverflowError:
        raise ValueErr(f"{where}: a part of the date or time is out of range") from None
    except ValueError as e:
        raise ValueErr(f"{where}: {e}") from None
