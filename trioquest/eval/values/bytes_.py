"""Bytes methods (LANGUAGE.md §13).  Bytes are immutable Python bytes."""

from __future__ import annotations

from ...errors import IndexErr, ValueErr
from .methods import register


def get(b: bytes, i: int) -> int:
    try:
        return b[i]
    except IndexError:
        raise IndexErr(f"Index out of bounds: {i} (length {len(b)})") from None


def slice_(b: bytes, start: int, end: int | None = None) -> bytes:
    n = len(b)
    end = n if end is None else end
    if not (0 <= start <= n and 0 <= end <= n) or start > end:
        raise IndexErr(f"Invalid slice {start}..{end} of {n} bytes")
    return b[start:end]


def decode(b: bytes, encoding: str = "utf-8") -> str:
    enc = encoding.lower()
    if enc == "hex":
        return b.hex()
    try:
        return b.decode("ascii" if enc == "ascii" else "utf-8")
    except UnicodeDecodeError as e:
        raise ValueErr(f"Invalid {encoding} data: {e.reason} at byte {e.start}") from None


register(bytes, {
    "len": len, "get": get, "slice": slice_, "decode": decode, "to_array": list,
})
