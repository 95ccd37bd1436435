"""``std/encoding/json`` (LANGUAGE.md §12).

``parse`` maps objects to Dicts, arrays to Arrays, integers to Ints, other
numbers to Floats and null to nil; invalid text is a ValueErr with line and
column.  ``stringify`` writes compact JSON with sorted keys; BigInt becomes a
string of its digits, Bytes a base64 string, Decimal a number.  Floats are
written as JSON numbers the way Python writes them (``1.0`` stays ``1.0``).
A struct is written as an object of its public fields; functions, types and
other values are a TypeErr.
"""

from __future__ import annotations

import base64
import json
import math
from decimal import Decimal

from ..errors import TypeErr, ValueErr
from ..eval.values.bigint import BigInt
from ..eval.values.forms import type_name
from ..eval.values.modules import QModule
from ..eval.values.sets import QSet
from ..eval.values.usertypes import QuestObject


def parse(text):
    if text.__class__ is not str:
        raise TypeErr(f"json.parse() expects a Str, got {type_name(text)}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueErr(f"Invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from None


def try_parse(text):
    try:
        return parse(text)
    except (ValueErr, TypeErr):
        return None


def is_valid(text) -> bool:
    return try_parse(text) is not None or text == "null"


def _plain(v):
    """A Quest value as plain JSON-able Python data."""
    cls = v.__class__
    if v is None or cls in (bool, int, str):
        return v
    if cls is float:
        if math.isnan(v) or math.isinf(v):
            raise ValueErr(f"Cannot write {v} as JSON")
        return v
    if cls is list:
        return [_plain(x) for x in v]
    if cls is dict:
        return {k: _plain(x) for k, x in v.items()}
    if cls is BigInt:
        return str(v.value)
    if cls is bytes:
        return base64.b64encode(v).decode()
    if cls is Decimal:
        return float(v) if v != v.to_integral_value() else int(v)
    if cls is QSet:
        return [_plain(x) for x in v.sorted()]
    if isinstance(v, QuestObject):
        return {f.name: _plain(getattr(v, v._q_slots[f.name])) for f in v._q_fields if f.pub}
    raise TypeErr(f"Cannot write a {type_name(v)} as JSON")


def stringify(v) -> str:
    return json.dumps(_plain(v), separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def stringify_pretty(v) -> str:
    return json.dumps(_plain(v), indent=2, sort_keys=True, ensure_ascii=False)


def make_module(interpreter) -> QModule:
    module = QModule("json", "JSON text to Quest values and back.")
    module.__dict__.update({
        "parse": parse, "try_parse": try_parse, "is_valid": is_valid,
        "stringify": stringify, "stringify_pretty": stringify_pretty,
    })
    return module
