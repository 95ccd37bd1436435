"""Compiling Quest expressions to Python expressions (mixed into `Compiler`).

Each ``e_<Node>`` method returns one Python expression.  Statements an
expression needs first (a lambda's ``def``) go to ``self.prelude``, which
the statement compiler emits before the statement.  Where Python's meaning
is Quest's, plain Python is emitted; elsewhere a ``_Q_*`` runtime helper.
"""

from __future__ import annotations

import ast

from .. import nodes as n
from . import pyast as P
from .runtime import BUILTINS, TYPE_WORD_STATICS

_BINARY_HELPERS = {
    "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "**": "pow",
    "..": "concat", "&": "band", "|": "bor", "^": "bxor", "<<": "shl", ">>": "shr",
    "==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
}
_UNARY_HELPERS = {"-": "neg", "+": "pos", "~": "bnot"}
_MAGIC = ("__file__", "__line__", "__function__")


class ExpressionCompiler:
    def expr(self, e) -> ast.expr:
        node = getattr(self, "e_" + type(e).__name__)(e)
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
            inner = self.expr(part.value)
            if part.spec is not None:
                inner = P.helper("format", inner, P.const(part.spec))
            else:
                inner = P.helper("str", inner)
            values.append(ast.FormattedValue(value=inner, conversion=-1, format_spec=None))
        if not values:
            return P.const("")
        return ast.JoinedStr(values=values)

    def e_Array(self, e):
        return ast.List(elts=[self.expr(x) for x in e.items], ctx=ast.Load())

    def e_Array2D(self, e):
        return P.helper("not_implemented", P.const("2-D array literals"))

    def e_Dict(self, e):
        return ast.Dict(keys=[self.expr(x.key) for x in e.entries],
                        values=[self.expr(x.value) for x in e.entries])

    # -- operators ---------------------------------------------------------------

    def e_BinOp(self, e):
        left, right = self.expr(e.left), self.expr(e.right)
        if e.op == "==" or e.op == "!=":
            special = self.identity_compare(e, left, right)
            if special is not None:
                return special
        return P.helper(_BINARY_HELPERS[e.op], left, right)

    def identity_compare(self, e, left, right):
        """``x == nil`` / ``x == true`` are identity tests in Python too."""
        for side, other in ((e.right, left), (e.left, right)):
            if isinstance(side, (n.Nil, n.Bool)):
                op = ast.Is() if e.op == "==" else ast.IsNot()
                return ast.Compare(left=other, ops=[op], comparators=[self.expr(side)])
        return None

    def e_BoolOp(self, e):
        left, right = self.expr(e.left), self.expr(e.right)
        if e.op == "?:":
            tmp = self.temp()
            test = ast.Compare(left=ast.NamedExpr(target=P.name(tmp, True), value=left),
                               ops=[ast.IsNot()], comparators=[P.const(None)])
            return ast.IfExp(test=test, body=P.name(tmp), orelse=right)
        op = ast.And() if e.op == "and" else ast.Or()
        return ast.BoolOp(op=op, values=[left, right])

    def e_UnaryOp(self, e):
        operand = self.expr(e.operand)
        if e.op == "not":
            return ast.UnaryOp(op=ast.Not(), operand=operand)
        return P.helper(_UNARY_HELPERS[e.op], operand)

    def e_Await(self, e):
        self.ctx.info.has_await = True
        return ast.Await(value=self.expr(e.value))

    # -- member access and indexing -------------------------------------------------

    def e_Attribute(self, e):
        slot = self.own_field_slot(e.obj, e.name)
        if slot is not None:
            return ast.Attribute(value=self.expr(e.obj), attr=slot, ctx=ast.Load())
        if self.is_module(e.obj):
            return ast.Attribute(value=self.expr(e.obj), attr=e.name, ctx=ast.Load())
        return P.helper("attr", self.expr(e.obj), P.const(e.name))

    def e_Index(self, e):
        obj = self.expr(e.obj)
        if isinstance(e.index, tuple):
            return P.helper("multi_index", obj, ast.Tuple(
                elts=[self.expr(i) for i in e.index], ctx=ast.Load()))
        return P.helper("index", obj, self.expr(e.index))

    # -- calls -----------------------------------------------------------------------

    def e_Call(self, e):
        if isinstance(e.func, n.Name) and self.res.refs.get(id(e.func)) is None \
                and e.func.id not in BUILTINS:
            return P.helper("undefined_function", P.const(e.func.id))
        func = self.expr(e.func)
        return self.call_with(func, [], e.args)

    def e_MethodCall(self, e):
        obj_node = e.obj
        if isinstance(obj_node, n.Name) and self.res.refs.get(id(obj_node)) is None \
                and obj_node.id in TYPE_WORD_STATICS \
                and e.name in TYPE_WORD_STATICS[obj_node.id]:
            func = ast.Subscript(
                value=ast.Subscript(value=P.name("_Q_type_statics"), slice=P.const(obj_node.id),
                                    ctx=ast.Load()),
                slice=P.const(e.name), ctx=ast.Load())
            return self.call_with(func, [], e.args)
        if self.is_module(obj_node) or self.is_type_binding(obj_node) or \
                self.own_method(obj_node, e.name):
            func = ast.Attribute(value=self.expr(obj_node), attr=e.name, ctx=ast.Load())
            return self.call_with(func, [], e.args)
        receiver = self.expr(obj_node)
        if isinstance(receiver, ast.Name):
            first = receiver
            cls_of = P.name(receiver.id)
        else:
            tmp = self.temp()
            cls_of = ast.NamedExpr(target=P.name(tmp, True), value=receiver)
            first = P.name(tmp)
        table = ast.Subscript(
            value=P.name("_Q_M"),
            slice=ast.Attribute(value=cls_of, attr="__class__", ctx=ast.Load()), ctx=ast.Load())
        func = ast.Subscript(value=table, slice=P.const(e.name), ctx=ast.Load())
        return self.call_with(func, [first], e.args)

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
                value = self.expr(a.value)
                if a.kind == "star":
                    value = ast.Starred(value=P.helper("spread", value), ctx=ast.Load())
                positional.append(value)
            elif a.kind == "named":
                seen_named = True
                if a.name in names:
                    return P.helper("duplicate_arg", P.const(a.name))
                names.add(a.name)
                keywords.append(self.pos.at(ast.keyword(arg=a.name, value=self.expr(a.value)), a))
            else:
                seen_named = True
                spreads.append(self.expr(a.value))
        if spreads:
            named = ast.Dict(keys=[P.const(k.arg) for k in keywords],
                             values=[k.value for k in keywords])
            keywords = [ast.keyword(arg=None, value=P.helper("merge_kwargs", named, *spreads))]
        return ast.Call(func=func, args=positional, keywords=keywords)

    def e_Lambda(self, e):
        def_name = self.unique("_Q_lambda")
        self.prelude.extend(self.function_def(e, def_name, "<anonymous>"))
        return P.name(def_name)

    # -- static knowledge about receivers ----------------------------------------------

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
