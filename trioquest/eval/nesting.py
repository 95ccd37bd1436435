"""Deeply nested blocks: keeping generated functions under CPython's limit of
20 statically nested blocks ("too many statically nested blocks").

CPython counts, per function, the loops, ``with`` items, ``try`` bodies and
handlers that enclose a statement; Quest has no such limit.  `unnest` walks
the generated Python module after the compiler built it, and where a compound
statement would go past the limit it moves that statement into a nested
function of its own, defined and called in its place, whose count starts
again from zero::

    def _Q_nest3():                   # async def when the block awaits
        nonlocal a, b                 # every name the block assigns
        ...the statement...           # return v -> return (v,); break -> return 1
    _Q_nr3 = _Q_nest3()               # (await _Q_nest3())
    if _Q_nr3 is not None:
        if _Q_nr3 == 1: break
        if _Q_nr3 == 2: continue
        return _Q_nr3[0]

Quest semantics are kept: the block's variables are the enclosing
function's (``nonlocal``; ``global`` for a REPL session's), ``break`` and
``continue`` reach the enclosing loop, ``return`` the enclosing function, a
bare ``raise`` in a catch re-raises what the catch handles (the exception
being handled is seen by called functions), and closures made in the block
capture the same variables.  A name only the block assigns is declared in
the enclosing function with an annotation (``x: 0``, which runs nothing), so
that ``nonlocal x`` has a binding to refer to.  The Quest stack shows the
moved block as one more frame of the same Quest function.
"""

from __future__ import annotations

import ast

LIMIT = 18          # CPython's CO_MAXBLOCKS is 20; two blocks kept in reserve
_WITH_ITEMS = 4     # a `with` of more items is split into nested ones
_BREAK, _CONTINUE = 1, 2
_POS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def unnest(module: ast.Module, code_names: dict) -> None:
    """Rewrite `module` in place so that no function nests more than LIMIT
    blocks; moved blocks get the Quest name of their function in
    `code_names` (generated def name -> Quest name)."""
    work = [node for node in module.body if isinstance(node, _DEFS)]
    counter = [0]
    while work:
        work.extend(_function(work.pop(), code_names, counter))


def _parts(s) -> list[tuple[list, int]]:
    """The statement lists of a compound statement and the blocks each adds."""
    if isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
        return [(s.body, 1), (s.orelse, 0)]
    if isinstance(s, (ast.With, ast.AsyncWith)):
        return [(s.body, len(s.items))]
    if isinstance(s, ast.Try):
        final = 1 if s.finalbody else 0
        parts = [(s.body, 1 + final if s.handlers else 1)]
        parts.extend((h.body, 2 + final) for h in s.handlers)
        parts.append((s.orelse, final))
        parts.append((s.finalbody, 1))
        return parts
    if isinstance(s, ast.If):
        return [(s.body, 0), (s.orelse, 0)]
    return []


def _function(fn, code_names: dict, counter: list) -> list:
    """Move the too-deep statements of one function out; the functions found
    (nested defs and moved blocks) are returned for processing in turn."""
    found = []
    scope = _Scope(fn)
    stack = [(fn.body, 0)]
    while stack:
        stmts, depth = stack.pop()
        i = 0
        while i < len(stmts):
            s = stmts[i]
            if isinstance(s, _DEFS):
                found.append(s)
                i += 1
                continue
            if isinstance(s, (ast.With, ast.AsyncWith)) and len(s.items) > _WITH_ITEMS:
                inner = type(s)(items=s.items[_WITH_ITEMS:], body=s.body, type_comment=None)
                s.items, s.body = s.items[:_WITH_ITEMS], [_copy_position(inner, s)]
            parts = _parts(s)
            if parts and depth + max(cost for _, cost in parts) > LIMIT:
                counter[0] += 1
                block, call = _moved([s], scope, counter[0])
                code_names[block.name] = code_names.get(fn.name, fn.name)
                stmts[i:i + 1] = [block] + call
                found.append(block)
                i += 1 + len(call)
                continue
            if isinstance(s, ast.Try) and _has_finally(s.finalbody):
                # CPython compiles a finally body twice (normal and exceptional
                # exit): nested ones would cost 2**depth.  Each becomes a call
                # of a function defined before the try.
                counter[0] += 1
                block, call = _moved(s.finalbody, scope, counter[0])
                code_names[block.name] = code_names.get(fn.name, fn.name)
                s.finalbody = call
                stmts[i:i] = [block]
                found.append(block)
                i += 1
                parts = _parts(s)[:-1]
            stack.extend((body, depth + cost) for body, cost in parts)
            i += 1
    scope.declare_new_names()
    return found


class _Scope:
    """What a function declares: its parameters, global and nonlocal names,
    and the names blocks moved out of it assign (declared at its top)."""

    def __init__(self, fn) -> None:
        self.fn = fn
        a = fn.args
        self.params = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
        self.params |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        for s in fn.body:
            if isinstance(s, ast.Global):
                self.globals.update(s.names)
            elif isinstance(s, ast.Nonlocal):
                self.nonlocals.update(s.names)
        self.new: set[str] = set()

    def share(self, names: set[str]) -> tuple[list[str], list[str]]:
        """(global, nonlocal) declarations for a moved block assigning `names`."""
        glob = sorted(names & self.globals)
        nonloc = sorted(names - self.globals)
        self.new.update(x for x in nonloc if x not in self.params and x not in self.nonlocals)
        return glob, nonloc

    def declare_new_names(self) -> None:
        if not self.new:
            return
        body = self.fn.body
        at = 0
        while at < len(body) and isinstance(body[at], (ast.Global, ast.Nonlocal)):
            at += 1
        like = body[at] if at < len(body) else self.fn
        body[at:at] = [_copy_position(ast.AnnAssign(
            target=ast.Name(id=x, ctx=ast.Store()), annotation=ast.Constant(value=0),
            value=None, simple=1), like) for x in sorted(self.new)]


def _has_finally(stmts) -> bool:
    stack = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Try) and node.finalbody:
            return True
        if not isinstance(node, _DEFS):
            stack.extend(x for part, _ in _parts(node) for x in part)
    return False


def _moved(stmts: list, scope: _Scope, number: int):
    """(the def of a function holding statements `stmts`, the statements that
    call it in their place)."""
    s = stmts[0]
    exits = _redirect_exits(stmts)
    glob, nonloc = scope.share(set().union(*map(_assigned, stmts)))
    body = []
    if glob:
        body.append(ast.Global(names=glob))
    if nonloc:
        body.append(ast.Nonlocal(names=nonloc))
    body.extend(stmts)
    is_async = any(map(_awaits, stmts))
    cls = ast.AsyncFunctionDef if is_async else ast.FunctionDef
    name, result = f"_Q_nest{number}", f"_Q_nr{number}"
    block = cls(name=name, args=ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), body=body, decorator_list=[], returns=None, type_comment=None)
    call = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=[])
    if is_async:
        call = ast.Await(value=call)
    if not exits:
        replacement = [ast.Expr(value=call)]
    else:
        def is_(value):
            return ast.Compare(left=ast.Name(id=result, ctx=ast.Load()), ops=[ast.Eq()],
                               comparators=[ast.Constant(value=value)])
        dispatch = []
        if ast.Break in exits:
            dispatch.append(ast.If(test=is_(_BREAK), body=[ast.Break()], orelse=[]))
        if ast.Continue in exits:
            dispatch.append(ast.If(test=is_(_CONTINUE), body=[ast.Continue()], orelse=[]))
        if ast.Return in exits:
            dispatch.append(ast.Return(value=ast.Subscript(
                value=ast.Name(id=result, ctx=ast.Load()), slice=ast.Constant(value=0),
                ctx=ast.Load())))
        replacement = [
            ast.Assign(targets=[ast.Name(id=result, ctx=ast.Store())], value=call),
            ast.If(test=ast.Compare(left=ast.Name(id=result, ctx=ast.Load()), ops=[ast.IsNot()],
                                    comparators=[ast.Constant(value=None)]),
                   body=dispatch, orelse=[])]
    for node in body[:len(body) - len(stmts)]:
        _copy_position(node, s)
    _copy_position(block, s)
    return block, [_copy_position(r, s) for r in replacement]


def _redirect_exits(stmts: list) -> set:
    """Turn the ``return``s of `stmts` and their ``break``/``continue``s that
    leave them into returns of a value telling the caller what to do; the
    kinds seen."""
    exits = set()
    stack = [(stmts, False)]
    while stack:
        stmts, in_loop = stack.pop()
        for i, x in enumerate(stmts):
            if isinstance(x, ast.Return):
                value = x.value if x.value is not None else ast.Constant(value=None)
                stmts[i] = _copy_position(ast.Return(value=ast.Tuple(elts=[value],
                                                                     ctx=ast.Load())), x)
                exits.add(ast.Return)
            elif isinstance(x, (ast.Break, ast.Continue)) and not in_loop:
                code = _BREAK if isinstance(x, ast.Break) else _CONTINUE
                stmts[i] = _copy_position(ast.Return(value=ast.Constant(value=code)), x)
                exits.add(type(x))
            elif isinstance(x, (ast.For, ast.AsyncFor, ast.While)):
                stack.append((x.body, True))
                stack.append((x.orelse, in_loop))
            elif not isinstance(x, _DEFS):
                stack.extend((part, in_loop) for part, _ in _parts(x))
    return exits


def _assigned(s) -> set[str]:
    """The names statement `s` binds in its function (not in nested ones)."""
    names = set()
    stack = [s]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            continue
        if isinstance(node, _DEFS):
            names.add(node.name)
            a = node.args
            stack.extend(node.decorator_list + a.defaults + [d for d in a.kw_defaults if d])
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults + [d for d in node.args.kw_defaults if d])
            continue
        if isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _awaits(s) -> bool:
    """Whether `s` awaits in its own function (an await, async for or with)."""
    stack = [s]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, (*_DEFS, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _copy_position(node, like):
    """Give `node` and its unpositioned descendants the position of `like`."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.stmt, ast.expr, ast.excepthandler, ast.arg,
                                ast.keyword, ast.withitem)) and \
                getattr(current, "lineno", None) is None:
            for f in _POS:
                setattr(current, f, getattr(like, f))
        stack.extend(ast.iter_child_nodes(current))
    return node
