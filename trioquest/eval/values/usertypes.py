"""User-defined types, traits and decorators (LANGUAGE.md §6.3 and §8).

A Quest ``type`` becomes a Python class (with ``__slots__`` for its fields)
made by `make_type` when the type statement runs.  Instances are mutable
references; fields are private unless ``pub``; construction always goes
through the built-in ``T.new(...)``.  Calling a type directly is an AttrErr.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import FunctionType

from ...errors import ArgErr, AttrErr, NameErr, TypeErr
from .callables import RECEIVERS
from .forms import to_str, type_name
from .methods import UNIVERSAL, MethodTable

# Built-in annotation names and the value test each stands for (§8).
_BUILTIN_CHECKS = {
    "Int": lambda v: v.__class__ is int,
    "Float": lambda v: v.__class__ is float,
    "Num": lambda v: v.__class__ in (int, float),
    "Decimal": lambda v: type_name(v) == "Decimal",
    "BigInt": lambda v: type_name(v) == "BigInt",
    "Str": lambda v: v.__class__ is str,
    "Bool": lambda v: v.__class__ is bool,
    "Array": lambda v: v.__class__ is list,
    "Dict": lambda v: v.__class__ is dict,
    "Nil": lambda v: v is None,
    "Uuid": lambda v: type_name(v) == "Uuid",
    "Bytes": lambda v: v.__class__ is bytes,
    "Func": callable,
    "Fun": callable,
}
BUILTIN_TYPE_NAMES = frozenset(_BUILTIN_CHECKS) | {"Obj", "Set", "Type"}


def matches(value, type_name_: str, type_obj=None, *, optional: bool = False) -> bool:
    """Whether `value` fits an annotation (a built-in name, or a user type)."""
    if value is None and optional:
        return True
    check = _BUILTIN_CHECKS.get(type_name_)
    if check is not None:
        return check(value)
    if type_name_ in ("Obj", "Type"):
        return True
    wanted = getattr(type_obj, "_q_name", None) or type_name_.rsplit(".", 1)[-1]
    return type_name(value) == wanted


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type_name: str | None     # annotation name, e.g. "Int" or "Point"
    type_obj: object          # the user type, when the annotation names one
    optional: bool
    has_default: bool
    default: object
    pub: bool

    def annotation(self) -> str:
        if self.type_name is None:
            return "Obj"
        return self.type_name + ("?" if self.optional else "")


class QuestTrait:
    """``trait T ... end``: named method signatures (name, parameter count)."""

    _q_name = "Trait"

    def __init__(self, name: str, doc: str | None, methods: list[tuple[str, int]]) -> None:
        self.name = name
        self.doc = doc
        self.methods = methods

    def _q_str(self) -> str:
        return f"trait {self.name}"

    def _q_doc(self) -> str:
        return self.doc or f"Trait definition: {self.name}"


class QuestTypeMeta(type):
    def __call__(cls, *args, **kwargs):
        raise AttrErr(f"Cannot call type {cls._q_name} directly; use {cls._q_name}.new(...)")


class QuestObject(metaclass=QuestTypeMeta):
    """Base of every user type's class."""

    __slots__ = ()
    _q_struct = True
    _q_name = "Object"
    _q_fields: tuple[FieldSpec, ...] = ()
    _q_slots: dict[str, str] = {}
    _q_public: frozenset[str] = frozenset()
    _q_traits: tuple[QuestTrait, ...] = ()
    _q_type_doc: str | None = None

    def _q_str(self) -> str:
        parts = []
        for f in self._q_fields:
            value = getattr(self, self._q_slots[f.name], None)
            parts.append(f"{f.name}: {to_str(value)}")
        return f"{self._q_name}{{ {', '.join(parts)} }}" if parts else f"{self._q_name}{{}}"

    @classmethod
    def _q_method_table(cls) -> MethodTable:
        methods = dict(UNIVERSAL)
        methods["does"] = does
        for klass in reversed(cls.__mro__):
            for name, member in vars(klass).get("_q_methods", {}).items():
                methods[name] = member
        return MethodTable(cls._q_name, methods, fallback=_field_function)


def _field_function(name: str):
    """``obj.name(args)`` calls a function stored in field `name` (§8, §16)."""
    def call(obj, *args, **kwargs):
        slot = obj._q_slots.get(name)
        if slot is None:
            raise AttrErr(f"Unknown method '{name}' on {obj._q_name}")
        f = getattr(obj, slot, None)
        if not callable(f):
            raise AttrErr(f"Unknown method '{name}' on {obj._q_name}")
        return f(*args, **kwargs)

    return call


def does(obj, trait) -> bool:
    wanted = trait.name if isinstance(trait, QuestTrait) else str(trait)
    traits = getattr(obj.__class__, "_q_traits", ())
    return any(t.name == wanted for t in traits)


def _type_doc(cls) -> str:
    if cls._q_type_doc:
        return cls._q_type_doc
    lines = [f"Type definition: {cls._q_name}", "Fields:"]
    lines.extend(f"  {f.annotation()}: {f.name}" for f in cls._q_fields)
    return "\n".join(lines)


def make_type(name: str, doc: str | None, fields: list[FieldSpec], methods: dict,
              statics: dict, impls: list, *, decorated: tuple = ()) -> type:
    """Create the class for a ``type`` statement (run when the statement runs)."""
    if decorated:
        raise TypeErr(f"Decorators are not supported on methods (type {name}, "
                      f"method '{decorated[0]}')")
    reserved = [x for x in (*methods, *statics, *(f.name for f in fields)) if x.startswith("_q_")]
    if reserved:
        raise TypeErr(f"Type {name}: the name '{reserved[0]}' is reserved (names starting "
                      "with _q_ are trioquest's own)")
    instance = dict(methods)
    traits = []
    for trait, impl_methods in impls:
        if not isinstance(trait, QuestTrait):
            raise AttrErr(f"impl of {to_str(trait)} in type {name}: not a trait")
        instance.update(impl_methods)
        for mname, nparams in trait.methods:
            fn = instance.get(mname)
            if fn is None:
                raise TypeErr(f"Type {name} does not implement '{mname}' of trait {trait.name}")
            if _param_count(fn) != nparams:
                raise TypeErr(f"Method '{mname}' of type {name} takes {_param_count(fn)} "
                              f"parameters; trait {trait.name} requires {nparams}")
        traits.append(trait)
    _name_methods(name, instance, receiver=True)
    _name_methods(name, statics, receiver=False)
    slots = {f.name: ("_qf_" + f.name if f.name in instance or f.name in statics else f.name)
             for f in fields}
    ns = {
        "__slots__": tuple(slots.values()),
        "__qualname__": name,
        "_q_name": name,
        "_q_fields": tuple(fields),
        "_q_slots": slots,
        "_q_public": frozenset(f.name for f in fields if f.pub),
        "_q_traits": tuple(traits),
        "_q_type_doc": doc,
        "_q_methods": instance,
    }
    ns.update(instance)
    for sname, fn in statics.items():
        ns[sname] = staticmethod(fn)
    if "_call" in instance:
        ns["__call__"] = instance["_call"]
    cls = QuestTypeMeta(name, (QuestObject,), ns)
    cls.new = classmethod(construct)  # the built-in constructor always wins (§8)
    cls._q_doc = classmethod(_type_doc)
    return cls


def _name_methods(type_name_: str, methods: dict, *, receiver: bool) -> None:
    """``Point.norm`` as the qualname of each method, so that argument errors
    name it and do not count ``self`` (see `callables`)."""
    for mname, fn in methods.items():
        if isinstance(fn, FunctionType):
            fn.__qualname__ = f"{type_name_}.{mname}"
            if receiver:
                RECEIVERS.add(fn.__qualname__)


def _param_count(fn) -> int:
    code = getattr(fn, "__code__", None)
    if code is None:
        return -1
    return code.co_argcount - 1  # without self


def construct(cls, *args, **kwargs):
    """``T.new(...)``: named, positional, a single Dict, or nothing (§8)."""
    fields = cls._q_fields
    if len(args) == 1 and not kwargs and args[0].__class__ is dict and not (
            len(fields) == 1 and fields[0].type_name == "Dict"):
        kwargs, args = args[0], ()
    if len(args) > len(fields):
        raise ArgErr(f"{cls._q_name}.new() expects at most {len(fields)} "
                     f"argument{'' if len(fields) == 1 else 's'}, got {len(args)}")
    if args and not kwargs:
        required = sum(1 for f in fields if not f.optional)
        if len(args) < required:
            raise ArgErr(f"{cls._q_name}.new() expects at least {required} "
                         f"argument{'' if required == 1 else 's'}, got {len(args)}")
    obj = object.__new__(cls)
    slots = cls._q_slots
    for i, f in enumerate(fields):
        if i < len(args):
            value = args[i]
        elif f.name in kwargs:
            value = kwargs[f.name]
        elif f.has_default:
            value = f.default
            if value.__class__ in (list, dict):
                value = copy.deepcopy(value)
        elif f.optional:
            value = None
        else:
            raise ArgErr(f"Missing required field '{f.name}' for {cls._q_name}.new()")
        if f.type_name is not None and f.type_name in _BUILTIN_CHECKS \
                and not matches(value, f.type_name, optional=f.optional):
            raise TypeErr(f"Field '{f.name}' of {cls._q_name} expects {f.annotation()}, "
                          f"got {type_name(value)}")
        object.__setattr__(obj, slots[f.name], value)
    return obj


def field_spec(name, type_name_, type_obj, optional, has_default, default, pub) -> FieldSpec:
    if type_name_ is not None and type_obj is None and type_name_ not in BUILTIN_TYPE_NAMES:
        raise NameErr(f"Unknown type '{type_name_}' for field '{name}'")
    if has_default and type_name_ in _BUILTIN_CHECKS and not matches(
            default, type_name_, optional=optional):
        raise TypeErr(f"Default of field '{name}' must be {type_name_}, got {type_name(default)}")
    return FieldSpec(name, type_name_, type_obj, optional, has_default, default, pub)


def read_field(obj, name: str):
    """``obj.name`` from outside the instance's own methods: public fields only."""
    slot = obj._q_slots.get(name)
    if slot is None:
        if name in obj._q_methods or hasattr(obj.__class__, name):
            from .refs import MethodRef

            return MethodRef(obj, name)
        raise AttrErr(f"{obj._q_name} has no field '{name}'")
    if name not in obj._q_public:
        raise AttrErr(f"Field '{name}' of {obj._q_name} is private")
    return getattr(obj, slot)


def decorate(deco, args: tuple, kwargs: dict, fn):
    """Apply ``@Deco(args)`` to a function (§6.3)."""
    if not isinstance(deco, QuestTypeMeta):
        if callable(deco) and not args and not kwargs:
            return deco(fn)
        if callable(deco):
            return deco(*args, **kwargs)(fn)
        raise TypeErr(f"Cannot use {to_str(deco)} as a decorator")
    if kwargs:
        instance = deco.new(func=fn, **kwargs)
    else:
        instance = deco.new(fn, *args)
    hook = getattr(instance, "_decorate", None)
    if hook is not None:
        return hook(fn)
    return instance
