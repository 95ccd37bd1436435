"""Compiling functions, methods, types and traits (mixed into `Compiler`).

A Quest function becomes a nested Python ``def``: defaults are evaluated at
call time in the callee (a sentinel default), ``*rest`` becomes an Array,
annotations become checks.  A function whose parameters are used
arithmetically gets a body specialised for Int arguments, and a recursive one
an Int "twin" that calls itself without re-checking (see `fast_twin`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import nodes as n
from . import pyast as P
from .infer import INT, FunctionTypes, numeric_params
from .runtime import BUILTINS
from .values.usertypes import BUILTIN_TYPE_NAMES

RETURN = object()  # block sink: return the value


@dataclass
class TypeContext:
    """What methods of a type being compiled know about it."""

    slots: dict[str, str]
    methods: set[str]


@dataclass
class FunctionContext:
    info: object                  # scopes.FunctionInfo
    quest_name: str
    method_of: TypeContext | None = None
    return_check: tuple | None = None
    temps: int = 0
    catch_depth: int = 0
    loop_depth: int = 0
    types: object = None          # infer.FunctionTypes
    fast_self: tuple | None = None  # (own binding, twin name) inside a fast twin
    is_async: bool = False


class FunctionCompiler:
    # -- functions ------------------------------------------------------------------------

    def s_FunDef(self, s, sink):
        binding = self.res.decls[id(s)]
        def_name = self.unique("_Q_fun_") if binding.boxed else binding.py
        defs = yield self.function_def(s, def_name, s.name)
        value = P.name(def_name)
        for d in reversed(s.decorators):
            value = yield self.decorated(d, value)
        out = defs
        if s.decorators or binding.boxed or self.exported(binding):
            out = out + self.store(binding, value, s)
        return out + self.sink_nil(sink)

    def decorated(self, d, fn) -> ast.expr:
        first = self.res.refs.get(id(d))
        deco = self.load(first) if first is not None else (
            P.name(d.path[0]) if d.path[0] in BUILTINS else
            P.helper("undefined", P.const(d.path[0])))
        for part in d.path[1:]:
            deco = P.helper("attr", deco, P.const(part))
        positional, named = [], []
        for a in d.args or ():
            if a.kind == "pos":
                positional.append((yield a.value))
        for a in d.args or ():
            if a.kind == "named":
                named.append((yield a.value))
        args = ast.Tuple(elts=positional, ctx=ast.Load())
        kwargs = ast.Dict(keys=[P.const(a.name) for a in d.args or () if a.kind == "named"],
                          values=named)
        return P.helper("decorate", deco, args, kwargs, fn)

    def function_def(self, node, def_name: str, quest_name: str, *,
                     method_of: TypeContext | None = None) -> list[ast.stmt]:
        info = self.res.functions[id(node)]
        if isinstance(node, n.FunDef) and not node.is_async and info.has_await:
            raise self.await_outside_async(node)
        is_async = getattr(node, "is_async", False) or info.has_await
        fast = self.fast_twin(node, info, method_of)
        outer = self.ctx
        ret = getattr(node, "return_type", None)
        self.ctx = FunctionContext(info, quest_name, method_of=method_of, is_async=is_async)
        self.ctx.types = FunctionTypes(self.res, info, node.body, node.params)
        try:
            if ret is not None:
                self.ctx.return_check = (P.const(quest_name), *self.type_args(ret))
            params, prologue, problem = yield self.parameters(
                node, method_of is not None and not getattr(node, "is_static", False))
            if fast is not None:
                body = prologue + self.dispatch_to_fast(node, fast) + (yield self.block(
                    node.body, (id(node), "body"), RETURN))
            else:
                body = prologue + (yield self.function_body(node, info))
            if self.ctx.return_check is not None:
                body.append(ast.Return(value=self.checked_return(P.const(None))))
            if is_async:
                body = self.async_scoped(body, node)
            body = self.finish_body(info, params, body)
        finally:
            self.ctx = outer
        if problem is not None:
            return [P.raise_call("param_order", P.const(quest_name), P.const(problem))]
        cls = ast.AsyncFunctionDef if is_async else ast.FunctionDef
        fn = cls(name=def_name, args=params, body=body, decorator_list=[], returns=None,
                 type_comment=None)
        self.pos.at(fn, node)
        self.code_names[def_name] = quest_name
        if fast is not None:
            return [(yield self.fast_def(node, info, quest_name, fast)), fn]
        return [fn]

    def async_scoped(self, body, node) -> list[ast.stmt]:
        """An async call is a scope (CONCURRENCY.md §2): tasks it spawns are
        cancelled and waited for when it ends, unobserved failures raised.
        Inline and allocation-light, as every async call runs it::

            _Q_scope = _Q_Scope(); _Q_outer = _Q_CS.get(); _Q_CS.set(_Q_scope)
            try: BODY
            except BaseException as e: _Q_scope.failing = e; raise
            finally:
                _Q_CS.set(_Q_outer)
                if _Q_scope.children is not None: await _Q_scope.close()

        (Not a token reset: a batched task's first step runs in another
        context than the rest of it.)
        """
        self.use_async()
        def scope(attr=None, ctx=ast.Load):
            node = P.name("_Q_scope")
            return node if attr is None else ast.Attribute(value=node, attr=attr, ctx=ctx())

        def current_scope(method):
            return ast.Attribute(value=P.name("_Q_CS"), attr=method, ctx=ast.Load())

        failing = ast.ExceptHandler(type=P.name("_Q_BaseException"), name="_Q_failing", body=[
            ast.Assign(targets=[scope("failing", ast.Store)], value=P.name("_Q_failing")),
            ast.Raise(exc=None, cause=None)])
        has_children = ast.Compare(left=scope("children"), ops=[ast.IsNot()],
                                   comparators=[P.const(None)])
        wrapped = [
            P.assign("_Q_scope", P.call(P.name("_Q_Scope"))),
            P.assign("_Q_outer", P.call(current_scope("get"))),
            P.expr_stmt(P.call(current_scope("set"), scope())),
            ast.Try(body=body or [ast.Pass()], handlers=[failing], orelse=[], finalbody=[
                P.expr_stmt(P.call(current_scope("set"), P.name("_Q_outer"))),
                ast.If(test=has_children, body=[
                    P.expr_stmt(ast.Await(value=P.call(scope("close"))))], orelse=[])]),
        ]
        for st in wrapped:
            self.pos.at(st, node)
        return wrapped

    def await_outside_async(self, node):
        from ..errors import QuestSyntaxError

        found = [x for x in _nodes(node.body)
                 if isinstance(x, n.Await) or (isinstance(x, n.With) and x.is_async)]
        where = min(found, key=lambda x: (x.line, x.col)) if found else node
        what = "'async with'" if isinstance(where, n.With) else "'await'"
        return QuestSyntaxError(
            f"{what} in fun '{node.name}', which is not async: declare it 'async fun "
            f"{node.name}'", self.filename, where.line, where.col,
            width=len(what) - 2, source_line=self.source.line_text(where.line))

    def finish_body(self, info, params, body) -> list[ast.stmt]:
        """Closure plumbing common to every generated function body."""
        # Cells of loop variables are bound when the function is made, so
        # each iteration's closures keep their own (§5).
        boxed = sorted(py for py, b in info.free.items() if b.boxed)
        for py in reversed(boxed):
            body.insert(0, P.assign(py, P.name("_Q_c_" + py)))
        if params is not None:
            params.kwonlyargs = [ast.arg(arg="_Q_c_" + py) for py in boxed]
            params.kw_defaults = [P.name(py) for py in boxed]
        outer = [info.free[py] for py in info.nonlocals - info.py_names
                 if not info.free[py].boxed]
        nonlocals = sorted(b.py for b in outer if not b.shared)
        if nonlocals:
            body.insert(0, ast.Nonlocal(names=nonlocals))
        shared = sorted(b.py for b in outer if b.shared)  # REPL session variables
        if shared:
            body.insert(0, ast.Global(names=shared))
        return body or [ast.Pass()]

    # -- Int-specialised twins of recursive functions --------------------------------

    def fast_twin(self, node, info, method_of):
        """For a plain recursive function whose parameters are used
        arithmetically: (twin name, own binding, Int parameters), else None.

        The twin is the body compiled for Int arguments; the function checks
        its arguments once and hands over, and the twin calls itself directly
        when its own arguments are Ints, so recursion pays no check."""
        if not isinstance(node, n.FunDef) or method_of is not None or node.decorators \
                or node.return_type is not None or node.is_async or info.has_await:
            return None
        if any(p.kind != "normal" or p.default is not None or p.type is not None
               for p in node.params):
            return None
        own = self.res.decls.get(id(node))
        if own is None or own.kind != "fun" or own.assigned or own.boxed:
            return None
        spec = numeric_params(self.res, node)
        bindings = [self.res.decls[id(p)] for p in node.params]
        if not spec or any(b.boxed or b.assigned_in_closure for b in bindings):
            return None
        if not any(isinstance(x, n.Call) and isinstance(x.func, n.Name)
                   and self.res.refs.get(id(x.func)) is own for x in _nodes(node.body)):
            return None
        return self.unique(f"_Q_fast_{own.py}_"), own, spec

    def dispatch_to_fast(self, node, fast) -> list[ast.stmt]:
        name, own, spec = fast
        bindings = {p.name: self.res.decls[id(p)] for p in node.params}
        checks = [ast.Attribute(value=P.name(bindings[p].py), attr="__class__", ctx=ast.Load())
                  for p in spec] + [P.name("_Q_T_int")]
        test = ast.Compare(left=checks[0], ops=[ast.Is()] * (len(checks) - 1),
                           comparators=checks[1:])
        call = P.call(P.name(name), *[P.name(bindings[p.name].py) for p in node.params])
        return [self.pos.at(ast.If(test=test, body=[ast.Return(value=call)], orelse=[]), node)]

    def fast_def(self, node, info, quest_name, fast) -> ast.FunctionDef:
        name, own, spec = fast
        outer = self.ctx
        self.ctx = FunctionContext(info, quest_name)
        self.ctx.types = FunctionTypes(self.res, info, node.body, node.params,
                                       param_types={p: INT for p in spec}, self_binding=own)
        self.ctx.fast_self = (own, name)
        try:
            params, prologue, _ = yield self.parameters(node, False)
            body = self.finish_body(info, params, prologue + (yield self.block(
                node.body, (id(node), "body"), RETURN)))
        finally:
            self.ctx = outer
        fn = ast.FunctionDef(name=name, args=params, body=body, decorator_list=[],
                             returns=None, type_comment=None)
        self.code_names[name] = quest_name
        return self.pos.at(fn, node)

    def function_body(self, node, info) -> list[ast.stmt]:
        """The body, twice when parameters are used arithmetically: a version
        compiled assuming they are Ints (entered when they are), and the
        general one."""
        generic = yield self.block(node.body, (id(node), "body"), RETURN)
        spec = numeric_params(self.res, node)
        bindings = [self.res.decls[id(p)] for p in node.params if p.name in spec]
        if not spec or any(b.boxed or b.assigned_in_closure for b in bindings):
            return generic
        own = self.res.decls.get(id(node)) if isinstance(node, n.FunDef) else None
        if own is not None and (own.kind != "fun" or own.assigned or node.decorators):
            own = None
        general_types = self.ctx.types
        self.ctx.types = FunctionTypes(self.res, info, node.body, node.params,
                                       param_types={p: INT for p in spec}, self_binding=own)
        try:
            fast = yield self.block(node.body, (id(node), "body"), RETURN)
        finally:
            self.ctx.types = general_types
        checks = [ast.Attribute(value=P.name(b.py), attr="__class__", ctx=ast.Load())
                  for b in bindings] + [P.name("_Q_T_int")]
        test = ast.Compare(left=checks[0], ops=[ast.Is()] * (len(checks) - 1),
                           comparators=checks[1:])
        return [self.pos.at(ast.If(test=test, body=fast or [ast.Pass()],
                                   orelse=generic or [ast.Pass()]), node)]

    def parameters(self, node, with_self: bool):
        """(ast.arguments, prologue statements, error) for a function's parameters."""
        args, defaults, prologue = [], [], []
        vararg = kwarg = None
        if with_self:
            self_binding = self.res.decls.get((id(node), "self"))
            args.append(ast.arg(arg=self_binding.py if self_binding else "self"))
        seen_default = None
        for p in node.params:
            binding = self.res.decls[id(p)]
            if p.kind == "star":
                vararg = ast.arg(arg=binding.py)
                prologue.append(P.assign(binding.py, P.call(P.name("_Q_list"), P.name(binding.py))))
            elif p.kind == "starstar":
                kwarg = ast.arg(arg=binding.py)
            else:
                if p.default is not None:
                    seen_default = p.name
                    defaults.append(P.name("_Q_MISSING"))
                    missing = ast.Compare(left=P.name(binding.py), ops=[ast.Is()],
                                          comparators=[P.name("_Q_MISSING")])
                    prologue.append(self.pos.at(ast.If(
                        test=missing, body=[P.assign(binding.py, (yield p.default))],
                        orelse=[]), p))
                elif seen_default is not None:
                    return None, [], (f"required parameter '{p.name}' follows "
                                      f"parameter '{seen_default}' with a default")
                args.append(self.pos.at(ast.arg(arg=binding.py), p))
            if p.type is not None and p.kind == "normal":
                prologue.append(self.pos.at(P.expr_stmt(P.helper(
                    "check_param", P.name(binding.py), P.const(p.name),
                    *self.type_args(p.type))), p))
            if binding.boxed:
                prologue.append(P.assign(binding.py, P.call(P.name("_Q_Cell"),
                                                           P.name(binding.py))))
        arguments = ast.arguments(posonlyargs=[], args=args, vararg=vararg, kwonlyargs=[],
                                  kw_defaults=[], kwarg=kwarg, defaults=defaults)
        return arguments, prologue, None

    def type_args(self, t: n.TypeRef) -> tuple:
        """(name, type object or None, optional) for a runtime type check."""
        name = t.name
        if name in BUILTIN_TYPE_NAMES:
            obj = P.const(None)
        else:
            binding = self.res.refs.get(id(t))
            first, *rest = name.split(".")
            if binding is not None:
                obj = self.load(binding)
            elif first in BUILTINS:
                obj = P.name(first)
            else:
                obj = P.name("_Q_MISSING")
            for part in rest:
                obj = P.helper("attr", obj, P.const(part))
            obj = P.helper("annotation_type", obj, P.const(name))
        return P.const(name), obj, P.const(t.optional)

    # -- types and traits -------------------------------------------------------------------

    def s_TypeDef(self, s, sink):
        binding = self.res.decls[id(s)]
        fields = [m for m in s.members if isinstance(m, n.Field)]
        funs = [m for m in s.members if isinstance(m, n.FunDef)]
        impls = [m for m in s.members if isinstance(m, n.Impl)]
        instance_names = {f.name for f in funs if not f.is_static}
        for impl in impls:
            instance_names |= {f.name for f in impl.methods}
        static_names = {f.name for f in funs if f.is_static}
        slots = {f.name: ("_qf_" + f.name if f.name in instance_names | static_names else f.name)
                 for f in fields}
        tctx = TypeContext(slots, instance_names)
        out: list[ast.stmt] = []
        field_specs = []
        for f in fields:
            tname = None if f.type is None else f.type.name
            tobj = P.const(None)
            if f.type is not None and tname not in BUILTIN_TYPE_NAMES:
                tobj = self.type_args(f.type)[1]
            default = (yield f.default) if f.default is not None else P.const(None)
            field_specs.append(self.pos.at(P.call(
                P.name("_Q_field"), P.const(f.name), P.const(tname), tobj,
                P.const(f.optional), P.const(f.default is not None), default, P.const(f.pub)), f))
        methods, statics, decorated = {}, {}, []
        for f in funs:
            if f.decorators:
                decorated.append(f.name)
            def_name = self.unique(f"_Q_m_{f.name}_")
            out.extend((yield self.function_def(f, def_name, f.name,
                                                method_of=None if f.is_static else tctx)))
            (statics if f.is_static else methods)[f.name] = P.name(def_name)
        impl_specs = []
        for impl in impls:
            impl_methods = {}
            for f in impl.methods:
                def_name = self.unique(f"_Q_m_{f.name}_")
                out.extend((yield self.function_def(f, def_name, f.name, method_of=tctx)))
                impl_methods[f.name] = P.name(def_name)
            trait_binding = self.res.refs.get(id(impl))
            trait = self.load(trait_binding) if trait_binding else P.helper(
                "undefined", P.const(impl.trait))
            impl_specs.append(ast.Tuple(elts=[trait, _dict(impl_methods)], ctx=ast.Load()))
        value = P.call(
            P.name("_Q_make_type"), P.const(s.name), P.const(s.doc),
            ast.List(elts=field_specs, ctx=ast.Load()), _dict(methods), _dict(statics),
            ast.List(elts=impl_specs, ctx=ast.Load()),
            keywords=[ast.keyword(arg="decorated", value=P.const(tuple(decorated)))])
        return out + self.store(binding, value, s) + self.sink_nil(sink)

    def s_TraitDef(self, s, sink):
        binding = self.res.decls[id(s)]
        sigs = ast.List(elts=[
            ast.Tuple(elts=[P.const(m.name), P.const(len(m.params))], ctx=ast.Load())
            for m in s.methods], ctx=ast.Load())
        value = P.call(P.name("_Q_Trait"), P.const(s.name), P.const(s.doc), sigs)
        return self.store(binding, value, s) + self.sink_nil(sink)



def _nodes(body):
    """Every node of a function body, not entering nested functions."""
    stack = list(body)
    while stack:
        x = stack.pop()
        yield x
        if not isinstance(x, (n.Lambda, n.FunDef, n.TypeDef)):
            stack.extend(n.children(x))




def _dict(d: dict) -> ast.Dict:
    return ast.Dict(keys=[P.const(k) for k in d], values=list(d.values()))
