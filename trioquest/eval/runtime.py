"""What generated code calls: the ``_Q_*`` helpers and the Quest builtins.

`namespace()` returns the globals every compiled Quest module starts with.
Helpers are named ``_Q_<what>`` (user names never start with ``_Q``, see
`scopes.RESERVED_PREFIX`); builtins keep their Quest names (``puts``,
``Array``, ``ValueErr``, ...), and user bindings that would shadow them are
renamed by the resolver.
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal

from .. import errors as E
from . import ops, power
from .values import (  # noqa: F401  (each registers its method table)
    arrays, bytes_, dicts, functions, modules, numbers, sets, strings, universal,
)
from .values.arrays import ArrayType
from .values.bigint import BigInt
from .values.dicts import key_of
from .values.exceptions import QuestRaised, caught, error_type
from .values.formatting import format_value
from .values.functions import static_member
from .values.forms import to_str, type_name, unawaited
from .values.methods import METHODS
from .values.numbers import BigIntType, DecimalType
from .values.sets import QSet
from .values.usertypes import (
    QuestObject, QuestTrait, decorate, field_spec, make_type, matches, read_field,
)

MISSING = object()


class Cell:
    """A variable that each loop iteration gets afresh, shared with closures."""

    __slots__ = ("v",)

    def __init__(self, v=MISSING) -> None:
        self.v = v


# -- indexing and fields -------------------------------------------------------


def index(obj, i):
    """``obj[i]`` (§13, §4.5): negative from the end; Dict keys as strings,
    missing Dict keys give nil."""
    cls = obj.__class__
    if cls is dict:
        return obj.get(i if i.__class__ is str else key_of(i))
    if i.__class__ is BigInt:
        i = i.value
    if cls is list or cls is bytes:
        if i.__class__ is float:
            if i != i or i in (math.inf, -math.inf):
                raise E.IndexErr(f"Index out of bounds: {to_str(i)} (length {len(obj)})")
            i = int(i)
        elif i.__class__ is not int:
            raise E.TypeErr(f"Array index must be an Int, got {type_name(i)}")
        try:
            return obj[i]
        except IndexError:
            raise E.IndexErr(f"Index out of bounds: {i} (length {len(obj)})") from None
    if cls is str:
        if i.__class__ is not int:
            raise E.TypeErr(f"String index must be an Int, got {type_name(i)}")
        try:
            return obj[i]
        except IndexError:
            raise E.IndexErr(f"String index out of range: {i} (length {len(obj)})") from None
    getter = getattr(obj, "_q_index", None)
    if getter is not None:
        return getter(i)
    raise E.TypeErr(unawaited(f"Cannot index a value of type {type_name(obj)}", obj))


def multi_index(obj, indices):
    raise E.RuntimeErr("Multi-dimensional indexing a[i, j] is not implemented")


def set_index(obj, i, value):
    cls = obj.__class__
    if cls is dict:
        obj[i if i.__class__ is str else key_of(i)] = value
        return
    if cls is list:
        if i.__class__ is not int:
            raise E.TypeErr(f"Array index must be an Int, got {type_name(i)}")
        try:
            obj[i] = value
        except IndexError:
            raise E.IndexErr(f"Index out of bounds: {i} (length {len(obj)})") from None
        return
    if cls is str or cls is bytes:
        raise E.TypeErr(f"Cannot assign to an index of {type_name(obj)}: it is immutable")
    raise E.TypeErr(unawaited(f"Cannot assign to an index of {type_name(obj)}", obj))


def attr(obj, name: str):
    """``obj.name`` without a call (§3.3, §8, §15)."""
    if isinstance(obj, QuestObject):
        return read_field(obj, name)
    cls = obj.__class__
    if cls is dict:
        return obj.get(name)
    if cls is modules.QModule:
        return getattr(obj, name)   # its own AttrErr for a missing member
    if isinstance(obj, type):
        return static_member(obj, name)
    if isinstance(obj, QuestRaised):
        return attr(obj.value, name)
    if name in METHODS[cls]:
        from .values.refs import MethodRef

        return MethodRef(obj, name)
    if hasattr(obj, "_q_members") or not isinstance(obj, (int, float, str, list, bytes)):
        try:
            return getattr(obj, name)
        except AttributeError:
            pass
    raise E.AttrErr(unawaited(f"{type_name(obj)} has no field '{name}'", obj))


def set_attr(obj, name: str, value):
    """``obj.name = value``: the field must exist (§8)."""
    if isinstance(obj, QuestObject):
        slot = obj._q_slots.get(name)
        if slot is None:
            raise E.AttrErr(f"{obj._q_name} has no field '{name}'")
        object.__setattr__(obj, slot, value)
        return
    if isinstance(obj, QuestRaised):
        set_attr(obj.value, name, value)
        return
    raise E.AttrErr(unawaited(f"Cannot assign field '{name}' of a {type_name(obj)}", obj))


# -- iteration -------------------------------------------------------------------


def iterate(value):
    """``for x in value``: a snapshot of an Array, the keys of a Dict, the
    characters of a Str, the elements of a Set (§10)."""
    cls = value.__class__
    if cls is list:
        return value[:]
    if cls is dict:
        return list(value)
    if cls is str:
        return value
    if cls is QSet:
        return value.sorted()
    if cls is bytes:
        return list(value)
    it = getattr(value, "_q_iter", None)
    if it is not None:
        return it()
    if hasattr(cls, "__aiter__"):
        raise E.TypeErr(f"Cannot iterate over a {type_name(value)} here: 'for' over a "
                        f"{type_name(value)} needs an async function (one that uses await)")
    raise E.TypeErr(unawaited(f"Cannot iterate over a value of type {type_name(value)}", value))


def iterate_pairs(value):
    """``for a, b in value``: (element, index) of an Array, (key, value) of a Dict."""
    cls = value.__class__
    if cls is list:
        return [(x, i) for i, x in enumerate(value)]
    if cls is dict:
        return list(value.items())
    if cls is str:
        return [(c, i) for i, c in enumerate(value)]
    raise E.TypeErr(unawaited(f"Cannot iterate over a value of type {type_name(value)} with "
                              "two variables", value))


def _range_bound(v, what):
    if v.__class__ is int:
        return v
    if v.__class__ is float:
        if v != v or v in (math.inf, -math.inf):
            raise E.ValueErr(f"Range {what} must be finite, got {to_str(v)}")
        return int(v)
    if v.__class__ is BigInt:
        return v.value
    raise E.TypeErr(unawaited(f"Range {what} must be a number, got {type_name(v)}", v))


def qrange(start, stop, inclusive: bool, step=None):
    """``start to|until stop [step s]`` as a Python range (§10)."""
    a, b = _range_bound(start, "start"), _range_bound(stop, "end")
    if step is None:
        s = 1 if a <= b else -1
    else:
        s = _range_bound(step, "step")
        if s == 0:
            raise E.ValueErr("Range step must not be 0")
    if inclusive:
        return range(a, b + (1 if s > 0 else -1), s)
    return range(a, b, s)


def in_range(value, start, stop, inclusive: bool, step=None) -> bool:
    """A ``match`` range arm: ``in lo to hi [step s]`` (§10)."""
    numeric = (int, float, BigInt, Decimal)
    if value.__class__ not in numeric or start.__class__ not in numeric \
            or stop.__class__ not in numeric:
        raise E.TypeErr("match range arms need numbers")
    if step is not None:
        if step.__class__ not in (int, BigInt):
            raise E.TypeErr("match range step must be an Int")
        if ops.le(step, 0):
            raise E.ValueErr("match range step must be positive")
    if ops.lt(value, start):
        return False
    if ops.gt(value, stop) if inclusive else ops.ge(value, stop):
        return False
    if step is not None:
        return ops.eq(ops.mod(ops.sub(value, start), step), 0)
    return True


# -- errors ----------------------------------------------------------------------


def catch_matches(err, clause_type) -> bool:
    """Whether a catch clause of `clause_type` catches `err` (§7.1)."""
    name = getattr(clause_type, "type_name", None) or getattr(clause_type, "_q_name", None)
    if name is None:
        raise E.TypeErr(f"Cannot catch {to_str(clause_type)}: not an error type")
    if name == "Err":
        return True
    return err.type_name == name


def check_catch_type(t):
    if isinstance(t, type) and (issubclass(t, E.QuestError) or
                                any(tr.name == "Error" for tr in getattr(t, "_q_traits", ()))):
        return t
    raise E.TypeErr(f"Cannot catch {to_str(t)}: catch types must be error types")


def catch_value(err):
    """What a catch binds: the original struct for user errors (§7.2)."""
    return err.value if isinstance(err, QuestRaised) else err


def raise_value(value):
    """The exception ``raise value`` raises (§7.2)."""
    if value.__class__ is str:
        return E.RuntimeErr(value)
    if isinstance(value, E.QuestError):
        return value
    if isinstance(value, type) and issubclass(value, E.QuestError):
        return value("")
    if isinstance(value, QuestObject) and any(t.name == "Error" for t in value._q_traits):
        return QuestRaised(value)
    return E.TypeErr(f"Cannot raise {type_name(value)}: it must implement the Error trait")


def reraise_outside_catch():
    return E.RuntimeErr("No active exception to re-raise")


def undefined(name: str):
    raise E.NameErr(f"Undefined variable: {name}")


def undefined_function(name: str):
    raise E.NameErr(f"Undefined function: {name}")


def redeclared(name: str):
    raise E.NameErr(f"Variable '{name}' is already declared in this scope")


def undeclared(name: str):
    raise E.NameErr(f"Cannot assign to undeclared variable '{name}'")


def const_assign(name: str):
    raise E.TypeErr(f"Cannot assign to constant '{name}'")


def del_error(name: str, kind: str):
    if kind == "del_undefined":
        raise E.NameErr(f"Undefined variable: {name}")
    if kind == "del_module":
        raise E.RuntimeErr(f"Cannot delete module '{name}'")
    raise E.RuntimeErr(f"Cannot delete '{name}': it is not declared in the current scope")


def outside_loop(word: str):
    raise E.RuntimeErr(f"'{word}' outside of a loop")


def not_implemented(what: str):
    raise E.RuntimeErr(f"{what} not yet implemented")


# -- type checks -----------------------------------------------------------------


def check_param(value, name: str, tname: str, tobj, optional: bool):
    if not matches(value, tname, tobj, optional=optional):
        raise E.TypeErr(unawaited(f"Parameter '{name}' expects type {tname}, got "
                                  f"{type_name(value)}", value))
    return value


def check_return(value, fname: str, tname: str, tobj, optional: bool):
    if not matches(value, tname, tobj, optional=optional):
        raise E.TypeErr(unawaited(f"Function '{fname}' must return {tname}, got "
                                  f"{type_name(value)}", value))
    return value


def check_assign(value, name: str, tname: str, tobj, optional: bool):
    if not matches(value, tname, tobj, optional=optional):
        raise E.TypeErr(unawaited(f"Cannot assign {type_name(value)} to '{name}' of type {tname}",
                                  value))
    return value


def annotation_type(value, tname: str):
    """Resolve a user type named in an annotation (NameErr when unknown)."""
    if value is MISSING:
        raise E.NameErr(f"Unknown type '{tname}'")
    return value


# -- calls -----------------------------------------------------------------------


def merge_kwargs(*parts) -> dict:
    """Named arguments with ``**`` spreads: later values override (§3.3)."""
    out = {}
    for part in parts:
        if part.__class__ is not dict:
            raise E.TypeErr(unawaited(f"** expects a Dict, got {type_name(part)}", part))
        out.update(part)
    return out


def spread(value) -> list:
    if value.__class__ is not list:
        raise E.TypeErr(unawaited(f"* expects an Array, got {type_name(value)}", value))
    return value


def args_order_error():
    raise E.ArgErr("Positional arguments must come before named arguments")


def duplicate_arg_error(name: str):
    raise E.ArgErr(f"Duplicate named argument '{name}'")


# -- with ------------------------------------------------------------------------


def with_enter(manager):
    try:
        return METHODS[manager.__class__]["_enter"](manager)
    except E.AttrErr:
        raise E.AttrErr(f"{type_name(manager)} cannot be used with 'with': no _enter()") from None


def with_exit(manager) -> bool:
    try:
        fn = METHODS[manager.__class__]["_exit"]
        return bool(fn(manager))
    except E.AttrErr as err:
        if "_exit" in err.reason:
            raise E.AttrErr(f"{type_name(manager)} cannot be used with 'with': no _exit()") \
                from None
        raise


class With:
    """Python's `with` protocol over Quest's ``_enter``/``_exit`` (§10)."""

    __slots__ = ("manager",)

    def __init__(self, manager) -> None:
        self.manager = manager

    def __enter__(self):
        return with_enter(self.manager)

    def __exit__(self, exc_type, exc, tb) -> bool:
        suppress = with_exit(self.manager)
        return bool(suppress) and exc_type is not None and issubclass(exc_type, Exception)


def param_order(fname: str, problem: str):
    raise E.ArgErr(f"In function '{fname}': {problem}")


# -- output ----------------------------------------------------------------------


def write_output(stream, text: str) -> None:
    """Write to standard output or error: a reader that left is OutputClosed
    (the program ends quietly with 141), not an IOErr."""
    try:
        stream.write(text)
    except BrokenPipeError:
        raise E.OutputClosed() from None


def puts(*args) -> None:
    write_output(sys.stdout, "".join([a if a.__class__ is str else to_str(a) for a in args]) + "\n")


def print_(*args) -> None:
    write_output(sys.stdout, "".join([a if a.__class__ is str else to_str(a) for a in args]))


def chr_(code) -> str:
    try:
        return chr(code)
    except (ValueError, TypeError, OverflowError):
        raise E.ValueErr(f"Invalid code point: {to_str(code)}") from None


def ord_(s) -> int:
    if s.__class__ is not str or not s:
        raise E.ValueErr("ord() expects a non-empty Str")
    return ord(s[0])


def is_array(v) -> bool:
    return v.__class__ is list


_ERROR_TYPES = {
    "Err": E.QuestError, "IndexErr": E.IndexErr, "TypeErr": E.TypeErr, "ValueErr": E.ValueErr,
    "ArgErr": E.ArgErr, "AttrErr": E.AttrErr, "NameErr": E.NameErr, "RuntimeErr": E.RuntimeErr,
    "IOErr": E.IOErr, "ImportErr": E.ImportErr, "KeyErr": E.KeyErr,
    "SyntaxErr": E.QuestSyntaxError, "ConfigurationErr": E.ConfigurationErr,
}

# Names whose bare use is the string of their own name (§2.2, §4).
TYPE_WORDS = ("Int", "Float", "Str", "Bool", "Dict", "Nil", "Bytes", "Uuid", "Num", "Obj", "Func")

BUILTINS = {
    "puts": puts, "print": print_, "chr": chr_, "ord": ord_, "is_array": is_array,
    **{w: w for w in TYPE_WORDS},
    "Array": ArrayType, "Decimal": DecimalType, "BigInt": BigIntType, "Set": QSet,
    "ZERO": BigInt(0), "ONE": BigInt(1), "TWO": BigInt(2), "TEN": BigInt(10),
    **_ERROR_TYPES,
}

# Static methods of the type words: `Dict.new()` and friends.
TYPE_WORD_STATICS = {"Dict": {"new": lambda d=None: dict(d or {})}}

HELPERS = {
    "_Q_QUEST": True,
    "_Q_MISSING": MISSING, "_Q_Cell": Cell, "_Q_M": METHODS,
    "_Q_add": ops.add, "_Q_sub": ops.sub, "_Q_mul": ops.mul, "_Q_div": ops.div,
    "_Q_mod": ops.mod, "_Q_pow": power.power, "_Q_neg": ops.neg, "_Q_pos": ops.pos,
    "_Q_band": ops.bit_and, "_Q_bor": ops.bit_or, "_Q_bxor": ops.bit_xor,
    "_Q_bnot": ops.bit_not, "_Q_shl": ops.shl, "_Q_shr": ops.shr,
    "_Q_concat": ops.concat, "_Q_eq": ops.eq, "_Q_ne": ops.ne, "_Q_lt": ops.lt,
    "_Q_le": ops.le, "_Q_gt": ops.gt, "_Q_ge": ops.ge, "_Q_iadd": ops.iadd,
    "_Q_str": to_str, "_Q_format": format_value,
    "_Q_index": index, "_Q_multi_index": multi_index, "_Q_set_index": set_index,
    "_Q_attr": attr, "_Q_set_attr": set_attr,
    "_Q_iter": iterate, "_Q_iter2": iterate_pairs, "_Q_range": qrange, "_Q_in_range": in_range,
    "_Q_caught": caught, "_Q_catch_matches": catch_matches, "_Q_catch_value": catch_value,
    "_Q_check_catch_type": check_catch_type, "_Q_raise_value": raise_value,
    "_Q_reraise_outside": reraise_outside_catch,
    "_Q_undefined": undefined, "_Q_undefined_function": undefined_function,
    "_Q_redeclared": redeclared, "_Q_undeclared": undeclared, "_Q_const_assign": const_assign,
    "_Q_del_error": del_error, "_Q_outside_loop": outside_loop, "_Q_not_implemented": not_implemented,
    "_Q_check_param": check_param, "_Q_check_return": check_return,
    "_Q_check_assign": check_assign, "_Q_annotation_type": annotation_type,
    "_Q_merge_kwargs": merge_kwargs, "_Q_spread": spread,
    "_Q_args_order_error": args_order_error, "_Q_duplicate_arg": duplicate_arg_error,
    "_Q_with_enter": with_enter, "_Q_with_exit": with_exit,
    "_Q_make_type": make_type, "_Q_field": field_spec, "_Q_Trait": QuestTrait,
    "_Q_decorate": decorate, "_Q_error_type": error_type,
    "_Q_type_statics": TYPE_WORD_STATICS,
    "_Q_With": With, "_Q_param_order": param_order, "_Q_list": list,
    "_Q_Exception": Exception, "_Q_BaseException": BaseException, "_Q_BigIntValue": BigInt,
    "_Q_T_int": int, "_Q_T_float": float, "_Q_T_str": str, "_Q_T_list": list, "_Q_T_dict": dict,
    "_Q_len": len, "_Q_int_repr": int.__repr__,
}


def namespace() -> dict:
    """Fresh globals for one compiled Quest module."""
    ns = dict(HELPERS)
    ns.update(BUILTINS)
    return ns
