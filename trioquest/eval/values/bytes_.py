"""Bytes methods (LANGUAGE.md §13).  Bytes are immutable Python bytes."""

from __future__ import annotations

from ...errors import IndexErr, ValueErr
from .args import int_arg, str_arg
from .methods import register


def get(b: bytes, i) -> int:
    i = int_arg(i, "Bytes.get()", "the index")
    try:
        return b[i]
    except IndexError:
        raise IndexErr(f"Index out of bounds: {i} (length {len(b)})") from None


def slice_(b: bytes, start, end=None) -> bytes:
    n = len(b)
    start = int_arg(start, "Bytes.slice()", "the start")
    end = n if end is None else int_arg(end, "Bytes.slice()", "the end")
    if not (0 <= start <= n and 0 <= end <= n) or start > end:
        raise IndexErr(f"Invalid slice {start}..{end} of {n} bytes")
    return b[start:end]


def decode(b: bytes, encoding: str = "utf-8") -> str:
    enc = str_arg(encoding, "Bytes.decode()", "the encoding").lower()
    if enc == "hex":
        return b.hex()
    try:
        return b.decode("ascii" if enc == "ascii" else "utf-8")
    except UnicodeDecodeError as e:
        raise ValueErr(f"Invalid {encoding} data: {e.reason} at byte {e.start}") from None


register(bytes, {
    "len": len, "get": get, "slice": slice_, "decode": decode, "to_array": list,
})
