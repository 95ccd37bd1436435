"""A fuzzer over every builtin method: no Python wording, no internal errors.

For every kind of value a Quest program can hold (numbers, strings, bytes,
containers, functions, user types and errors, modules, std objects such as
time values, StringIO, files, channels, tasks and locks) and every method
of its method table (values.methods.METHODS), and for the functions of the
std modules and the static methods of the builtin types, each call is made
with no argument, with each value of ARGS, and with fixed pairs and triples
of them.  Each call must return a Quest value or raise a Quest error whose
message has no Python wording (PY_WORDING); a Python exception is accepted
only when it is one Quest code may cause (a TypeError of a call with the
wrong arguments, say) and its translation (exceptions.to_quest_error) is
worded for Quest.

Deterministic: the argument lists are fixed, no randomness; async methods
are awaited under Trio's MockClock, each for at most one virtual second.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import sys
import types
from decimal import Decimal

import trio
import trio.testing

from trioquest.errors import QuestError
from trioquest.eval import ops, power, runtime
from trioquest.eval.interpreter import Interpreter
from trioquest.eval.values.bigint import BigInt
from trioquest.eval.values.exceptions import to_quest_error
from trioquest.eval.values.forms import type_name
from trioquest.eval.values.functions import static_member
from trioquest.eval.values.methods import METHODS
from trioquest.eval.values.modules import QModule
from trioquest.eval.values.sets import QSet
from trioquest.nursery_bridge.runner import run_program
from trioquest.nursery_bridge.task import is_awaitable
from trioquest.source import Source

PY_WORDING = re.compile("|".join([
    r"NoneType", r"\bcoroutine\b", r"\bNone\b", r"Traceback", r"<lambda>", r"<locals>",
    r"'(?:str|int|float|list|dict|tuple|bytes|bool|object|function|set|type)'",
    r"\b(?:not|expected|must be|got|an?) (?:str|int|float|list|dict|tuple|bool)\b(?!\()",
    r"\b(?:str|int|float|list|dict|tuple|bytes|function|type) object\b",
    r"<(?:coroutine|function|class|bound method|built-in)\b", r"object at 0x",
    r"\bQ[A-Z]\w+", r"__\w+__", r"positional argument", r"keyword argument",
    r"takes (?:\d+|no|exactly|at least|at most|from)\b", r"were given", r"unsupported operand",
    r"\bdescriptor\b", r"\b(?:Type|Value|Attribute|Index|Key|Overflow|Memory|Runtime|Recursion|"
    r"ZeroDivision|Unicode\w*|OS|Lookup|Arithmetic|Assertion|Name|Import)Error\b",
    r"\bInvalidOperation\b", r"index-sized", r"C ssize_t|C long|C int\b",
    r"\bQuest[A-Z]\w*", r"\b(?:True|False)\b", r"_descriptor\b",
]))

# Python exceptions that Quest code may cause and that are translated to
# the Quest error it should see; any other one escaping a builtin is a bug.
TRANSLATED = (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, RecursionError)

SOURCE = '''
use "std/math"
use "std/sys"
use "std/time"
use "std/io"
use "std/async"
use "std/encoding/json"
use "std/error" {Error}
fun one(x) x end
fun two(a, b) a end
async fun later(x) x end
type Point
  pub x: Int
  y: Int
  fun norm() self.x + self.y end
  static fun origin() Point.new(x: 0, y: 0) end
end
type Oops
  impl Error
    fun message() "oops" end
    fun str() "Oops" end
  end
end
'''


def _values(d: dict, tmp: str) -> tuple[list, dict]:
    """(argument factories, receiver factories) over the module `d`."""
    t, io_, am = d["time"], d["io"], d["async"]
    args = [
        lambda: None, lambda: True, lambda: 0, lambda: -1, lambda: 2 ** 70, lambda: 10 ** 400,
        lambda: 1.5, lambda: float("nan"), lambda: float("-inf"), lambda: "", lambda: "abc",
        lambda: "h\u00e9llo \u2713", lambda: b"ab", lambda: [], lambda: [1, [2, "x"]],
        lambda: {"a": 1}, lambda: QSet([1, 2]), lambda: BigInt(7), lambda: Decimal("1.5"),
        lambda: d["one"], lambda: d["two"], lambda: d["later"](1),
        lambda: d["Point"].new(x=1, y=2), lambda: d["Point"], lambda: d["math"],
        lambda: "42", lambda: -2.5, lambda: -(2 ** 70), lambda: _error("ValueErr", "x"),
        lambda: t.seconds(5), lambda: t.date(2024, 3, 1), lambda: t.now(),
    ]

    async def reader():
        return await io_.open_async(tmp, "r")

    async def appender():
        return await io_.open_async(tmp, "a")

    receivers = {
        "Nil": lambda: None, "Bool": lambda: True, "Int": lambda: 5, "negative Int": lambda: -3,
        "huge Int": lambda: 2 ** 70, "Float": lambda: 2.5, "NaN": lambda: float("nan"),
        "infinity": lambda: float("inf"), "BigInt": lambda: BigInt(12),
        "Decimal": lambda: Decimal("2.5"), "Str": lambda: "abc", "non-ASCII Str": lambda: "h\u00e9",
        "empty Str": lambda: "", "Bytes": lambda: b"a\xffb", "Array": lambda: [3, 1, 2],
        "nested Array": lambda: [1, [2, "x"], None], "empty Array": lambda: [],
        "Dict": lambda: {"a": 1, "b": [2]}, "Set": lambda: QSet([1, "a"]),
        "user fun": lambda: d["one"], "builtin fun": lambda: runtime.BUILTINS["chr"],
        "method ref": lambda: runtime.attr("abc", "upper"),
        "struct": lambda: d["Point"].new(x=1, y=2), "user type": lambda: d["Point"],
        "user error": lambda: d["Oops"].new(), "error": lambda: _error("ValueErr", "bad"),
        "error type": lambda: _error_type("ValueErr"), "module": lambda: d["math"],
        "awaitable": lambda: d["later"](2), "Timestamp": lambda: t.now(),
        "Zoned": lambda: t.datetime(2024, 2, 29, 12, 30, 0), "Date": lambda: t.date(2024, 1, 31),
        "Time": lambda: t.time(12, 30, 15), "Span": lambda: t.seconds(90),
        "DateRange": lambda: t.range(t.date(2024, 1, 1), t.date(2024, 2, 1)),
        "StringIO": lambda: io_.StringIO("ab\ncd"), "File": reader, "File for appending": appender,
        "Channel": lambda: am.channel(2), "TimeoutChannel": lambda: am.timeout_channel(1),
        "Lock": lambda: am.Lock(), "Semaphore": lambda: am.Semaphore(2),
        "Event": lambda: am.Event(), "CapacityLimiter": lambda: am.CapacityLimiter(2),
        "Local": lambda: am.local(0), "Task": lambda: am.spawn(lambda: 1),
        "Stream": lambda: am.stream(lambda: None), "sys.stdout": lambda: d["sys"].stdout,
        "sys.stdin": lambda: d["sys"].stdin,
    }
    return args, receivers


def _error(name, message):
    return runtime.BUILTINS[name](message)


def _error_type(name):
    return runtime.BUILTINS[name]


def _functions(d: dict) -> list:
    """(label, function) of the std module functions and the static methods."""
    out = []
    for mod in (d["math"], d["time"], d["json"]):
        for name, fn in sorted(mod._q_members().items()):
            if callable(fn) and name != "sleep":   # time.sleep really sleeps
                out.append((f"{mod._q_module_name}.{name}", fn))
    out.append(("io.StringIO", d["io"].StringIO))
    for name in ("channel", "timeout_channel", "sleep", "timeout", "Lock", "Semaphore",
                 "Event", "CapacityLimiter", "local", "stream"):
        out.append((f"async.{name}", getattr(d["async"], name)))
    types = {"Array": runtime.ArrayType, "Decimal": runtime.DecimalType,
             "BigInt": runtime.BigIntType, "Set": runtime.QSet, "ValueErr": _error_type("ValueErr"),
             "Point": d["Point"]}
    for tname, t in types.items():
        for name in sorted(dir(t)):
            try:
                out.append((f"{tname}.{name}", static_member(t, name)))
            except QuestError:
                pass   # not a member Quest code can call
    out.append(("Dict.new", runtime.TYPE_WORD_STATICS["Dict"]["new"]))
    return out


def _argument_lists(n: int) -> list[tuple[int, ...]]:
    """Indexes into the arguments: none, each one, each with 8 partners (every
    value on each side of a pair), and 2 triples starting with each."""
    lists = [()] + [(i,) for i in range(n)]
    lists += [(i, (i * 7 + k) % n) for i in range(n) for k in (0, 1, 3, 4, 9, 11, 17, 23)]
    lists += [(i, (i * 5 + k) % n, (i * 3 + 2 * k + 9) % n) for i in range(n) for k in (2, 7)]
    return lists


def _describe(v) -> str:
    try:
        return type_name(v)
    except Exception:  # noqa: BLE001
        return type(v).__name__


QUEST_CLASSES = (int, float, str, bool, type(None), list, dict, bytes, Decimal, BigInt,
                 types.CoroutineType, types.FunctionType, types.BuiltinFunctionType,
                 types.MethodType, type, BaseException)


def _bad_value(v, depth: int = 0) -> str | None:
    """Why `v` is no Quest value (None if it is one): a Python object that
    Quest has no name for, or whose name is Python's."""
    name = type_name(v)
    named = isinstance(v, QUEST_CLASSES) or getattr(v.__class__, "_q_name", None) is not None
    if not named or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) or PY_WORDING.search(name):
        return f"returned a value of Python type {type(v).__name__}"
    if depth < 2 and v.__class__ is list:
        for x in v:
            bad = _bad_value(x, depth + 1)
            if bad:
                return bad
    return None


CALLEE = re.compile(r"\b([A-Za-z_]\w*)\.\w+\(\)")


def _quest_names() -> set:
    """The names a message may put before ``.method()``: Quest types and modules."""
    names = {table.owner for table in list(METHODS.values())}
    names |= {"Array", "Decimal", "BigInt", "Set", "Dict", "async", "math", "time", "json",
              "io", "sys", "Point", "Oops"}
    return names | set(runtime._ERROR_TYPES)


class Fuzz:
    def __init__(self) -> None:
        self.calls = 0
        self.failures: dict[str, str] = {}
        self.names: set = set()

    def python_words(self, message: str) -> bool:
        """Whether `message` speaks Python: a Python word, or a callee whose
        owner is no Quest type or module (``ArrayType.new()``)."""
        if PY_WORDING.search(message):
            return True
        owners = CALLEE.findall(message)
        if any(owner not in self.names for owner in owners):
            self.names = _quest_names()   # classes registered since (std/io's File)
        return any(owner not in self.names for owner in owners)

    def fail(self, problem: str, label: str, args: tuple) -> None:
        key = re.sub(r"\d+", "N", problem)
        self.failures.setdefault(key, f"{label}({', '.join(_describe(a) for a in args)}): "
                                      f"{problem}")

    async def call(self, label: str, fn, args: tuple) -> None:
        self.calls += 1
        try:
            result = fn(*args)
            if is_awaitable(result) and not any(result is a for a in args):
                with trio.move_on_after(1):
                    result = await result
            bad = _bad_value(result)
            if bad:
                self.fail(bad, label, args)
        except QuestError as exc:
            if self.python_words(exc.reason):
                self.fail(f"{exc.type_name}: {exc.reason}", label, args)
        except trio.Cancelled:
            raise
        except BaseException as exc:  # noqa: BLE001 - what the fuzzer is looking for
            if type(exc).__name__ == "QuestExit":
                return
            err = to_quest_error(exc) if isinstance(exc, Exception) else None
            if not isinstance(exc, TRANSLATED) or err is None \
                    or self.python_words(err.reason):
                shown = f" -> {err.type_name}: {err.reason}" if err is not None else ""
                self.fail(f"Python {type(exc).__name__}: {exc}{shown}", label, args)
        finally:
            for a in args:
                if a.__class__.__name__ == "coroutine":
                    a.close()


async def _fuzz(interp, module, tmp: str) -> Fuzz:
    result, _ = interp.start(Source(SOURCE, "fuzz.q"), module, export_all=True)
    if is_awaitable(result):
        await result
    d = module.__dict__
    args, receivers = _values(d, tmp)
    lists = _argument_lists(len(args))
    fuzz = Fuzz()

    async def make(factory):
        value = factory()
        return await value if inspect.iscoroutinefunction(factory) else value

    for label, factory in receivers.items():
        probe = await make(factory)
        names = sorted(METHODS[probe.__class__])
        _discard(probe)
        for name in names:
            for indexes in lists:
                receiver = await make(factory)
                method = METHODS[receiver.__class__][name]
                await fuzz.call(f"{label}.{name}", lambda *a: method(receiver, *a),
                                tuple(args[i]() for i in indexes))
                _discard(receiver)
    for label, fn in _functions(d):
        for indexes in lists:
            await fuzz.call(label, fn, tuple(args[i]() for i in indexes))
    return fuzz


def _discard(value) -> None:
    if value.__class__.__name__ == "coroutine":
        value.close()


@contextlib.contextmanager
def _stdin(stream):
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def test_no_builtin_method_speaks_python(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("one\ntwo\n")
    interp = Interpreter(["fuzz"])
    module = QModule("fuzz")
    done = []

    async def body():
        done.append(await _fuzz(interp, module, str(path)))

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            _stdin(io.StringIO("typed\n")):
        run_program(body, clock=trio.testing.MockClock(autojump_threshold=0))
    fuzz = done[0]
    print(f"method fuzz: {fuzz.calls} calls, {len(fuzz.failures)} distinct failures")
    assert fuzz.calls > 100_000
    assert not fuzz.failures, "\n".join(sorted(fuzz.failures.values()))


OPERATORS = {
    **{f"'{op}'": getattr(ops, name) for op, name in (
        ("+", "add"), ("-", "sub"), ("*", "mul"), ("/", "div"), ("%", "mod"), ("&", "bit_and"), ("|", "bit_or"), ("^", "bit_xor"), ("<<", "shl"), (">>", "shr"),
        ("..", "concat"), ("==", "eq"), ("<", "lt"), (">=", "ge"), ("+=", "iadd"))},
    "'**'": power.power,
    "index": runtime.index, "set_index": lambda a, b: runtime.set_index(a, b, 1),
    "range": lambda a, b: runtime.qrange(a, b, True) and None, "match range": lambda a, b:
        runtime.in_range(a, 0, b, True), "format": lambda a, b: runtime.format_value(a, "x")
        if b is None else runtime.format_value(a, ">8.2"),
}
UNARY = {
    "'-'": lambda a: ops.neg(a), "'~'": lambda a: ops.bit_not(a),
    "str": runtime.to_str, "for": lambda a: list(runtime.iterate(a)),
    "for pairs": lambda a: [list(pair) for pair in runtime.iterate_pairs(a)], "field": lambda a: runtime.attr(a, "x"),
    "*spread": runtime.spread, "**spread": runtime.merge_kwargs, "raise": runtime.raise_value,
    "catch": runtime.check_catch_type,
}


def test_no_operator_speaks_python(tmp_path):
    """Every operator and runtime helper over every pair of values."""
    interp = Interpreter(["fuzz"])
    module = QModule("fuzz")
    done = []

    async def body():
        result, _ = interp.start(Source(SOURCE, "fuzz.q"), module, export_all=True)
        if is_awaitable(result):
            await result
        args, receivers = _values(module.__dict__, str(tmp_path / "f.txt"))
        values = args + [f for label, f in receivers.items()
                         if not inspect.iscoroutinefunction(f) and label != "Task"]
        fuzz = Fuzz()
        for label, op in OPERATORS.items():
            for a in values:
                for b in values:
                    await fuzz.call(label, op, (a(), b()))
        for label, op in UNARY.items():
            for a in values:
                await fuzz.call(label, op, (a(),))
        done.append(fuzz)

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run_program(body, clock=trio.testing.MockClock(autojump_threshold=0))
    fuzz = done[0]
    print(f"operator fuzz: {fuzz.calls} calls, {len(fuzz.failures)} distinct failures")
    assert fuzz.calls > 50_000
    assert not fuzz.failures, "\n".join(sorted(fuzz.failures.values()))
