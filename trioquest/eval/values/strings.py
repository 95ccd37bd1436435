"""Str methods (LANGUAGE.md §13).  All are non-mutating."""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from decimal import Decimal, InvalidOperation

from ...errors import IndexErr, TypeErr, ValueErr
from .bigint import BigInt
from .formatting import fmt
from .args import MAX_INDEX, int_arg, str_arg
from .methods import register


def _len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode())  # UTF-8 bytes (§4.5)


def split(s: str, sep: str = " ") -> list:
    if sep == "":
        return list(s)
    return s.split(sep)


def slice_(s: str, a: int, b: int | None = None) -> str:
    n = len(s)
    a = _clamp(a, n)
    b = n if b is None else _clamp(b, n)
    return s[a:b] if a <= b else ""


def _clamp(i: int, n: int) -> int:
    if i.__class__ is not int:
        raise TypeErr("slice() expects Int positions")
    if i < 0:
        i += n
    return min(max(i, 0), n)


def index_of(s: str, sub: str) -> int:
    i = s.find(sub)
    if i <= 0 or s.isascii():
        return i
    return len(s[:i].encode())


def _predicate(name):
    method = getattr(str, name)
    return lambda s: bool(s) and method(s)


def to_int(s: str) -> int:
    text = s.strip().replace("_", "")
    try:
        lower = text.lower()
        sign = -1 if lower.startswith("-") else 1
        body = lower.lstrip("+-")
        for prefix, base in (("0x", 16), ("0b", 2), ("0o", 8)):
            if body.startswith(prefix):
                return sign * int(body[2:], base)
        return int(text, 10)
    except ValueError:
        raise ValueErr(f"Cannot convert '{s}' to Int") from None


def to_float(s: str) -> float:
    try:
        return float(s.strip().replace("_", ""))
    except ValueError:
        raise ValueErr(f"Cannot convert '{s}' to Float") from None


def to_decimal(s: str) -> Decimal:
    try:
        return Decimal(s.strip().replace("_", ""))
    except InvalidOperation:
        raise ValueErr(f"Cannot convert '{s}' to Decimal") from None


def to_bigint(s: str) -> BigInt:
    text = s.strip()
    if text[-1:] in ("n", "N"):
        text = text[:-1]
    return BigInt(to_int(text))


def ord_(s: str) -> int:
    if not s:
        raise ValueErr("ord() of an empty string")
    return ord(s[0])


def encode(s: str, encoding: str = "utf-8") -> str:
    enc = str_arg(encoding, "Str.encode()", "the encoding").lower()
    data = s.encode()
    if enc == "hex":
        return data.hex()
    if enc in ("b64", "base64"):
        return base64.b64encode(data).decode()
    if enc == "b64url":
        return base64.urlsafe_b64encode(data).decode()
    if enc in ("utf-8", "utf8"):
        return "[" + ", ".join(str(b) for b in data) + "]"
    raise ValueErr(f"Unknown encoding '{encoding}'")


def decode(s: str, encoding: str) -> str:
    enc = str_arg(encoding, "Str.decode()", "the encoding").lower()
    try:
        if enc == "hex":
            data = bytes.fromhex(s)
        elif enc in ("b64", "base64"):
            data = base64.b64decode(s, validate=True)
        elif enc == "b64url":
            data = base64.urlsafe_b64decode(s)
        else:
            raise ValueErr(f"Unknown encoding '{encoding}'")
        return data.decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        if isinstance(e, ValueErr):
            raise
        raise ValueErr(f"Cannot decode as {encoding}: {e}") from None


def hash_(s: str, alg: str) -> str:
    str_arg(alg, "Str.hash()", "the algorithm")
    if alg == "crc32":
        return f"{zlib.crc32(s.encode()):08x}"
    try:
        return hashlib.new(alg, s.encode()).hexdigest()
    except ValueError:
        raise ValueErr(f"Unknown hash algorithm '{alg}'") from None


def repeat(s: str, n: int) -> str:
    n = int_arg(n, "Str.repeat()", "the count")
    if s and len(s) * n > MAX_INDEX or abs(n) > MAX_INDEX:
        raise ValueErr(f"Str.repeat(): the result would be too long ({n} times)")
    return s * n


def _tab_size(n) -> int:
    n = int_arg(n, "Str.expandtabs()", "the tab size")
    if n > 4096:
        raise ValueErr(f"Str.expandtabs(): the tab size must be at most 4096, got {n}")
    return max(n, -1)


def concat(s: str, other) -> str:
    from .forms import to_str

    return s + to_str(other)


def _eq(s, other):
    from ..ops import eq

    return eq(s, other)


def _char_at(s: str, i) -> str:
    if i.__class__ is BigInt:
        i = i.value
    if i.__class__ is not int:
        raise TypeErr("String index must be an Int")
    try:
        return s[i]
    except IndexError:
        raise IndexErr(f"String index out of range: {i} (length {len(s)})") from None


register(str, {
    "len": _len, "concat": concat,
    "upper": str.upper, "lower": str.lower, "capitalize": str.capitalize, "title": str.title,
    "trim": str.strip, "ltrim": str.lstrip, "rtrim": str.rstrip,
    "repeat": repeat, "split": split, "slice": slice_, "replace": str.replace,
    "contains": str.__contains__,
    "startswith": str.startswith, "starts_with": str.startswith,
    "endswith": str.endswith, "ends_with": str.endswith,
    "index_of": index_of, "count": str.count,
    **{p: _predicate(p) for p in ("isalnum", "isalpha", "isascii", "isdigit", "isnumeric",
                                  "isdecimal", "islower", "isupper", "isspace", "istitle")},
    "expandtabs": lambda s, n=8: s.expandtabs(_tab_size(n)),
    "fmt": fmt,
    "to_int": to_int, "to_float": to_float, "to_decimal": to_decimal, "to_bigint": to_bigint,
    "ord": ord_, "bytes": lambda s: s.encode(), "encode": encode, "decode": decode,
    "hash": hash_, **{a: (lambda alg: lambda s: hash_(s, alg))(a)
                      for a in ("md5", "sha1", "sha256", "sha512", "crc32")},
    "eq": _eq, "neq": lambda s, o: not _eq(s, o),
    "char_at": _char_at,
})
