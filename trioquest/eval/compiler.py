"""Compiling a Quest module to a Python code object (ARCHITECTURE.md).

A module's top level becomes the body of a Python function (fast locals),
``_Q_body(_Q_ns)``; ``_Q_ns`` is the module's namespace dict, into which
exported names are written.  Quest functions become nested ``def``s, so
closures capture by reference as Quest's do; block scopes are renamed
apart by `scopes.resolve`.  Statements are ``s_<Node>`` methods,
expressions are in `expressions.ExpressionCompiler`.

A block can produce a value (a function's implicit return, ``sys.eval``,
the REPL): `block` takes a *sink*, None (discard), ``RETURN`` or the name of
a local to assign, and hands it to the block's last statement.

The visit methods are generators run by `trampoline.drive`: where one needs
a block, a statement or an expression compiled it yields it and receives the
result, so that nesting depth costs no Python frames.  The module built is
then rewritten by `nesting.unnest` for CPython's limit on nested blocks,
positioned, and compiled (`compile_program`).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from types import GeneratorType

from .. import nodes as n
from ..errors import QuestSyntaxError
from ..source import Source
from . import pyast as P
from .expressions import ExpressionCompiler
from .functions import RETURN, FunctionCompiler, FunctionContext
from .infer import DICT, INT, LIST, STR, FunctionTypes
from .nesting import unnest
from .newline_index import explained, newline_chains
from .runtime import BUILTINS
from .scopes import Resolution, resolve
from .trampoline import drive



@dataclass
class Compiled:
    code: object                  # the code object defining _Q_body
    python: ast.Module            # the generated Python (for --emit-python)
    globals: dict = field(default_factory=dict)  # extra globals the code needs
    doc: str | None = None        # the module's docstring (§2.4)
    uses_async: bool = False      # needs the Trio runtime
    needs_portals: bool = False   # calls async.block_on from sync functions
    top_level: dict = field(default_factory=dict)  # Quest name -> Python name at the end
    depth: int = 0                # of the generated Python tree (ast.unparse needs room)


class Compiler(FunctionCompiler, ExpressionCompiler):
    def __init__(self, source: Source, res: Resolution, *, export_all: bool = False,
                 value_sink: bool = False) -> None:
        self.source = source
        self.filename = source.filename
        self.res = res
        self.pos = P.Positioner(source)
        self.export_all = export_all
        self.value_sink = value_sink
        self.ctx: FunctionContext | None = None
        self.prelude: list[ast.stmt] = []
        self.counter = 0
        self.code_names: dict[str, str] = {}
        self.extra_globals: dict[str, object] = {}
        self.uses_async = False
        self.needs_portals = False
        self.async_modules: set[int] = set()   # ids of bindings of `use "std/async"`

    # -- infrastructure ------------------------------------------------------------

    def use_async(self) -> None:
        """The module needs the async helpers (and so Trio)."""
        if not self.uses_async:
            from .async_support import HELPERS

            self.uses_async = True
            self.extra_globals.update(HELPERS)

    def unique(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def temp(self) -> str:
        self.ctx.temps += 1
        return f"_Q_t{self.ctx.temps}"

    def compile_module(self, program: n.Program) -> ast.Module:
        for node in n.walk(program):
            if isinstance(node, n.Use) and node.path == "std/async" and \
                    (node.alias is not None or node.names is None):
                self.async_modules.add(id(self.res.decls[id(node)][0]))
        info = self.res.module
        self.ctx = FunctionContext(info, "<module>", is_async=info.has_await)
        self.ctx.types = FunctionTypes(self.res, info, program.body)
        body: list[ast.stmt] = []
        if self.res.shared:  # a REPL input: the session's variables are globals
            names = sorted({b.py for b in info.bindings})
            if names:
                body.append(ast.Global(names=names))
        else:
            for b in self.res.predeclared:  # variables handed in by sys.eval
                body.append(P.assign(b.py, ast.Subscript(
                    value=P.name("_Q_ns"), slice=P.const(b.py), ctx=ast.Load())))
        sink = "_Q_result" if self.value_sink else None
        if sink:
            body.append(P.assign(sink, P.const(None)))
        body.extend(self.run(self.block(program.body, (id(program), "body"), sink)))
        if sink:
            body.append(ast.Return(value=P.name(sink)))
        if not body:
            body.append(ast.Pass())
        fn = ast.FunctionDef(
            name="_Q_body", args=_args(["_Q_ns"]), body=body, decorator_list=[],
            returns=None, type_comment=None)
        if info.has_await:
            self.use_async()
            fn = ast.AsyncFunctionDef(**{f: getattr(fn, f) for f in fn._fields})
        self.pos.at(fn, program)
        module = ast.Module(body=[fn], type_ignores=[])
        self.code_names["_Q_body"] = "<module>"
        return module

    # -- blocks ----------------------------------------------------------------------

    def run(self, visit):
        """Run a visit generator (statements, blocks, expressions) to its result."""
        return drive(visit, self.compile_node, self.positioned)

    def block(self, stmts, key, sink=None):
        out: list[ast.stmt] = []
        for b in self.res.block_boxes.get(key, ()):
            if b.kind not in ("param", "for"):
                out.append(P.assign(b.py, P.call(P.name("_Q_Cell"))))
        last = len(stmts) - 1
        for i, s in enumerate(stmts):
            out.extend((yield self.stmt(s, sink if i == last else None)))
        if not stmts and sink is not None and sink is not RETURN:
            out.append(P.assign(sink, P.const(None)))
        return out

    def stmt(self, s, sink=None):
        chains = newline_chains(s, self.source)
        for chain in chains:
            for q in chain.nodes:
                self.pos.starts[id(q)] = (chain.line, chain.col)
        saved, self.prelude = self.prelude, []
        try:
            result = getattr(self, "s_" + type(s).__name__)(s, sink)
            if result.__class__ is GeneratorType:
                result = yield result
        finally:
            prelude, self.prelude = self.prelude, saved
        out = prelude + result
        for node in out:
            if getattr(node, "lineno", None) is None:
                self.pos.at(node, s)
        if chains:
            out = [explained(self, out, chains, sink is RETURN, s)]
        return out

    def sink_value(self, value: ast.expr, sink) -> list[ast.stmt]:
        """Deliver an expression's value to a sink (or evaluate it for effect)."""
        if sink is None:
            return [P.expr_stmt(value)]
        if sink is RETURN:
            return [ast.Return(value=self.checked_return(value))]
        return [P.assign(sink, value)]

    def sink_nil(self, sink) -> list[ast.stmt]:
        if sink is None or sink is RETURN:
            return []
        return [P.assign(sink, P.const(None))]

    def checked_return(self, value):
        check = self.ctx.return_check
        if check is None:
            return value
        return P.helper("check_return", value, *check)

    # -- simple statements -------------------------------------------------------------

    def s_ExprStmt(self, s, sink):
        v = s.value
        if sink is None and isinstance(v, n.MethodCall) and v.name == "push" \
                and len(v.args) == 1 and v.args[0].kind == "pos" \
                and self.ctx.types.of(v.obj) == LIST:
            append = ast.Attribute(value=(yield v.obj), attr="append", ctx=ast.Load())
            return [P.expr_stmt(P.call(append, (yield v.args[0].value)))]
        return self.sink_value((yield v), sink)

    def s_Let(self, s, sink):
        out = []
        for b in s.bindings:
            binding = self.res.decls[id(b)]
            value = yield b.value
            if id(b) in self.res.problems:
                out.append(self.pos.at(P.raise_call("redeclared", P.const(b.name)), b))
            out.extend(self.store(binding, value, b))
        return out + self.sink_nil(sink)

    def s_Const(self, s, sink):
        binding = self.res.decls[id(s)]
        out = []
        if id(s) in self.res.problems:
            out.append(P.raise_call("redeclared", P.const(s.name)))
        return out + self.store(binding, (yield s.value), s) + self.sink_nil(sink)

    def store(self, binding, value, q) -> list[ast.stmt]:
        """Bind `value` to a binding (declaration or assignment), exporting it."""
        if binding.boxed:
            target = ast.Attribute(value=P.name(binding.py), attr="v", ctx=ast.Store())
            stmts = [ast.Assign(targets=[target], value=value)]
        else:
            stmts = [P.assign(binding.py, value)]
        if self.exported(binding):
            stmts.append(ast.Assign(
                targets=[ast.Subscript(value=P.name("_Q_ns"), slice=P.const(binding.name),
                                       ctx=ast.Store())],
                value=self.load(binding)))
        for st in stmts:
            self.pos.at(st, q)
        return stmts

    def exported(self, binding) -> bool:
        return binding.owner is self.res.module and binding.kind not in ("for", "catch", "with") \
            and (binding.export or self.export_all)

    def s_TypedDecl(self, s, sink):
        return [P.raise_call("not_implemented", P.const("Typed variable declarations"))]

    def s_Assign(self, s, sink):
        return (yield self.assign_to(s.target, (yield s.value), s)) + self.sink_nil(sink)

    def assign_to(self, target, value, q):
        if isinstance(target, n.Name):
            problem = self.res.problems.get(id(target))
            if problem is not None:
                helper = "undeclared" if problem.kind == "undeclared" else "const_assign"
                return [P.expr_stmt(value), P.raise_call(helper, P.const(target.id))]
            binding = self.res.refs[id(target)]
            if binding.type is not None:
                value = P.helper("check_assign", value, P.const(binding.name),
                                 *self.type_args(binding.type))
            return self.store(binding, value, q)
        if isinstance(target, n.Attribute):
            slot = self.own_field_slot(target.obj, target.name)
            if slot is not None:
                return [ast.Assign(targets=[ast.Attribute(value=(yield target.obj), attr=slot,
                                                          ctx=ast.Store())], value=value)]
            return [P.expr_stmt(P.helper("set_attr", (yield target.obj),
                                         P.const(target.name), value))]
        obj = yield target.obj
        index = yield target.index
        to, ti = self.ctx.types.of(target.obj), self.ctx.types.of(target.index)
        if (to == LIST and ti == INT) or (to == DICT and ti == STR):
            return [ast.Assign(targets=[ast.Subscript(value=obj, slice=index, ctx=ast.Store())],
                               value=value)]
        return [P.expr_stmt(P.helper("set_index", obj, index, value))]

    def s_AugAssign(self, s, sink):
        op = "+=" if s.op == "+" else s.op
        target = s.target
        if isinstance(target, n.Name):
            if self.res.refs.get(id(target)) is None:
                return (yield self.assign_to(target, (yield s.value), s)) + self.sink_nil(sink)
            new = yield n.BinOp(op, target, s.value, line=s.line, col=s.col,
                                end_line=s.end_line, end_col=s.end_col)
            return (yield self.assign_to(target, new, s)) + self.sink_nil(sink)
        helper = "iadd" if s.op == "+" else {"-": "sub", "*": "mul", "/": "div", "%": "mod"}[s.op]
        out = []
        obj_tmp = self.temp()
        out.append(P.assign(obj_tmp, (yield target.obj)))
        if isinstance(target, n.Attribute):
            slot = self.own_field_slot(target.obj, target.name)
            if slot is not None:
                read = ast.Attribute(value=P.name(obj_tmp), attr=slot, ctx=ast.Load())
                new = P.helper(helper, read, (yield s.value))
                out.append(ast.Assign(targets=[ast.Attribute(value=P.name(obj_tmp), attr=slot,
                                                             ctx=ast.Store())], value=new))
                return out + self.sink_nil(sink)
            read = P.helper("attr", P.name(obj_tmp), P.const(target.name))
            new = P.helper(helper, read, (yield s.value))
            out.append(P.expr_stmt(P.helper("set_attr", P.name(obj_tmp),
                                            P.const(target.name), new)))
            return out + self.sink_nil(sink)
        idx_tmp = self.temp()
        out.append(P.assign(idx_tmp, (yield target.index)))
        read = P.helper("index", P.name(obj_tmp), P.name(idx_tmp))
        new = P.helper(helper, read, (yield s.value))
        out.append(P.expr_stmt(P.helper("set_index", P.name(obj_tmp), P.name(idx_tmp), new)))
        return out + self.sink_nil(sink)

    def s_Del(self, s, sink):
        problem = self.res.problems.get(id(s))
        if problem is not None:
            return [P.raise_call("del_error", P.const(s.name), P.const(problem.kind))]
        binding = self.res.refs[id(s)]
        return [ast.Delete(targets=[ast.Name(id=binding.py, ctx=ast.Del())])] + self.sink_nil(sink)

    def s_Return(self, s, sink):
        value = (yield s.value) if s.value is not None else P.const(None)
        if self.ctx.info.is_module:
            return [P.expr_stmt(value), ast.Return(value=None)] if s.value is not None \
                else [ast.Return(value=None)]
        return [ast.Return(value=self.checked_return(value))]

    def s_Break(self, s, sink):
        if not self.ctx.loop_depth:
            return [P.raise_call("outside_loop", P.const("break"))]
        return [ast.Break()]

    def s_Continue(self, s, sink):
        if not self.ctx.loop_depth:
            return [P.raise_call("outside_loop", P.const("continue"))]
        return [ast.Continue()]

    def s_Raise(self, s, sink):
        if s.value is not None:
            return [ast.Raise(exc=P.helper("raise_value", (yield s.value)), cause=None)]
        if self.ctx.catch_depth:
            return [ast.Raise(exc=None, cause=None)]
        return [ast.Raise(exc=P.helper("reraise_outside"), cause=None)]

    def s_DocDecl(self, s, sink):
        return [ast.Pass()] + self.sink_nil(sink)

    def s_ImplWith(self, s, sink):
        return [P.raise_call("not_implemented", P.const("impl ... with"))]

    def s_Use(self, s, sink):
        if s.path == "std/async":
            self.use_async()
        from_ = P.const(self.filename)
        if self.ctx.is_async:  # the module's own top level may await
            module = ast.Await(value=P.call(P.name("_Q_use_async"), P.const(s.path), from_))
        else:
            module = P.call(P.name("_Q_use"), P.const(s.path), from_)
        bindings = self.res.decls[id(s)]
        out: list[ast.stmt] = []
        i = 0
        if id(s) in self.res.problems:
            out.append(P.raise_call("redeclared", P.const(bindings[0].name)))
        if s.alias is not None or s.names is None:
            out.extend(self.store(bindings[0], module, s))
            source = self.load(bindings[0])
            i = 1
        else:
            tmp = self.temp()
            out.append(P.assign(tmp, module))
            source = P.name(tmp)
        for imp in s.names or ():
            if id(imp) in self.res.problems:
                out.append(P.raise_call("redeclared", P.const(imp.alias or imp.name)))
            member = P.call(P.name("_Q_use_member"), source, P.const(imp.name), P.const(s.path))
            out.extend(self.store(bindings[i], member, imp))
            i += 1
        if self.ctx.is_async:
            # The module may call block_on from sync code: this task then
            # needs a greenback portal before it runs any of it.
            out.append(P.expr_stmt(ast.Await(value=P.call(P.name("_Q_portal_check")))))
        return out + self.sink_nil(sink)

    # -- control flow ------------------------------------------------------------------------

    def s_If(self, s, sink):
        orelse = (yield self.block(s.orelse, (id(s), "else"), sink)) if s.orelse is not None \
            else self.sink_nil(sink)
        for br in reversed(s.branches):
            test = yield br.test
            body = yield self.block(br.body, (id(br), "body"), sink)
            orelse = [self.pos.at(ast.If(test=test, body=body or [ast.Pass()], orelse=orelse), br)]
        return orelse

    def s_While(self, s, sink):
        self.ctx.loop_depth += 1
        try:
            body = (yield self.block(s.body, (id(s), "body"))) or [ast.Pass()]
        finally:
            self.ctx.loop_depth -= 1
        return [ast.While(test=(yield s.test), body=body, orelse=[])] + self.sink_nil(sink)

    def s_For(self, s, sink):
        first, second = self.res.decls[id(s)]
        prelude = []
        if isinstance(s.iterable, n.Range):
            r = s.iterable
            start = yield r.start
            stop = yield r.stop
            iterable = P.helper("range", start, stop, P.const(r.inclusive),
                                (yield r.step) if r.step is not None else P.const(None))
        elif second is None:
            if self.ctx.is_async and self.ctx.types.of(s.iterable) not in (LIST, STR, DICT):
                # `for msg in chan` in async code receives until the channel
                # is closed and drained (§15); anything else iterates as usual.
                tmp = self.temp()
                prelude.append(P.assign(tmp, (yield s.iterable)))
                test = P.call(P.name("_Q_is_aiter"), P.name(tmp))
                checkin = P.expr_stmt(ast.Await(value=P.call(P.name("_Q_checkin"))))
                receiving = yield self.for_loop(s, first, None, P.name(tmp), is_async=True)
                iterating = yield self.for_loop(s, first, None, P.helper("iter", P.name(tmp)))
                return prelude + [ast.If(test=test, body=[checkin, receiving],
                                         orelse=[iterating])] + self.sink_nil(sink)
            iterable = P.helper("iter", (yield s.iterable))
        else:
            iterable = P.helper("iter2", (yield s.iterable))
        return [(yield self.for_loop(s, first, second, iterable))] + self.sink_nil(sink)

    def for_loop(self, s, first, second, iterable, *, is_async: bool = False):
        body = []
        targets = []
        for b in (first, second):
            if b is None:
                continue
            if b.boxed:
                tmp = self.temp()
                targets.append(P.name(tmp, True))
                body.append(P.assign(b.py, P.call(P.name("_Q_Cell"), P.name(tmp))))
            else:
                targets.append(P.name(b.py, True))
        target = targets[0] if len(targets) == 1 else ast.Tuple(elts=targets, ctx=ast.Store())
        self.ctx.loop_depth += 1
        try:
            body.extend((yield self.block(s.body, (id(s), "body"))))
        finally:
            self.ctx.loop_depth -= 1
        cls = ast.AsyncFor if is_async else ast.For
        return self.pos.at(cls(target=target, iter=iterable, body=body or [ast.Pass()], orelse=[],
                               type_comment=None), s)

    def s_Match(self, s, sink):
        subject = self.temp()
        out = [P.assign(subject, (yield s.subject))]
        orelse = (yield self.block(s.orelse, (id(s), "else"), sink)) if s.orelse is not None \
            else self.sink_nil(sink)
        for arm in reversed(s.arms):
            if isinstance(arm.pattern, n.Range):
                r = arm.pattern
                start = yield r.start
                stop = yield r.stop
                test = P.helper("in_range", P.name(subject), start, stop, P.const(r.inclusive),
                                (yield r.step) if r.step is not None else P.const(None))
            else:
                tests = []
                for p in arm.pattern:
                    tests.append(P.helper("eq", P.name(subject), (yield p)))
                test = tests[0] if len(tests) == 1 else ast.BoolOp(op=ast.Or(), values=tests)
            body = yield self.block(arm.body, (id(arm), "body"), sink)
            node = self.pos.at(ast.If(test=test, body=body, orelse=orelse), arm)
            orelse = [node]
        return out + orelse

    def s_Try(self, s, sink):
        out: list[ast.stmt] = []
        clause_types = []
        for c in s.catches:
            if c.type is None:
                clause_types.append(None)
                continue
            tmp = self.temp()
            out.append(self.pos.at(P.assign(tmp, P.helper("check_catch_type",
                                                           self.catch_type(c.type))), c))
            clause_types.append(tmp)
        body = (yield self.block(s.body, (id(s), "body"), sink)) or [ast.Pass()]
        handlers = []
        if s.catches:
            exc, err = self.temp(), self.temp()
            self.ctx.catch_depth += 1
            try:
                chain: list[ast.stmt] = [ast.Raise(exc=None, cause=None)]
                for c, ctype in reversed(list(zip(s.catches, clause_types))):
                    cbody = []
                    if c.var is not None:
                        binding = self.res.decls[id(c)]
                        cbody.extend(self.store(binding, P.helper("catch_value", P.name(err)), c))
                    cbody.extend((yield self.block(c.body, (id(c), "body"), sink)))
                    if ctype is None:
                        chain = cbody or [ast.Pass()]
                    else:
                        test = P.helper("catch_matches", P.name(err), P.name(ctype))
                        chain = [self.pos.at(ast.If(test=test, body=cbody or [ast.Pass()],
                                                    orelse=chain), c)]
            finally:
                self.ctx.catch_depth -= 1
            handler_body = [P.assign(err, P.helper("caught", P.name(exc)))] + chain
            handlers.append(ast.ExceptHandler(type=P.name("_Q_Exception"), name=exc,
                                              body=handler_body))
        final = []
        if s.ensure is not None:
            for e in s.ensure:
                final.extend((yield self.stmt(e)))
            final = final or [ast.Pass()]
            if self.ctx.is_async and _may_suspend(final):
                # cleanup is shielded from cancellation (async_support.cleanup)
                final = [ast.AsyncWith(items=[ast.withitem(context_expr=P.helper("cleanup"))],
                                       body=final)]
        out.append(ast.Try(body=body, handlers=handlers, orelse=[], finalbody=final))
        return out

    def catch_type(self, t: n.TypeRef) -> ast.expr:
        first, *rest = t.name.split(".")
        binding = self.res.refs.get(id(t))
        if binding is not None:
            obj = self.load(binding)
        elif first in BUILTINS:
            obj = P.name(first)
        else:
            obj = P.helper("undefined", P.const(first))
        for part in rest:
            obj = P.helper("attr", obj, P.const(part))
        return obj

    def s_With(self, s, sink):
        bindings = self.res.decls[id(s)]
        items = []
        for item, binding in zip(s.items, bindings):
            manager = P.call(P.name("_Q_AsyncWith" if s.is_async else "_Q_With"),
                             (yield item.value))
            var = None
            if binding is not None:
                var = P.name(binding.py, True)
            items.append(ast.withitem(context_expr=manager, optional_vars=var))
        body = []
        for b in s.body:
            body.extend((yield self.stmt(b)))
        body = body or [ast.Pass()]
        if s.is_async:
            self.use_async()
        cls = ast.AsyncWith if s.is_async else ast.With
        return [cls(items=items, body=body, type_comment=None)] + self.sink_nil(sink)


def _args(names: list[str]) -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[ast.arg(arg=x) for x in names], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


def _dict(d: dict) -> ast.Dict:
    return ast.Dict(keys=[P.const(k) for k in d], values=list(d.values()))


def compile_program(program: n.Program, source: Source, *, export_all: bool = False,
                    value_sink: bool = False, predeclared: dict | None = None,
                    shared: bool = False, taken: frozenset = frozenset()):
    """Quest AST -> (code object, generated Python module, code name map).
    `shared`/`taken`: a REPL input (see scopes.resolve)."""
    res = resolve(program, builtins=frozenset(BUILTINS), predeclared=predeclared,
                  shared=shared, taken=taken)
    compiler = Compiler(source, res, export_all=export_all, value_sink=value_sink)
    deepest = None
    try:
        module = compiler.compile_module(program)
        unnest(module, compiler.code_names)
        depth, deepest, blocks = P.inherit_positions(module)
        if depth > P.MAX_DEPTH:
            raise _too_deep(source, deepest, blocks)
        with warnings.catch_warnings(), P.recursion_room(depth):
            warnings.simplefilter("ignore", SyntaxWarning)  # `x is 1` is what we mean
            code = compile(module, source.filename, "exec", dont_inherit=True)
    except QuestSyntaxError:
        raise
    except RecursionError:   # not expected below MAX_DEPTH; a user error all the same
        raise _too_deep(source, deepest, False) from None
    except SyntaxError as e:  # Python rejected what we generated: a compiler bug
        raise RuntimeError(f"internal compiler error: {e}") from e
    first = program.body[0] if program.body else None
    doc = first.value.value if isinstance(first, n.ExprStmt) and isinstance(first.value, n.Str) \
        else None
    return Compiled(_rename_code(code, compiler.code_names), module, compiler.extra_globals, doc,
                    compiler.uses_async, compiler.needs_portals, res.top_level, depth)


def _too_deep(source: Source, node, blocks: bool) -> QuestSyntaxError:
    """The error for a program whose Python would nest more than MAX_DEPTH
    levels: at the innermost place."""
    what = "blocks" if blocks else "expression"
    line = getattr(node, "lineno", None) or 1
    col = P.char_col(source, line, getattr(node, "col_offset", 0) or 0)
    return QuestSyntaxError(f"{what} nested too deeply", source.filename, line, col,
                            source_line=source.line_text(line))


def _rename_code(code, names: dict):
    """Give generated functions their Quest names (tracebacks, ``_name()``):
    every code object below `code`, innermost first (no recursion)."""
    order, stack = [], [code]
    while stack:
        current = stack.pop()
        order.append(current)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_code"))
    renamed: dict[int, object] = {}
    for current in reversed(order):   # children before their parents
        consts = tuple(renamed.get(id(c), c) for c in current.co_consts)
        quest = names.get(current.co_name)
        if quest is None:
            renamed[id(current)] = current.replace(co_consts=consts)
        else:
            renamed[id(current)] = current.replace(co_consts=consts, co_name=quest,
                                                   co_qualname=quest)
    return renamed[id(code)]


def _may_suspend(stmts) -> bool:
    """Whether generated statements can suspend (an await outside any
    nested function)."""
    stack = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False
