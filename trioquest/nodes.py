"""The Quest abstract syntax tree.

Nodes are small immutable classes with slots, declared like dataclasses::

    class BinOp(Node):
        op: str
        left: Expr
        right: Expr

Every node carries its span: ``line``/``col`` (first character) and
``end_line``/``end_col`` (just past the last character), all 1-based and
counted in characters.  Positions are keyword-only and excluded from equality,
so tests compare trees directly::

    assert parse_expr("1 + 2") == BinOp("+", Int(1), Int(2))

Sequences are tuples.  Operators are their Quest spelling (``"+"``, ``".."``,
``"=="``, ``"and"``, ``"?:"``, ...).

Why not ``dataclasses``: creating ~60 dataclasses costs about 40 ms at import
(six generated functions each), which alone would eat half of the parser's
start-up budget.  `_NodeMeta` generates one ``__init__`` per class and shares
``__eq__``/``__hash__``/``__repr__``, for a few milliseconds.
"""

from __future__ import annotations

from typing import Union

POSITION_FIELDS = ("line", "col", "end_line", "end_col")
_MISSING = object()


class _NodeMeta(type):
    def __new__(mcls, name, bases, namespace):
        annotations = namespace.get("__annotations__", {})
        own = tuple(f for f in annotations if f not in POSITION_FIELDS)
        defaults = {f: namespace.pop(f) for f in own if f in namespace}
        inherited = tuple(f for b in bases for f in getattr(b, "_fields", ()))
        fields = inherited + own
        namespace["__slots__"] = own if bases else POSITION_FIELDS
        namespace["_fields"] = fields
        namespace["__match_args__"] = fields
        cls = super().__new__(mcls, name, bases, namespace)
        cls._defaults = {**getattr(cls, "_defaults", {}), **defaults}
        cls.__init__ = _make_init(cls, fields)
        return cls


def _make_init(cls, fields):
    params, body, env = [], [], {}
    seen_default = False
    for f in fields:
        default = cls._defaults.get(f, _MISSING)
        if default is _MISSING:
            if seen_default:
                raise TypeError(f"{cls.__name__}.{f}: field without default after one with")
            params.append(f)
        else:
            seen_default = True
            env[f"_d_{f}"] = default
            params.append(f"{f}=_d_{f}")
    for f in (*fields, *POSITION_FIELDS):
        env[f"_s_{f}"] = getattr(cls, f).__set__
        body.append(f"    _s_{f}(self, {f})")
    params.append("*, line=0, col=0, end_line=0, end_col=0")
    src = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body)
    exec(src, env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__name__}.__init__"
    return init


def _rebuild(cls, values, position):
    return cls(*values, **dict(zip(POSITION_FIELDS, position)))


class Node(metaclass=_NodeMeta):
    """Base of all AST nodes: immutable, compared without positions."""

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} nodes are immutable; use nodes.replace()")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} nodes are immutable")

    def _values(self) -> tuple:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self):
        return hash((type(self), self._values()))

    def __repr__(self):
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"

    def __reduce__(self):
        position = tuple(getattr(self, f) for f in POSITION_FIELDS)
        return _rebuild, (type(self), self._values(), position)


def replace(node: Node, **changes) -> Node:
    """A copy of `node` with some fields (or positions) changed."""
    values = {f: getattr(node, f) for f in (*node._fields, *POSITION_FIELDS)}
    values.update(changes)
    return type(node)(**values)


# --------------------------------------------------------------------------
# Types and small pieces
# --------------------------------------------------------------------------


class TypeRef(Node):
    """A type annotation: ``Int``, ``mod.T``, ``Array{Str}``, ``Array[3]``, ``Int?``."""

    name: str  # dotted, e.g. "async.TimeoutError"
    args: tuple[TypeRef, ...] = ()
    dims: tuple[Expr, ...] | None = None
    optional: bool = False


class Param(Node):
    """A function parameter; ``kind`` is ``"normal"``, ``"star"`` (*rest) or ``"starstar"``."""

    name: str
    type: TypeRef | None = None
    default: Expr | None = None
    kind: str = "normal"


class Arg(Node):
    """A call argument; ``kind`` is ``"pos"``, ``"named"``, ``"star"`` or ``"starstar"``."""

    value: Expr
    name: str | None = None
    kind: str = "pos"


class Decorator(Node):
    """``@path`` or ``@path(args)``; ``args`` is None without parentheses."""

    path: tuple[str, ...]
    args: tuple[Arg, ...] | None = None


# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------


class Name(Node):
    id: str


class Int(Node):
    value: int


class Float(Node):
    value: float


class BigInt(Node):
    value: int


class Str(Node):
    value: str


class Bytes(Node):
    value: bytes


class Bool(Node):
    value: bool


class Nil(Node):
    pass


class FormattedValue(Node):
    """``{expr}`` or ``{expr:spec}`` inside an f-string."""

    value: Expr
    spec: str | None = None


class FString(Node):
    """An f-string: literal text parts (Str) and FormattedValue parts, in order."""

    parts: tuple[Str | FormattedValue, ...]


class Array(Node):
    items: tuple[Expr, ...]


class Array2D(Node):
    """``[1, 2; 3, 4]``: reserved by the reference, rejected when run."""

    rows: tuple[tuple[Expr, ...], ...]


class DictEntry(Node):
    key: Str | FString
    value: Expr


class Dict(Node):
    entries: tuple[DictEntry, ...]


class BinOp(Node):
    """Arithmetic, comparison, bitwise, ``..`` and ``**``."""

    op: str
    left: Expr
    right: Expr


class BoolOp(Node):
    """Short-circuit ``and``, ``or`` and elvis ``?:``."""

    op: str
    left: Expr
    right: Expr


class UnaryOp(Node):
    """``-``, ``+``, ``~`` and ``not``."""

    op: str
    operand: Expr


class Await(Node):
    value: Expr


class Attribute(Node):
    """``obj.name`` without a call."""

    obj: Expr
    name: str


class Index(Node):
    """``obj[index]``; ``obj[i, j]`` (reserved) has a tuple of indices."""

    obj: Expr
    index: Expr | tuple[Expr, ...]


class Call(Node):
    func: Expr
    args: tuple[Arg, ...]


class MethodCall(Node):
    """``obj.name(args)``."""

    obj: Expr
    name: str
    args: tuple[Arg, ...]


class Lambda(Node):
    """``fun (params) body end``; ``is_async`` only when written ``async fun``."""

    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    is_async: bool = False


Expr = Union[
    Name, Int, Float, BigInt, Str, Bytes, Bool, Nil, FString, Array, Array2D, Dict,
    BinOp, BoolOp, UnaryOp, Await, Attribute, Index, Call, MethodCall, Lambda,
]


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


class ExprStmt(Node):
    value: Expr


class Binding(Node):
    name: str
    type: TypeRef | None
    value: Expr


class Let(Node):
    bindings: tuple[Binding, ...]
    pub: bool = False


class Const(Node):
    name: str
    value: Expr
    pub: bool = False


class Assign(Node):
    """``target = value``; target is a Name, Attribute or Index."""

    target: Expr
    value: Expr


class AugAssign(Node):
    """``target op= value``; ``op`` is the operator without ``=`` (``"+"``...)."""

    target: Expr
    op: str
    value: Expr


class TypedDecl(Node):
    """``name: Type [= value]`` as a statement: reserved by the reference."""

    name: str
    type: TypeRef
    value: Expr | None = None


class Del(Node):
    name: str


class FunDef(Node):
    """A named function, also a method inside a type.

    ``is_static`` is set by ``static fun name`` and ``fun self.name``.
    ``has_parens`` is False for the parameterless form ``fun name ... end``.
    """

    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    return_type: TypeRef | None = None
    decorators: tuple[Decorator, ...] = ()
    is_async: bool = False
    is_static: bool = False
    pub: bool = False
    has_parens: bool = True


class Field(Node):
    """A field of a type; ``optional`` for ``x: T?`` and legacy ``t?: x``."""

    name: str
    type: TypeRef | None = None
    default: Expr | None = None
    optional: bool = False
    pub: bool = False


class Impl(Node):
    """``impl Trait ... end`` inside a type."""

    trait: str
    methods: tuple[FunDef, ...]


class TypeDef(Node):
    name: str
    doc: str | None
    members: tuple[Field | FunDef | Impl, ...]
    is_async: bool = False
    pub: bool = False


class MethodSig(Node):
    """A method signature inside a trait (no body)."""

    name: str
    params: tuple[Param, ...]
    return_type: TypeRef | None = None
    is_async: bool = False


class TraitDef(Node):
    name: str
    doc: str | None
    methods: tuple[MethodSig, ...]
    pub: bool = False


class ImplWith(Node):
    """``impl T with A, B { ... }``: reserved by the reference, rejected when run."""

    type_name: str
    traits: tuple[str, ...]
    members: tuple[Field | FunDef | Impl, ...]


class IfBranch(Node):
    test: Expr
    body: tuple[Stmt, ...]


class If(Node):
    """``if``/``elif`` branches in order, then ``orelse`` (None without ``else``)."""

    branches: tuple[IfBranch, ...]
    orelse: tuple[Stmt, ...] | None = None


class While(Node):
    test: Expr
    body: tuple[Stmt, ...]


class Range(Node):
    """``start to stop [step s]`` (inclusive) or ``start until stop`` (exclusive)."""

    start: Expr
    stop: Expr
    inclusive: bool
    step: Expr | None = None


class For(Node):
    """``for var[, var2] in iterable``; the iterable may be a Range."""

    var: str
    var2: str | None
    iterable: Expr | Range
    body: tuple[Stmt, ...]


class MatchArm(Node):
    """``in v1, v2 ...`` (a tuple of values) or ``in lo to hi ...`` (a Range)."""

    pattern: tuple[Expr, ...] | Range
    body: tuple[Stmt, ...]


class Match(Node):
    subject: Expr
    arms: tuple[MatchArm, ...]
    orelse: tuple[Stmt, ...] | None = None


class Catch(Node):
    """A catch clause; ``var`` and ``type`` may each be None.

    ``catch e`` and ``catch e: T`` bind ``e``; ``catch T as e`` and ``catch T``
    (a dotted or capitalised name) filter by type.
    """

    var: str | None
    type: TypeRef | None
    body: tuple[Stmt, ...]


class Try(Node):
    body: tuple[Stmt, ...]
    catches: tuple[Catch, ...]
    ensure: tuple[Stmt, ...] | None = None


class Raise(Node):
    value: Expr | None = None


class WithItem(Node):
    value: Expr
    name: str | None = None


class With(Node):
    items: tuple[WithItem, ...]
    body: tuple[Stmt, ...]
    is_async: bool = False


class Return(Node):
    value: Expr | None = None


class Break(Node):
    pass


class Continue(Node):
    pass


class ImportName(Node):
    name: str
    alias: str | None = None


class Use(Node):
    """``use "path" [as alias] [{a, b as c}]``; ``names`` None without braces."""

    path: str
    alias: str | None = None
    names: tuple[ImportName, ...] | None = None


class DocDecl(Node):
    """``% fun name(...) "doc"`` and friends: documentation only, a no-op."""

    kind: str  # "fun", "const", "type" or "trait"
    name: str
    doc: str
    params: tuple[Param, ...] = ()


class Program(Node):
    body: tuple[Stmt, ...]


Stmt = Union[
    ExprStmt, Let, Const, Assign, AugAssign, TypedDecl, Del, FunDef, TypeDef,
    TraitDef, ImplWith, If, While, For, Match, Try, Raise, With, Return, Break,
    Continue, Use, DocDecl,
]


def children(node: Node):
    """The direct child nodes of `node`, in source order."""
    for name in node._fields:
        yield from _nodes_in(getattr(node, name))


def walk(node: Node):
    """`node` and every node below it, depth first, in source order (iterative)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def _nodes_in(value):
    if isinstance(value, Node):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes_in(item)
