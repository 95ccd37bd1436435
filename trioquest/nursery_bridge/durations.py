"""Durations given to ``async.sleep``, ``async.timeout`` and
``async.timeout_channel``: one rule for all three (docs/concurrency.md,
"Durations").

* a number of seconds: Int, Float, BigInt or Decimal;
* zero or negative: a deadline already passed (``sleep`` is a checkpoint,
  ``timeout`` cancels its work at the work's first checkpoint,
  ``timeout_channel`` is ready at once);
* too long for a Float (``10 ** 400``) or infinite: no deadline, waits for ever;
* NaN: a ValueErr; anything else: a TypeErr naming its type.

Checked before the call does anything else.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ..errors import TypeErr, ValueErr
from ..eval.values.bigint import BigInt
from ..eval.values.forms import type_name, unawaited


def seconds(value, where: str) -> float:
    """`value` as a non-negative number of seconds (``math.inf``: for ever)."""
    cls = value.__class__
    if cls is BigInt:
        value, cls = value.value, int
    if cls is not int and cls is not float and cls is not Decimal:
        raise TypeErr(unawaited(f"{where} expects a number of seconds, got {type_name(value)}",
                                value))
    try:
        secs = float(value)
    except OverflowError:   # an Int beyond Float: longer than anything
        secs = math.inf if value > 0 else 0.0
    except ValueError:      # a signalling NaN Decimal
        secs = math.nan
    if secs != secs:
        raise ValueErr(f"{where} expects a number of seconds, got NaN")
    return max(secs, 0.0)
