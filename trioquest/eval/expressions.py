"""Compiling Quest expressions to Python expressions (mixed into `Compiler`).

Each ``e_<Node>`` method returns one Python expression.  Statements an
expression needs first (a lambda's ``def``) go to ``self.prelude``, which
the statement compiler emits before the statement.  Where Python's meaning
is Quest's, plain Python is emitted; elsewhere a ``_Q_*`` runtime helper.

A method that needs a subexpression compiled *yields* it (``left = yield
e.left``), and a helper generator likewise (``yield self.call_with(...)``):
`trampoline.drive` runs them, so nesting depth costs no Python frames.  A
left-leaning chain of operators (``a + b + ... + z``, ``x and y and ...``)
is compiled in one loop; past `CHAIN_CHUNK` links its value is kept in
temporaries, ``(t1 := a + ... , t2 := t1 + ..., t2 + z)[-1]``, so that the
Python expression stays shallow too (``and``/``or`` chains become one flat
``BoolOp``).
"""

from __future__ import annotations

import ast

from .. import nodes as n
from . import pyast as P
from .infer import DICT, FLOAT, INT, LIST, NUMERIC, STR
from .runtime import BUILTINS, TYPE_WORD_STATICS
from .values.methods import METHODS, UNIVERSAL

_BINARY_HELPERS = {
    "+=": "iadd", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "**": "pow",
    "..": "concat", "&": "band", "|": "bor", "^": "bxor", "<<": "shl", ">>": "shr",
    "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
}
_UNARY_HELPERS = {"-": "neg", "+": "pos", "~": "bnot"}
_PY_OPS = {"+": ast.Add, "+=": ast.Add, "-": ast.Sub, "*": ast.Mult}
_PY_CMP = {"<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE, "==": ast.Eq, "!=": ast.NotEq}
_PY_TYPES = {INT: int, FLOAT: float, STR: str, LIST: list, DICT: dict}
# Quest methods whose Python namesake behaves the same on that type.
_NATIVE_METHODS = {
    STR: {"upper", "lower", "capitalize", "title", "replace", "startswith", "endswith",
          "count"},
    DICT: set(),
}
_MAGIC = ("__file__", "__line__", "__function__")
_CHAINED = (n.BinOp, n.BoolOp)
CHAIN_CHUNK = 64   # chain links compiled into one Python expression


class ExpressionCompiler:
    def compile_node(self, e):
        """The Python expression for Quest expression `e`, or the generator
        computing it (for `drive`)."""
        return getattr(self, "e_" + type(e).__name__)(e)

    def positioned(self, e, node) -> ast.expr:
        if getattr(node, "lineno", None) is None:
            self.pos.at(node, e)
        return node

    # -- names -----------------------------------------------------------------

    def e_Name(self, e) -> ast.expr:
        binding = self.res.refs.get(id(e))
        if binding is not None:
            return self.load(binding)
        if e.id in BUILTINS:
            return P.name(e.id)
        if e.id in _MAGIC:
            return P.const(self.magic(e.id, e))
        return P.helper("undefined", P.const(e.id))

    def load(self, binding) -> ast.expr:
        if binding.boxed:
            return ast.Attribute(value=P.name(binding.py), attr="v", ctx=ast.Load())
        return P.name(binding.py)

    def magic(self, word: str, e):
        if word == "__file__":
            return self.filename
        if word == "__line__":
            return e.line
        return self.ctx.quest_name

    # -- literals --------------------------------------------------------------

    def e_Int(self, e):
        return P.const(e.value)

    e_Float = e_Str = e_Bytes = e_Bool = e_Int

    def e_Nil(self, e):
        return P.const(None)

    def e_BigInt(self, e):
        return P.call(P.name("_Q_BigIntValue"), P.const(e.value))

    def e_FString(self, e):
        values = []
        for part in e.parts:
            if isinstance(part, n.Str):
                if part.value:
                    values.append(P.const(part.value))
                continue
            inner = yield part.value
            if part.spec is not None:
                inner = P.helper("format", inner, P.const(part.spec))
            else:
                inner = P.helper("str", inner)
            values.append(ast.FormattedValue(value=inner, conversion=-1, format_spec=None))
        if not values:
            return P.const("")
        return ast.JoinedStr(values=values)

    def e_Array(self, e):
        elts = []
        for x in e.items:
            elts.append((yield x))
        return ast.List(elts=elts, ctx=ast.Load())

    def e_Array2D(self, e):
        return P.helper("not_implemented", P.const("2-D array literals"))

    def e_Dict(self, e):
        keys, values = [], []
        for x in e.entries:
            keys.append((yield x.key))
        for x in e.entries:
            values.append((yield x.value))
        return ast.Dict(keys=keys, values=values)

    # -- operators ---------------------------------------------------------------

    def e_BinOp(self, e):
        """A chain of binary and boolean operators, from its leftmost operand
        up to `e`: the operands in evaluation order, one link at a time."""
        links = [e]
        while isinstance(links[-1].left, _CHAINED):
            links.append(links[-1].left)
        value = yield links[-1].left
        kept = []
        for count, link in enumerate(reversed(links), 1):
            right = yield link.right
            combine = self.binop if link.__class__ is n.BinOp else self.boolop
            value = self.positioned(link, combine(link, value, right))
            if count % CHAIN_CHUNK == 0 and link is not e:
                tmp = self.temp()
                kept.append(self.pos.at(ast.NamedExpr(target=P.name(tmp, True), value=value),
                                        link))
                value = P.name(tmp)
        if kept:
            value = ast.Subscript(value=ast.Tuple(elts=kept + [value], ctx=ast.Load()),
                                  slice=P.const(-1), ctx=ast.Load())
        return value

    e_BoolOp = e_BinOp

    def binop(self, e, left, right):
        """Binary operator `e` applied to compiled operands."""
        op = e.op
        types = self.ctx.types
        ta, tb = types.of(e.left), types.of(e.right)
        if op == "==" or op == "!=":
            special = self.identity_compare(e, left, right)
            if special is not None:
                return special
            if STR in (ta, tb) or (ta == tb == INT) or _big_int_literal(e.left) \
                    or _big_int_literal(e.right):
                return _compare(left, op, right)
            return self.guarded_int(e, left, right, ta, tb, lambda l, r: _compare(l, op, r))
        if op in _PY_OPS or op in _PY_CMP:
            plain = (ta in NUMERIC and tb in NUMERIC) or (op == "*" and ta == STR and tb == INT) \
                or (op in ("+", "+=") and ta == tb == LIST) or (op in _PY_CMP and ta == tb == STR) \
                or (op == "+=" and ta == tb == STR)
            make = (lambda l, r: ast.BinOp(left=l, op=_PY_OPS[op](), right=r)) if op in _PY_OPS \
                else (lambda l, r: _compare(l, op, r))
            if plain:
                return make(left, right)
            return self.guarded_int(e, left, right, ta, tb, make)
        if op == "/" or op == "%":
            if ta == tb == INT:
                return self.int_div_mod(e, left, right)
            if op == "/" and FLOAT in (ta, tb) and ta in NUMERIC and tb in NUMERIC:
                return ast.BinOp(left=left, op=ast.Div(), right=right)
        if op == "..":
            return ast.BinOp(left=self.as_str(left, ta), op=ast.Add(),
                             right=self.as_str(right, tb))
        return P.helper(_BINARY_HELPERS[e.op], left, right)

    def identity_compare(self, e, left, right):
        """``x == nil`` / ``x == true`` are identity tests in Python too."""
        for side, other in ((e.right, left), (e.left, right)):
            if isinstance(side, (n.Nil, n.Bool)):
                op = ast.Is() if e.op == "==" else ast.IsNot()
                literal = self.pos.at(P.const(None if side.__class__ is n.Nil else side.value),
                                      side)
                return ast.Compare(left=other, ops=[op], comparators=[literal])
        return None

    def guarded_int(self, e, left, right, ta, tb, make):
        """``make(l, r)`` when both operands are Ints, else the runtime helper.

        Operands are evaluated once, in order: non-trivial ones go through
        walrus temporaries, and the guard compares both classes in one chain
        (``a.__class__ is b.__class__ is int``) so both are always evaluated.
        """
        checks = []
        l_test, l_use = self.reusable(left)
        r_test, r_use = self.reusable(right)
        if ta != INT:
            checks.append(ast.Attribute(value=l_test, attr="__class__", ctx=ast.Load()))
        elif l_test is not l_use:
            checks.append(ast.Attribute(value=l_test, attr="__class__", ctx=ast.Load()))
        if tb != INT:
            checks.append(ast.Attribute(value=r_test, attr="__class__", ctx=ast.Load()))
        elif r_test is not r_use:
            checks.append(ast.Attribute(value=r_test, attr="__class__", ctx=ast.Load()))
        checks.append(P.name("_Q_T_int"))
        test = ast.Compare(left=checks[0], ops=[ast.Is()] * (len(checks) - 1),
                           comparators=checks[1:])
        slow = P.helper(_BINARY_HELPERS[e.op], l_use, r_use)
        return ast.IfExp(test=test, body=make(l_use, r_use), orelse=slow)

    def reusable(self, node):
        """(expression to evaluate first, expression to reuse) for an operand."""
        if isinstance(node, (ast.Name, ast.Constant)):
            return node, node
        tmp = self.temp()
        return ast.NamedExpr(target=P.name(tmp, True), value=node), P.name(tmp)

    def int_div_mod(self, e, left, right):
        """Int ``/`` and ``%`` truncate toward zero: Python's ``//`` and ``%`` agree
        when the dividend is >= 0 and the divisor > 0."""
        l_test, l_use = self.reusable(left)
        r_test, r_use = self.reusable(right)
        pyop = ast.FloorDiv() if e.op == "/" else ast.Mod()
        positive_literal = isinstance(e.right, n.Int) and e.right.value > 0
        if positive_literal:
            test = ast.Compare(left=l_test, ops=[ast.GtE()], comparators=[P.const(0)])
        else:
            test = ast.Compare(left=l_test, ops=[ast.GtE(), ast.Lt()],
                               comparators=[P.const(0), r_test])
        return ast.IfExp(test=test, body=ast.BinOp(left=l_use, op=pyop, right=r_use),
                         orelse=P.helper(_BINARY_HELPERS[e.op], l_use, r_use))

    def as_str(self, node, t):
        """The string form of an operand of ``..``."""
        if t == STR:
            return node
        if t == INT:
            return P.call(P.name("_Q_int_repr"), node)
        test_expr, use = self.reusable(node)
        return ast.IfExp(
            test=ast.Compare(left=ast.Attribute(value=test_expr, attr="__class__", ctx=ast.Load()),
                             ops=[ast.Is()], comparators=[P.name("_Q_T_str")]),
            body=use, orelse=P.helper("str", use))

    def boolop(self, e, left, right):
        """Boolean operator `e` applied to compiled operands; ``and``/``or``
        of a left operand that is the same operator extends it (flat)."""
        if e.op == "?:":
            tmp = self.temp()
            test = ast.Compare(left=ast.NamedExpr(target=P.name(tmp, True), value=left),
                               ops=[ast.IsNot()], comparators=[P.const(None)])
            return ast.IfExp(test=test, body=P.name(tmp), orelse=right)
        op = ast.And if e.op == "and" else ast.Or
        if left.__class__ is ast.BoolOp and left.op.__class__ is op:
            left.values.append(right)
            return self.pos.at(left, e)
        return ast.BoolOp(op=op(), values=[left, right])

    def e_UnaryOp(self, e):
        operand = yield e.operand
        if e.op == "not":
            return ast.UnaryOp(op=ast.Not(), operand=operand)
        if e.op == "-" and self.ctx.types.of(e.operand) in NUMERIC:
            return ast.UnaryOp(op=ast.USub(), operand=operand)
        return P.helper(_UNARY_HELPERS[e.op], operand)

    def e_Await(self, e):
        """``await v``: coroutines directly, other awaitables as they are, and
        any other value is the value itself (CONCURRENCY.md §1).  A task in
        its batched first step checks in first (nursery_bridge/task.py)::

            (await _Q_migrate if _Q_pending() is not None else None,
             await (t if (t := v).__class__ is _Q_Coroutine else _Q_awaitable(t)))[1]
        """
        return self.awaited((yield e.value))

    def awaited(self, value: ast.expr) -> ast.expr:
        self.use_async()
        test, use = self.reusable(value)
        is_coroutine = ast.Compare(left=ast.Attribute(value=test, attr="__class__", ctx=ast.Load()),
                                   ops=[ast.Is()], comparators=[P.name("_Q_Coroutine")])
        pending = ast.Compare(left=P.call(P.name("_Q_pending")), ops=[ast.IsNot()],
                              comparators=[P.const(None)])
        checkin = ast.IfExp(test=pending, body=ast.Await(value=P.name("_Q_migrate")),
                            orelse=P.const(None))
        wait = ast.Await(value=ast.IfExp(test=is_coroutine, body=use,
                                         orelse=P.call(P.name("_Q_awaitable"), use)))
        return ast.Subscript(value=ast.Tuple(elts=[checkin, wait], ctx=ast.Load()),
                             slice=P.const(1), ctx=ast.Load())

    def block_on_call(self, e) -> ast.expr | None:
        """``async.block_on(f)``: in async code, an await of `f` in a scope of
        its own (no greenback needed); in a sync function, the runtime's
        block_on, which then needs portals in tasks."""
        if e.name != "block_on" or id(self.binding_of(e.obj)) not in self.async_modules \
                or self.binding_of(e.obj).assigned:
            return None
        if self.ctx.is_async:
            return self.awaited((yield self.call_with(P.name("_Q_block_on_here"), [], e.args)))
        self.needs_portals = True
        return None

    # -- member access and indexing -------------------------------------------------

    def e_Attribute(self, e):
        slot = self.own_field_slot(e.obj, e.name) or self.public_field_slot(e.obj, e.name)
        obj = yield e.obj
        if slot is not None:
            return ast.Attribute(value=obj, attr=slot, ctx=ast.Load())
        if e.name == "block_on":  # taken as a value, it may be called from sync code
            self.needs_portals = True
        if self.is_module(e.obj):
            return ast.Attribute(value=obj, attr=e.name, ctx=ast.Load())
        # Dict member access (§15) inline: d.get(name) if it is a Dict, else the helper.
        test, use = self.reusable(obj)
        is_dict = ast.Compare(left=ast.Attribute(value=test, attr="__class__", ctx=ast.Load()),
                              ops=[ast.Is()], comparators=[P.name("_Q_T_dict")])
        get = P.call(ast.Attribute(value=use, attr="get", ctx=ast.Load()), P.const(e.name))
        return ast.IfExp(test=is_dict, body=get,
                         orelse=P.helper("attr", _again(use), P.const(e.name)))

    def e_Index(self, e):
        obj = yield e.obj
        if isinstance(e.index, tuple):
            elts = []
            for i in e.index:
                elts.append((yield i))
            return P.helper("multi_index", obj, ast.Tuple(elts=elts, ctx=ast.Load()))
        types = self.ctx.types
        to, ti = types.of(e.obj), types.of(e.index)
        index = yield e.index
        if to in (LIST, STR) and ti == INT:
            return ast.Subscript(value=obj, slice=index, ctx=ast.Load())
        if to == DICT and ti == STR:
            return P.call(ast.Attribute(value=obj, attr="get", ctx=ast.Load()), index)
        simple = isinstance(obj, (ast.Name, ast.Constant)) and \
            isinstance(index, (ast.Name, ast.Constant))
        if simple and to in (LIST, None) and ti in (INT, None):
            checks = []
            if to is None:
                checks.append(_class_is(obj, "_Q_T_list"))
            if ti is None:
                checks.append(_class_is(index, "_Q_T_int"))
            test = checks[0] if len(checks) == 1 else ast.BoolOp(op=ast.And(), values=checks)
            return ast.IfExp(test=test, body=ast.Subscript(value=obj, slice=index, ctx=ast.Load()),
                             orelse=P.helper("index", obj, index))
        return P.helper("index", obj, index)

    # -- calls -----------------------------------------------------------------------

    def e_Call(self, e):
        if isinstance(e.func, n.Name) and self.res.refs.get(id(e.func)) is None \
                and e.func.id not in BUILTINS:
            return P.helper("undefined_function", P.const(e.func.id))
        fast = self.ctx.fast_self
        if fast is not None and isinstance(e.func, n.Name) \
                and self.res.refs.get(id(e.func)) is fast[0] \
                and self.ctx.types.of_call(e) is not None:
            return (yield self.call_with(P.name(fast[1]), [], e.args))
        func = yield e.func
        return (yield self.call_with(func, [], e.args))

    def e_MethodCall(self, e):
        obj_node = e.obj
        if isinstance(obj_node, n.Name) and self.res.refs.get(id(obj_node)) is None \
                and obj_node.id in TYPE_WORD_STATICS \
                and e.name in TYPE_WORD_STATICS[obj_node.id]:
            func = ast.Subscript(
                value=ast.Subscript(value=P.name("_Q_type_statics"), slice=P.const(obj_node.id),
                                    ctx=ast.Load()),
                slice=P.const(e.name), ctx=ast.Load())
            return (yield self.call_with(func, [], e.args))
        blocking = yield self.block_on_call(e)
        if blocking is not None:
            return blocking
        if ((self.is_module(obj_node) or self.is_type_binding(obj_node))
                and e.name not in UNIVERSAL) or \
                self.own_method(obj_node, e.name) or self.known_user_method(obj_node, e.name):
            # Positioned at the receiver: Python reports a method call at its
            # attribute, which must be where the call starts, not its last line.
            func = self.pos.at(ast.Attribute(value=(yield obj_node), attr=e.name,
                                             ctx=ast.Load()), obj_node)
            return (yield self.call_with(func, [], e.args))
        t = self.ctx.types.of(obj_node)
        if t in _PY_TYPES and all(a.kind == "pos" for a in e.args):
            receiver = yield obj_node
            if e.name in _NATIVE_METHODS.get(t, ()):
                func = ast.Attribute(value=receiver, attr=e.name, ctx=ast.Load())
                return (yield self.call_with(func, [], e.args))
            if e.name == "len" and t in (LIST, DICT) and not e.args:
                return P.call(P.name("_Q_len"), receiver)
            if t == DICT and e.name == "get" and len(e.args) in (1, 2) and \
                    self.ctx.types.of(e.args[0].value) == STR:
                func = ast.Attribute(value=receiver, attr="get", ctx=ast.Load())
                return (yield self.call_with(func, [], e.args))
            return (yield self.call_with(P.name(self.method_global(t, e.name)), [receiver],
                                         e.args))
        receiver = yield obj_node
        if e.name == "len" and not e.args and isinstance(receiver, ast.Name) and t is None:
            return self.inline_len(receiver, (yield self.dispatch(receiver, receiver, e)))
        if isinstance(receiver, ast.Name):
            first = receiver
            cls_of = P.name(receiver.id)
        else:
            tmp = self.temp()
            cls_of = ast.NamedExpr(target=P.name(tmp, True), value=receiver)
            first = P.name(tmp)
        return (yield self.dispatch(cls_of, first, e))

    def dispatch(self, cls_of, first, e) -> ast.expr:
        """``_Q_M[obj.__class__]["name"](obj, args)``: the generic method call."""
        table = ast.Subscript(
            value=P.name("_Q_M"),
            slice=ast.Attribute(value=cls_of, attr="__class__", ctx=ast.Load()), ctx=ast.Load())
        func = ast.Subscript(value=table, slice=P.const(e.name), ctx=ast.Load())
        return (yield self.call_with(func, [first], e.args))

    def inline_len(self, x: ast.Name, slow: ast.expr) -> ast.expr:
        """``x.len()`` on an unknown value: Array and ASCII Str lengths inline
        (Str.len() counts UTF-8 bytes, which for ASCII text is its length)."""
        is_list = _class_is(x, "_Q_T_list")
        is_ascii = ast.BoolOp(op=ast.And(), values=[
            _class_is(x, "_Q_T_str"),
            P.call(ast.Attribute(value=x, attr="isascii", ctx=ast.Load()))])
        return ast.IfExp(test=ast.BoolOp(op=ast.Or(), values=[is_list, is_ascii]),
                         body=P.call(P.name("_Q_len"), x), orelse=slow)

    def call_with(self, func, leading: list, args) -> ast.expr:
        positional = list(leading)
        keywords: list[ast.keyword] = []
        spreads: list[ast.expr] = []
        seen_named = False
        names: set[str] = set()
        for a in args:
            if a.kind in ("pos", "star"):
                if seen_named:
                    return P.helper("args_order_error")
                value = yield a.value
                if a.kind == "star":
                    value = ast.Starred(value=P.helper("spread", value), ctx=ast.Load())
                positional.append(value)
            elif a.kind == "named":
                seen_named = True
                if a.name in names:
                    return P.helper("duplicate_arg", P.const(a.name))
                names.add(a.name)
                keywords.append(self.pos.at(ast.keyword(arg=a.name, value=(yield a.value)), a))
            else:
                seen_named = True
                spreads.append((yield a.value))
        if spreads:
            named = ast.Dict(keys=[P.const(k.arg) for k in keywords],
                             values=[k.value for k in keywords])
            keywords = [ast.keyword(arg=None, value=P.helper("merge_kwargs", named, *spreads))]
        return ast.Call(func=func, args=positional, keywords=keywords)

    def e_Lambda(self, e):
        def_name = self.unique("_Q_lambda")
        self.prelude.extend((yield self.function_def(e, def_name, "<anonymous>")))
        return P.name(def_name)

    def method_global(self, t: str, name: str) -> str:
        """A module global holding the implementation of a builtin type's method."""
        gname = f"_Q_MT_{t}_{name}"
        if gname not in self.extra_globals:
            self.extra_globals[gname] = METHODS[_PY_TYPES[t]][name]
        return gname

    # -- static knowledge about receivers ----------------------------------------------

    def user_type_of(self, node):
        t = self.ctx.types.of(node)
        if isinstance(t, tuple) and t[0] == "user":
            return t[1]
        return None

    def known_user_method(self, node, name: str) -> bool:
        typedef = self.user_type_of(node)
        if typedef is None:
            return False
        return any(isinstance(m, n.FunDef) and m.name == name and not m.is_static
                   for m in typedef.members) or any(
            isinstance(m, n.Impl) and any(f.name == name for f in m.methods)
            for m in typedef.members)

    def public_field_slot(self, node, name: str):
        typedef = self.user_type_of(node)
        if typedef is None:
            return None
        methods = {m.name for m in typedef.members if isinstance(m, n.FunDef)}
        methods |= {f.name for m in typedef.members if isinstance(m, n.Impl) for f in m.methods}
        for m in typedef.members:
            if isinstance(m, n.Field) and m.name == name and m.pub:
                return "_qf_" + name if name in methods else name
        return None

    def binding_of(self, node):
        if isinstance(node, n.Name):
            return self.res.refs.get(id(node))
        return None

    def is_module(self, node) -> bool:
        b = self.binding_of(node)
        return b is not None and b.kind == "use" and not b.assigned

    def is_type_binding(self, node) -> bool:
        b = self.binding_of(node)
        return b is not None and b.kind == "type" and not b.assigned

    def own_field_slot(self, obj, name: str):
        """The slot of `name` when `obj` is `self` inside a method of its type."""
        t = self.ctx.method_of
        if t is None or not isinstance(obj, n.Name) or obj.id != "self":
            return None
        b = self.binding_of(obj)
        if b is None or b.kind != "param" or b.owner is not self.ctx.info or b.assigned:
            return None
        return t.slots.get(name)

    def own_method(self, obj, name: str) -> bool:
        t = self.ctx.method_of
        if t is None or not isinstance(obj, n.Name) or obj.id != "self":
            return False
        b = self.binding_of(obj)
        return b is not None and b.kind == "param" and b.owner is self.ctx.info \
            and not b.assigned and name in t.methods


def _again(node):
    """A second use of a reusable operand (a fresh node for the same name)."""
    return P.name(node.id) if isinstance(node, ast.Name) else node


def _compare(left, op, right):
    return ast.Compare(left=left, ops=[_PY_CMP[op]()], comparators=[right])


def _big_int_literal(node) -> bool:
    """An Int literal other than -1, 0 and 1: Python's == on it is Quest's (no Bool
    equals it, and no Float within Quest's epsilon differs from it)."""
    return isinstance(node, n.Int) and abs(node.value) >= 2


def _class_is(node, type_global: str):
    return ast.Compare(left=ast.Attribute(value=node, attr="__class__", ctx=ast.Load()),
                       ops=[ast.Is()], comparators=[P.name(type_global)])
