"""Reading Quest programs: a .q file, or the bytes of ``-c`` and stdin, as
UTF-8 text (a byte-order mark dropped), with a clear reason when that fails."""

from __future__ import annotations

from .source import Source


class UnreadableProgram(Exception):
    """A program file that cannot be read, or text that is not UTF-8: for
    the command line a usage error (exit status 2), for ``use`` an ImportErr."""


def read_source(path: str) -> Source:
    """Read a .q file as UTF-8; UnreadableProgram with a clear reason if that fails."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise UnreadableProgram(f"cannot read '{path}': no such file") from None
    except IsADirectoryError:
        raise UnreadableProgram(f"cannot read '{path}': it is a directory") from None
    except PermissionError:
        raise UnreadableProgram(f"cannot read '{path}': permission denied") from None
    except OSError as e:
        raise UnreadableProgram(f"cannot read '{path}': {e.strerror or e}") from None
    return Source(decode_program(data, f"'{path}'"), path)


def decode_program(data: bytes, what: str) -> str:
    """The text of a program given as bytes (a file, -c, stdin), without a
    byte-order mark; UnreadableProgram naming the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UnreadableProgram(
            f"cannot read {what}: not UTF-8 text (byte 0x{data[e.start]:02x} on line {line})"
        ) from None
    return text.removeprefix("\ufeff")
