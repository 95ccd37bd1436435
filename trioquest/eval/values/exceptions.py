"""Errors as Quest values (LANGUAGE.md §7): methods, locations, Quest stacks,
and the translation of Python exceptions into Quest errors.

Generated code uses Python operators and Python containers directly, so an
error in a Quest program often surfaces as a Python exception (IndexError,
ZeroDivisionError, UnboundLocalError, ...).  `to_quest_error` turns it into
the Quest error the reference raises, located at the innermost Quest frame
of its traceback; the original stays available as ``__cause__``.
"""

from __future__ import annotations

import decimal
import re
import sys
from array import array

from ... import errors as E
from ...errors import QuestError
from .forms import to_str, type_name
from .callables import BUILTIN_PREFIX
from .methods import register

# filename -> Source of every compiled Quest file, for locations and columns.
QUEST_SOURCES: dict = {}


class QuestRaised(QuestError):
    """``raise obj`` of a struct whose type implements ``Error`` (§7.2)."""

    def __init__(self, value) -> None:
        message = value.message() if hasattr(value, "message") else to_str(value)
        super().__init__(to_str(message))
        self.value = value
        self.type_name = value._q_name


def _new_error(cls, *args):
    if len(args) != 1:
        raise E.ArgErr(f"{cls.type_name}.new() expects 1 argument (the message), got {len(args)}")
    if args[0].__class__ is not str:
        raise E.TypeErr(f"{cls.type_name}.new() expects a Str message, got {type_name(args[0])}")
    return cls(args[0])


QuestError.new = classmethod(_new_error)


def error_type(err: QuestError):
    """The Quest type object of an error: its class, or the user type raised."""
    if isinstance(err, QuestRaised):
        return err.value.__class__
    return err.__class__


def stack_frames(err: QuestError) -> list[tuple[str, str, int]]:
    """(function, file, line) of each Quest frame, outermost first."""
    frames = getattr(err, "_q_stack", None)
    if frames is None:
        frames = _outer_frames(None) + _traceback_frames(err.__traceback__)
        err._q_stack = frames
    return frames


def raised_in_quest(exc: BaseException) -> bool:
    """Whether a Python exception was raised while running Quest code (and is
    therefore a Quest error, not a bug of trioquest)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in QUEST_SOURCES:
            return True
        tb = tb.tb_next
    return False


def _traceback_frames(tb) -> list:
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in QUEST_SOURCES:
            frames.append((code.co_name, code.co_filename, _line(code, tb.tb_lasti, tb)))
        tb = tb.tb_next
    return frames


def _outer_frames(frame) -> list:
    frames = []
    while frame is not None:
        code = frame.f_code
        if code.co_filename in QUEST_SOURCES:
            frames.append((code.co_name, code.co_filename, _line(code, frame.f_lasti, frame)))
        frame = frame.f_back
    frames.reverse()
    return frames


def _stack(err: QuestError) -> list:
    return [f"  at {name} ({path}:{line})" for name, path, line in stack_frames(err)]


register(QuestError, {
    "message": lambda e: e.reason,
    "type": error_type,
    "str": lambda e: f"{e.type_name}: {e.reason}",
    "_rep": lambda e: f"{e.type_name}: {e.reason}",
    "stack": _stack,
    "line": lambda e: e.line,
    "file": lambda e: e.filename,
    "cause": lambda e: None,
    "_doc": lambda e: e.__class__.__doc__ or "Exception",
})


# -- locating and translating --------------------------------------------------


def caught(exc: BaseException) -> QuestError:
    """The Quest error for an exception caught by Quest code (``catch``).

    Records the frames outside the catching one now, while they exist, so
    that ``e.stack()`` can list the whole Quest stack later.
    """
    err = to_quest_error(exc)
    if getattr(err, "_q_stack", None) is None:
        err._q_stack = _outer_frames(sys._getframe(2)) + _traceback_frames(exc.__traceback__)
    return err


def to_quest_error(exc: BaseException) -> QuestError:
    if isinstance(exc, QuestError):
        err = exc
    else:
        err = _translate(exc)
        err.__cause__ = exc
        err.__traceback__ = exc.__traceback__
    if err.line is None:
        locate(err, exc.__traceback__)
    return err


def locate(err: QuestError, tb) -> None:
    """Set file/line/col from the innermost Quest frame of a traceback."""
    found = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in QUEST_SOURCES:
            found = tb
        tb = tb.tb_next
    if found is None:
        return
    code = found.tb_frame.f_code
    line, col = instruction_position(code, found.tb_lasti)
    if line is None:
        line, col = found.tb_lineno, None
    elif col is not None:
        col = _char_column(QUEST_SOURCES[code.co_filename], line, col)
    err.filename = code.co_filename
    err.line = line
    err.col = col if col is not None else 1


# Start (line, byte column) of every instruction of recently located code
# objects: ``co_positions()`` is decoded once per code object, so locating an
# error costs the same in a function of ten lines or of ten thousand.
_POSITIONS: dict[int, tuple] = {}
_POSITIONS_KEPT = 64


def instruction_position(code, lasti: int) -> tuple[int | None, int | None]:
    """(line, 0-based byte column) where the instruction at byte offset
    `lasti` of `code` starts, each None when unknown."""
    entry = _POSITIONS.get(id(code))
    if entry is None or entry[0] is not code:
        lines, cols = array("i"), array("i")
        for start, _end, col, _end_col in code.co_positions():
            lines.append(-1 if start is None else start)
            cols.append(-1 if col is None else col)
        if len(_POSITIONS) >= _POSITIONS_KEPT:
            del _POSITIONS[next(iter(_POSITIONS))]   # the oldest
        entry = _POSITIONS[id(code)] = (code, lines, cols)
    _, lines, cols = entry
    i = lasti // 2
    if not 0 <= i < len(lines) or lines[i] < 0:
        return None, None
    return lines[i], (None if cols[i] < 0 else cols[i])


def _line(code, lasti: int, where) -> int:
    """The line of an instruction, from the positions `instruction_position`
    decoded once per code object (Python's ``tb_lineno``/``f_lineno`` scan
    the line table each time: a cost that grows with the function)."""
    line = instruction_position(code, lasti)[0]
    return line if line is not None else (where.tb_lineno if hasattr(where, "tb_lineno")
                                          else where.f_lineno)


def _char_column(source, line: int, byte_col: int) -> int:
    text = source.line_text(line)
    if text.isascii():
        return byte_col + 1
    return len(text.encode()[:byte_col].decode(errors="ignore")) + 1


_UNBOUND = re.compile(r"(?:local variable|free variable|variable) '(\w+)'")


def quest_name(py_name: str) -> str:
    """The Quest name behind a Python local (``x__2`` -> ``x``, ``end_`` -> ``end``)."""
    name = re.sub(r"__\d+$", "", py_name)
    return name[:-1] if name.endswith("_") and len(name) > 1 else name


def _translate(exc: BaseException) -> QuestError:
    """The Quest error for a Python exception, worded for the Quest user."""
    from . import wording   # its patterns cost ~6 ms to compile: only when an error needs them

    msg = str(exc)
    if isinstance(exc, ZeroDivisionError):
        return E.RuntimeErr("Modulo by zero" if "modulo" in msg else "Division by zero")
    if isinstance(exc, RecursionError):
        return E.RuntimeErr("Maximum recursion depth exceeded")
    if isinstance(exc, NameError):
        m = _UNBOUND.search(msg) or re.search(r"name '(\w+)'", msg)
        name = quest_name(m.group(1)) if m else "?"
        return E.NameErr(f"Undefined variable: {name}")
    if isinstance(exc, IndexError):
        return E.IndexErr("Index out of bounds" if "out of range" in msg
                          else wording.value_message(msg))
    if isinstance(exc, KeyError):
        return E.KeyErr(f"Key not found: {to_str(exc.args[0]) if exc.args else ''}")
    if isinstance(exc, TypeError):
        callee = _builtin_callee(exc.__traceback__)
        arity = wording.arity_message(msg, callee)
        if arity is not None:
            return E.ArgErr(arity)
        return E.TypeErr(wording.type_message(msg, callee))
    if isinstance(exc, AttributeError):
        return E.AttrErr(wording.type_message(msg))
    if isinstance(exc, decimal.DecimalException):
        return _decimal_error(exc)
    if isinstance(exc, UnicodeError):
        return E.ValueErr(msg)
    if isinstance(exc, ValueError):
        return E.ValueErr(wording.value_message(msg))
    if isinstance(exc, OSError):
        text = exc.strerror or msg
        return E.IOErr(f"{text}: {exc.filename}" if exc.filename else text)
    if isinstance(exc, OverflowError):
        return E.RuntimeErr(wording.overflow_message(msg))
    if isinstance(exc, MemoryError):
        return E.RuntimeErr("Out of memory")
    return E.RuntimeErr(wording.runtime_message(msg))


def _builtin_callee(tb) -> str | None:
    """The Quest name of the innermost C builtin method a traceback went
    through (its wrapper, see callables), e.g. ``Str.trim``."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(BUILTIN_PREFIX):
            found = filename[len(BUILTIN_PREFIX):-1]
        tb = tb.tb_next
    return found


def _decimal_error(exc) -> QuestError:
    if isinstance(exc, decimal.Overflow):
        return E.RuntimeErr("Decimal overflow: the result is too large")
    if isinstance(exc, (decimal.Underflow, decimal.Subnormal)):
        return E.RuntimeErr("Decimal underflow: the result is too small")
    return E.ValueErr("Invalid Decimal operation")
