"""Python's error messages in Quest's words.

Generated code calls builtins and Quest functions directly, so a call with
the wrong arguments, or a value of the wrong type reaching a Python builtin,
fails with CPython's message (``repeat() takes 2 positional arguments but 3
were given``, ``must be str, not NoneType``).  `quest_message` rewrites the
messages CPython produces for such mistakes: arity in Quest terms (the
receiver of a method not counted, see `callables`), Python type names as
Quest type names.  A message it does not know is returned with the type
names replaced only.
"""

from __future__ import annotations

import re

from .callables import CLASS_NAMES, is_receiver_call
from .forms import UNAWAITED

PY_TYPES = {
    "int": "Int", "float": "Float", "str": "Str", "bool": "Bool", "NoneType": "Nil",
    "list": "Array", "dict": "Dict", "bytes": "Bytes", "tuple": "Array", "bytearray": "Bytes",
    "function": "Fun", "builtin_function_or_method": "Fun", "method": "Fun",
    "coroutine": "Awaitable", "type": "Type", "Decimal": "Decimal", "range": "Array",
    "decimal.Decimal": "Decimal", "complex": "Float", "object": "value", "None": "Nil",
    "QuestTypeMeta": "Type", "member_descriptor": "value", "NotImplementedType": "value",
}


def quest_type(py_name: str) -> str:
    """The Quest name of a Python class named in a message."""
    return PY_TYPES.get(py_name) or CLASS_NAMES.get(py_name) or py_name


def quest_callee(py_name: str) -> str:
    """``name()`` as the user knows it: ``Str.repeat()``, ``f()``, ``str.upper`` ->
    ``Str.upper()``; compiled names lose their suffixes (``x__2`` -> ``x``)."""
    from .exceptions import quest_name

    if py_name in ("<anonymous>", "<lambda>"):
        return "the anonymous function"
    owner, dot, method = py_name.rpartition(".")
    if method == "__init__":   # a constructor: StringIO(...), async.Lock()
        return f"{quest_type(owner)}()"
    if dot and "<" not in py_name:
        return f"{quest_type(owner)}.{method}()"
    return f"{quest_name(py_name.rsplit('.', 1)[-1])}()"


def _plural(n: int, word: str = "argument") -> str:
    return f"{n} {word}" if n == 1 else f"{'no' if n == 0 else n} {word}s"


def _counts(callee: str, low: int, high: int | None, got: int) -> str:
    if high is None:
        wanted = f"at least {_plural(low)}"
    elif low == high:
        wanted = _plural(low)
    elif low == 0:
        wanted = f"at most {_plural(high)}"
    else:
        wanted = f"{low} to {high} arguments"
    return f"{callee} expects {wanted}, got {got}"


def _names(text: str) -> str:
    return text.replace("' and '", "', '")


_NAME = r"(?P<f>[\w.<>]+)"
# (pattern, handler(match) -> message); the receiver of a method is not counted.
_ARITY = [
    (rf"^{_NAME}\(\) takes (?P<n>\d+) positional arguments? but (?P<m>\d+)"
     r"(?: positional arguments?)?(?: \(and \d+ keyword-only arguments?\))? (?:was|were) given$",
     lambda m, r: _counts(quest_callee(m["f"]), int(m["n"]) - r, int(m["n"]) - r, int(m["m"]) - r)),
    (rf"^{_NAME}\(\) takes from (?P<lo>\d+) to (?P<hi>\d+) positional arguments but (?P<m>\d+)"
     r"(?: positional arguments?)?(?: \(and \d+ keyword-only arguments?\))? (?:was|were) given$",
     lambda m, r: _counts(quest_callee(m["f"]), int(m["lo"]) - r, int(m["hi"]) - r,
                          int(m["m"]) - r)),
    (rf"^{_NAME}\(\) missing \d+ required (?:positional|keyword-only) arguments?: (?P<a>.*)$",
     lambda m, r: f"{quest_callee(m['f'])} is missing the argument"
                  f"{'s' if ',' in m['a'] or ' and ' in m['a'] else ''} {_names(m['a'])}"),
    (rf"^{_NAME}\(\) got an unexpected keyword argument '(?P<a>\w+)'$",
     lambda m, r: f"{quest_callee(m['f'])} has no parameter named '{m['a']}'"),
    (rf"^{_NAME}\(\) got multiple values for (?:keyword )?argument '(?P<a>\w+)'$",
     lambda m, r: f"{quest_callee(m['f'])} got the argument '{m['a']}' twice "
                  "(by position and by name)"),
    (rf"^{_NAME}\(\) takes no keyword arguments$",
     lambda m, r: f"{quest_callee(m['f'])} takes no named arguments"),
    (rf"^{_NAME}\(\) got some positional-only arguments passed as keyword arguments: (?P<a>.*)$",
     lambda m, r: f"{quest_callee(m['f'])} takes {m['a']} by position only"),
    # C builtins (their counts leave out `self` already)
    (rf"^{_NAME}\(\) takes no arguments \((?P<m>\d+) given\)$",
     lambda m, r: _counts(quest_callee(m["f"]), 0, 0, int(m["m"]))),
    (rf"^{_NAME}\(\) takes exactly one argument \((?P<m>\d+) given\)$",
     lambda m, r: _counts(quest_callee(m["f"]), 1 - r, 1 - r, int(m["m"]) - r)),
    (rf"^{_NAME}\(\) takes exactly (?P<n>\d+) arguments? \((?P<m>\d+) given\)$",
     lambda m, r: _counts(quest_callee(m["f"]), int(m["n"]), int(m["n"]), int(m["m"]))),
    (rf"^{_NAME}\(?\)? takes at (?P<w>least|most) (?P<n>\d+) arguments? \((?P<m>\d+) given\)$",
     lambda m, r: _counts(quest_callee(m["f"]), int(m["n"]) if m["w"] == "least" else 0,
                          None if m["w"] == "least" else int(m["n"]), int(m["m"]))),
    (rf"^{_NAME}(?:\(\))? expected (?P<w>at least |at most )?(?P<n>\d+) arguments?, "
     r"got (?P<m>\d+)$",
     lambda m, r: _counts(quest_callee(m["f"]), 0 if m["w"] == "at most " else int(m["n"]),
                          None if m["w"] == "at least " else int(m["n"]), int(m["m"]))),
    (r"^expected (?P<w>at least |at most )?(?P<n>\d+) arguments?, got (?P<m>\d+)$",
     lambda m, r: _counts("the function", 0 if m["w"] == "at most " else int(m["n"]),
                          None if m["w"] == "at least " else int(m["n"]), int(m["m"]))),
    (rf"^{_NAME}\(\) missing required argument '(?P<a>\w+)' \(pos \d+\)$",
     lambda m, r: f"{quest_callee(m['f'])} is missing the argument '{m['a']}'"),
]
_ARITY = [(re.compile(p), h) for p, h in _ARITY]


def arity_message(msg: str, callee: str | None = None) -> str | None:
    """The Quest wording of a Python arity error, or None if `msg` is not one.
    `callee`: the Quest name of the builtin that raised it, when known (a C
    method words its errors with its Python name: ``lstrip`` for ``ltrim``)."""
    for pattern, handler in _ARITY:
        m = pattern.match(msg)
        if m is not None:
            name = m.groupdict().get("f")
            receiver = 1 if name is not None and (is_receiver_call(name)
                                                  or name.endswith(".__init__")) else 0
            text = _sentence(handler(m, receiver))
            if callee is not None and name is not None and not is_receiver_call(name):
                text = text.replace(quest_callee(name), f"{callee}()", 1)
            return text
    return None


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text.startswith("the ") else text


_T = r"'?(?P<t>[\w.]+)'?"
_TYPES = [
    (rf"^'(?P<t>[\w.]+)' object is not iterable$",
     lambda m: f"Expected a collection to iterate over, got {quest_type(m['t'])}"),
    (rf"^cannot unpack non-iterable (?P<t>[\w.]+) object$",
     lambda m: f"Expected a collection to unpack, got {quest_type(m['t'])}"),
    (rf"^'(?P<t>[\w.]+)' object is not subscriptable$",
     lambda m: f"Cannot index a value of type {quest_type(m['t'])}"),
    (rf"^'(?P<t>[\w.]+)' object is not callable$",
     lambda m: f"Cannot call a value of type {quest_type(m['t'])}"),
    (rf"^'(?P<t>[\w.]+)' object does not support item assignment$",
     lambda m: f"Cannot assign to an index of {quest_type(m['t'])}"),
    (rf"^object of type '(?P<t>[\w.]+)' has no len\(\)$",
     lambda m: f"A {quest_type(m['t'])} has no length"),
    (rf"^'(?P<t>[\w.]+)' object cannot be interpreted as an integer$",
     lambda m: f"Expected an Int, got {quest_type(m['t'])}"),
    (r"^slice indices must be integers or None or have an __index__ method$",
     lambda m: "Positions must be Ints"),
    (r"^unsupported operand type\(s\) for (?P<op>[^:]+): '(?P<a>[\w.]+)' and '(?P<b>[\w.]+)'$",
     lambda m: f"Unsupported operand types for '{m['op']}': {quest_type(m['a'])} and "
               f"{quest_type(m['b'])}"),
    (r"^bad operand type for (?P<op>[^:]+): '(?P<a>[\w.]+)'$",
     lambda m: f"Unsupported operand type for '{m['op'].replace('unary ', '')}': "
               f"{quest_type(m['a'])}"),
    (r"^'(?P<op>[<>=!]+)' not supported between instances of '(?P<a>[\w.]+)' and "
     r"'(?P<b>[\w.]+)'$",
     lambda m: f"Cannot compare {quest_type(m['a'])} with {quest_type(m['b'])} "
               f"using '{m['op']}'"),
    (r"^can only concatenate (?P<a>\w+) \(not \"(?P<b>\w+)\"\) to \w+$",
     lambda m: f"Cannot join a {quest_type(m['b'])} to a {quest_type(m['a'])}"),
    (r"^can't multiply sequence by non-int of type '(?P<t>[\w.]+)'$",
     lambda m: f"A repeat count must be an Int, got {quest_type(m['t'])}"),
    (r"^sequence item (?P<i>\d+): expected (?P<a>\w+) instance, (?P<b>[\w.]+) found$",
     lambda m: f"Element {m['i']} must be a {quest_type(m['a'])}, got {quest_type(m['b'])}"),
    (r"^unhashable type: '(?P<t>[\w.]+)'$",
     lambda m: f"A {quest_type(m['t'])} cannot be used as a key or Set element"),
    (r"^expected str, bytes or os\.PathLike object, not (?P<t>[\w.]+)$",
     lambda m: f"Expected a path (Str), got {quest_type(m['t'])}"),
    (r"^(?:(?P<f>[\w.]+)\(\) )?argument (?:(?P<n>\d+) )?must be (?P<w>[\w ,]+?), not "
     rf"{_T}$",
     lambda m: _argument(m)),
    (r"^(?:(?P<f>[\w.]+)\(\) )?argument must be (?P<w>.+?), not {_T}$".replace("{_T}", _T),
     lambda m: _argument(m)),
    (rf"^(?P<f>[\w.]+) (?:first )?arg must be (?P<w>.+?), not {_T}$",
     lambda m: _argument(m)),
    (rf"^must be (?P<w>[\w ,]+?), not {_T}$",
     lambda m: f"Expected {_kinds(m['w'])}, got {quest_type(m['t'])}"),
    (rf"^(?:(?P<f>[\w.]+)\(\) )?expected (?P<w>[\w ,]+?), got {_T}$",
     lambda m: f"{_prefix(m)}Expected {_kinds(m['w'])}, got {quest_type(m['t'])}"),
    (rf"^'(?P<t>[\w.]+)' object has no attribute '(?P<a>\w+)'$",
     lambda m: f"{quest_type(m['t'])} has no field '{m['a']}'"),
    (rf"^type object '(?P<t>[\w.]+)' has no attribute '(?P<a>\w+)'$",
     lambda m: f"{quest_type(m['t'])} has no member '{m['a']}'"),
    (r"^(?P<f>\w+) arg must be (?P<w>.+)$", lambda m: f"Expected {_kinds(m['w'])}"),
    (rf"^'in <string>' requires string as left operand, not {_T}$",
     lambda m: f"Expected a Str, got {quest_type(m['t'])}"),
    (rf"^(?:\w+ )?indices must be integers(?: or slices)?, not {_T}$",
     lambda m: f"An index must be an Int, got {quest_type(m['t'])}"),
]
_TYPES = [(re.compile(p), h) for p, h in _TYPES]

_KIND_WORDS = {
    "str": "a Str", "int": "an Int", "integer": "an Int", "float": "a Float",
    "real number": "a number", "a real number": "a number", "a number": "a number",
    "a string": "a Str", "string": "a Str", "None": "nil", "bytes": "Bytes",
    "a bytes-like object": "Bytes", "bytes-like object": "Bytes",
    "a tuple of str": "an Array of Str", "list": "an Array", "dict": "a Dict",
    "bool": "a Bool", "an integer": "an Int", "a float": "a Float", "tuple": "an Array",
}


def _kinds(text: str) -> str:
    """``str or None`` -> ``a Str or nil``."""
    parts = re.split(r",? or |, ", text)
    return " or ".join(_KIND_WORDS.get(p.strip(), quest_type(p.strip())) for p in parts)


def _prefix(m) -> str:
    f = m.groupdict().get("f")
    return f"{quest_callee(f)}: " if f else ""


def _argument(m) -> str:
    which = f"argument {m['n']}" if m.groupdict().get("n") else "the argument"
    return f"{_prefix(m)}{which} must be {_kinds(m['w'])}, got {quest_type(m['t'])}"


_OVERFLOW = [
    (r"int too large to convert to float|integer too large to convert to float",
     "The Int is too large for a Float"),
    (r"cannot fit '\w+' into an index-sized integer|Python int too large to convert to C "
     r"\w+|signed integer is greater than maximum|int too large to convert|too many digits",
     "The number is too large here"),
    (r"cannot convert float infinity to integer", "Cannot convert an infinite Float to Int"),
    (r"math range error|Numerical result out of range|\(34, ", "The result is too large"),
    (r"date value out of range|year \d+ is out of range|timestamp out of range",
     "The date is out of range"),
]
_OVERFLOW = [(re.compile(p), q) for p, q in _OVERFLOW]

_VALUES = [
    (r"^cannot convert float NaN to integer$", "Cannot convert NaN to Int"),
    (r"^Exceeds the limit \(\d+ digits\) for integer string conversion.*",
     "The number has too many digits"),
    (r"^invalid literal for int\(\) with base \d+: (?P<v>.*)$", "Not a valid Int: {v}"),
    (r"^could not convert string to float: (?P<v>.*)$", "Not a valid Float: {v}"),
    (r"^negative shift count$", "The shift amount must not be negative"),
    (r"^empty separator$", "The separator must not be empty"),
    (r"^substring not found$", "Substring not found"),
    (r"^math domain error$", "The argument is outside the function's domain"),
]
_VALUES = [(re.compile(p), q) for p, q in _VALUES]


def type_message(msg: str, callee: str | None = None) -> str:
    """A Python TypeError's message in Quest words (prefixed with the Quest
    name of the builtin that raised it, when known)."""
    for pattern, handler in _TYPES:
        m = pattern.match(msg)
        if m is not None:
            text = handler(m)
            break
    else:
        text = type_names(msg)
    if callee is not None and not text.startswith(callee):
        text = re.sub(r"^[\w.]+\(\): ", "", text)   # C's own name for it: lstrip for trim
        text = f"{callee}(): {text[0].lower() + text[1:] if text[:2].istitle() else text}"
    if re.search(r"\bcoroutine\b", msg):
        text = f"{text}: the value is {UNAWAITED}"
    return text


_RUNTIME = [
    (r"^cannot reuse already awaited coroutine$",
     "This awaitable was already awaited (an async call can be awaited only once)"),
    (r"^coroutine ignored GeneratorExit$", "An async call did not stop when it was closed"),
]
_RUNTIME = [(re.compile(p), q) for p, q in _RUNTIME]


def runtime_message(msg: str) -> str:
    for pattern, text in _RUNTIME:
        if pattern.match(msg):
            return text
    return type_names(msg) if msg else "Internal failure"


def overflow_message(msg: str) -> str:
    for pattern, text in _OVERFLOW:
        if pattern.search(msg):
            return text
    return "The number is too large here"


def value_message(msg: str) -> str:
    for pattern, text in _VALUES:
        m = pattern.match(msg)
        if m is not None:
            return text.format(**m.groupdict())
    return type_names(msg)


def type_names(msg: str) -> str:
    """Quoted Python type names and callees replaced by Quest ones."""
    msg = re.sub(r"'([\w.]+)'", lambda m: quest_type(m[1]) if m[1] in PY_TYPES
                 or m[1] in CLASS_NAMES else m[0], msg)
    return re.sub(r"([\w.<>]+)\(\)", lambda m: quest_callee(m[1]), msg)
