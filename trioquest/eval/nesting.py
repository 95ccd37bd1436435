"""Deeply nested blocks: keeping generated functions under CPython's limit of
20 statically nested blocks ("too many statically nested blocks"), and
finally bodies from costing exponential compile time.

CPython counts, per function, the loops, ``with`` items, ``try`` bodies and
handlers that enclose a statement; Quest has no such limit.  `unnest` walks
the generated Python module after the compiler built it, and where a compound
statement would go past the limit it moves that statement into a nested
function of its own, defined and called in its place, whose count starts
again from zero::

    def _Q_nest3():                   # async def when the block awaits
        nonlocal a, b                 # what it assigns and does not own
        ...the statement...           # return v -> return (v,); break -> return 1
    _Q_nr3 = _Q_nest3()               # (await _Q_nest3())
    if _Q_nr3 is not None:
        if _Q_nr3 == 1: break
        if _Q_nr3 == 2: continue
        return _Q_nr3[0]

Quest semantics are kept: the block's variables are the enclosing
function's (``nonlocal``; ``global`` for a REPL session's) unless every use
of one is inside the block, ``break`` and ``continue`` reach the enclosing
loop, ``return`` the enclosing function, a bare ``raise`` in a catch
re-raises what the catch handles (the exception being handled is seen by
called functions), and closures made in the block capture the same
variables (`_Owner`).  A finally body holding a def, or deeply nested finally
bodies, move the same way (`_finally_moves`).  The Quest stack shows a moved
block as one more frame of the same Quest function.
"""

from __future__ import annotations

import ast

LIMIT = 18          # CPython's CO_MAXBLOCKS is 20; two blocks kept in reserve
_WITH_ITEMS = 4     # a `with` of more items is split into nested ones
_BREAK, _CONTINUE = 1, 2
_POS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCK, _RESULT = "_Q_nest", "_Q_nr"   # names of moved blocks and of their results


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
    """Move the too-deep statements of one function out; the nested defs
    found are returned, to be processed in turn.

    First the statements to move are found, outermost first, counting depth
    afresh inside each; then they are moved innermost first, so that each
    statement is looked at by one move only (the blocks moved out of it are
    defs by then, which the moves do not enter, using what was recorded
    about them instead)."""
    found, moves = [], []
    finally_moves = _finally_moves(fn)
    # A moved block's def goes before the statement it is "anchored" at: the
    # statement itself, or, inside finally bodies compiled inline (twice
    # each), the try outside all of them, so that it is compiled once.
    stack = [(fn.body, 0, None)]
    while stack:
        stmts, depth, anchored = stack.pop()
        for i, s in enumerate(stmts):
            if isinstance(s, _DEFS):
                found.append(s)
                continue
            if isinstance(s, (ast.With, ast.AsyncWith)) and len(s.items) > _WITH_ITEMS:
                inner = type(s)(items=s.items[_WITH_ITEMS:], body=s.body, type_comment=None)
                s.items, s.body = s.items[:_WITH_ITEMS], [_position(inner, s)]
            parts = _parts(s)
            if not parts:
                continue
            anchor = anchored or (stmts, s)
            inside, inside_anchor = depth, anchored
            if depth + max(cost for _, cost in parts) > LIMIT:
                moves.append((stmts, s, anchor, False))
                inside, inside_anchor = 0, None   # counted afresh in the moved block
            if id(s) in finally_moves:
                moves.append((stmts, s, anchor, True))
                stack.append((s.finalbody, 0, None))
                parts = parts[:-1]
            for body, cost in parts:
                if isinstance(s, ast.Try) and body is s.finalbody:   # compiled twice
                    stack.append((body, inside + cost, inside_anchor or (stmts, s)))
                else:
                    stack.append((body, inside + cost, inside_anchor))
    if not moves:
        return found
    owner = _Owner(fn)
    for stmts, s, (anchor_stmts, anchor), finalbody in reversed(moves):
        counter[0] += 1
        code_names[f"{_BLOCK}{counter[0]}"] = code_names.get(fn.name, fn.name)
        if finalbody:
            block, call = _moved(s.finalbody, owner, counter[0])
            s.finalbody = call
        else:   # with the defs anchored at it, just before it
            i = _index(stmts, s)
            start = i - len(getattr(s, "_q_defs", ()))
            block, call = _moved(stmts[start:i + 1], owner, counter[0])
            if anchor is s:
                stmts[start:i + 1] = [block] + call
                continue
            stmts[start:i + 1] = call
        anchor_stmts.insert(_index(anchor_stmts, anchor), block)
        if not hasattr(anchor, "_q_defs"):
            anchor._q_defs = []
        anchor._q_defs.append(block)
    owner.declare_in_function()
    return found


def _index(stmts: list, s) -> int:
    """Where statement `s` is in `stmts` (only ever later than at first)."""
    for i, x in enumerate(stmts):
        if x is s:
            return i
    raise AssertionError("statement lost while moving blocks")


_FINALLY_RUN = 4   # nested finally bodies compiled inline, at most


def _finally_moves(fn) -> set[int]:
    """Ids of the tries of `fn` whose finally body is moved into a function.

    CPython compiles a finally body once for each way out of the try (normal
    exit, exception, each ``return``/``break``/``continue``), so finally
    bodies nested in each other, or holding a def (a whole function compiled
    again), would cost exponential time.  Moved: every finally body holding
    a def, and one in every `_FINALLY_RUN` nested in each other (moving each
    one would cost a Python frame per level when they run).  Bottom-up."""
    depth: dict[int, int] = {}   # finally bodies nested inline in a statement
    holds_def: set[int] = set()  # statements with a def inside, inline
    marked: set[int] = set()
    order, stack = [], list(fn.body)
    while stack:
        s = stack.pop()
        order.append(s)
        if not isinstance(s, _DEFS):
            stack.extend(x for part, _ in _parts(s) for x in part)
    for s in reversed(order):   # children before their parents
        if isinstance(s, _DEFS):
            holds_def.add(id(s))
            continue
        parts = _parts(s)
        if isinstance(s, ast.Try) and s.finalbody:
            parts, final = parts[:-1], s.finalbody
            inner = max((depth.get(id(x), 0) for x in final), default=0)
            if inner >= _FINALLY_RUN - 1 or any(id(x) in holds_def for x in final):
                marked.add(id(s))
                inner = 0
            else:
                parts = parts + [(final, 1)]
            d = inner + 1
        else:
            d = 0
        for part, _ in parts:
            for x in part:
                d = max(d, depth.get(id(x), 0))
                if id(x) in holds_def:
                    holds_def.add(id(s))
        if d:
            depth[id(s)] = d
    return marked


class _Owner:
    """Which function owns each variable a moved block assigns.

    A variable belongs to the innermost moved block holding every use of it
    in the function (counted once, before anything moved), else to the
    function itself.  A block assigning a variable it does not own declares
    it ``nonlocal`` (``global`` for a REPL session's); the owner declares it
    with an annotation when none of its own code assigns it, so that there
    is a binding for the ``nonlocal``s to find."""

    def __init__(self, fn) -> None:
        self.fn = fn
        a = fn.args
        fixed = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)}
        fixed |= {x.arg for x in (a.vararg, a.kwarg) if x is not None}
        self.globals: set[str] = set()
        for s in fn.body:
            if isinstance(s, ast.Global):
                self.globals.update(s.names)
            elif isinstance(s, ast.Nonlocal):
                fixed.update(s.names)
        self.fixed = fixed | self.globals   # never owned by a block
        self.total: dict[str, int] = {}
        for s in fn.body:
            _count_names(s, self.total)
        self.top: dict[int, object] = {}    # moved blocks not (yet) inside another

    def declarations(self, stmts: list, block) -> list:
        """The declarations a new block holding `stmts` starts with; records
        what its parent needs to know."""
        own: dict[str, int] = {}
        assigned: set[str] = set()
        inner: list = []
        for s in stmts:
            _region(s, own, assigned, inner)
        # The records of the largest inner block are extended in place (a
        # deep nest has one inner block a level: no copying).
        inner.sort(key=lambda b: len(b._q_refs), reverse=True)
        refs = inner[0]._q_refs if inner else {}
        pending = inner[0]._q_pending if inner else set()
        for b in inner:
            self.top.pop(id(b), None)
        for b in inner[1:]:
            for x, k in b._q_refs.items():
                refs[x] = refs.get(x, 0) + k
            pending |= b._q_pending
        for x, k in own.items():
            refs[x] = refs.get(x, 0) + k
        pending |= assigned
        owned = {x for x in pending if x not in self.fixed and refs.get(x) == self.total.get(x)}
        pending -= owned
        block._q_refs, block._q_pending = refs, pending
        self.top[id(block)] = block
        decls = []
        glob = sorted(assigned & self.globals)
        nonloc = sorted(assigned - self.globals - owned)
        if glob:
            decls.append(ast.Global(names=glob))
        if nonloc:
            decls.append(ast.Nonlocal(names=nonloc))
        decls.extend(_declaration(x) for x in sorted(owned - assigned))
        return decls

    def declare_in_function(self) -> None:
        """Annotations in the function for what its top-level blocks assign."""
        names = set().union(*(b._q_pending for b in self.top.values())) - self.fixed
        if not names:
            return
        body = self.fn.body
        at = 0
        while at < len(body) and isinstance(body[at], (ast.Global, ast.Nonlocal)):
            at += 1
        like = body[at] if at < len(body) else self.fn
        body[at:at] = [_copy_position(_declaration(x), like) for x in sorted(names)]


def _declaration(name: str) -> ast.AnnAssign:
    """``name: 0``: makes `name` a local of its function, running nothing."""
    return ast.AnnAssign(target=ast.Name(id=name, ctx=ast.Store()),
                         annotation=ast.Constant(value=0), value=None, simple=1)


def _count_names(node, refs: dict) -> None:
    """Count every name used anywhere below `node` (nested defs included)."""
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.Name):
            name = x.id
        elif isinstance(x, ast.arg):
            name = x.arg
        elif isinstance(x, (ast.ExceptHandler, *_DEFS)):
            name = x.name
        elif isinstance(x, (ast.Global, ast.Nonlocal)):
            for name in x.names:
                refs[name] = refs.get(name, 0) + 1
            continue
        else:
            name = None
        if name is not None:
            refs[name] = refs.get(name, 0) + 1
        stack.extend(ast.iter_child_nodes(x))


def _region(node, refs: dict, assigned: set, inner: list) -> None:
    """The names a statement uses and binds in its own function; moved
    blocks met are listed in `inner` (their uses were recorded on them)."""
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.Name):
            refs[x.id] = refs.get(x.id, 0) + 1
            if not isinstance(x.ctx, ast.Load) and not x.id.startswith(_RESULT):
                assigned.add(x.id)
            continue
        if isinstance(x, _DEFS):
            if x.name.startswith(_BLOCK):
                inner.append(x)
                continue
            refs[x.name] = refs.get(x.name, 0) + 1
            assigned.add(x.name)
            a = x.args
            stack.extend(x.decorator_list + a.defaults + [d for d in a.kw_defaults if d])
            for body in (x.args, *x.body):
                if body is not a:
                    _count_names(body, refs)
            _count_names(a, refs)
            continue
        if isinstance(x, ast.ExceptHandler) and x.name:
            refs[x.name] = refs.get(x.name, 0) + 1
            assigned.add(x.name)
        stack.extend(ast.iter_child_nodes(x))


def _moved(stmts: list, owner: _Owner, number: int):
    """(the def of a function holding statements `stmts`, the statements that
    call it in their place)."""
    s = stmts[-1]
    exits = _redirect_exits(stmts)
    is_async = isinstance(owner.fn, ast.AsyncFunctionDef) and any(map(_awaits, stmts))
    cls = ast.AsyncFunctionDef if is_async else ast.FunctionDef
    name, result = f"{_BLOCK}{number}", f"{_RESULT}{number}"
    block = cls(name=name, args=ast.arguments(
        posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), body=[], decorator_list=[], returns=None, type_comment=None)
    decls = owner.declarations(stmts, block)
    block.body = decls + stmts
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
    for node in decls:
        _copy_position(node, s)
    _position(block, s)
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


def _position(node, like):
    """Give `node` itself (not its children) the position of `like`."""
    if getattr(like, "lineno", None) is not None and getattr(node, "lineno", None) is None:
        for f in _POS:
            setattr(node, f, getattr(like, f))
    return node


def _copy_position(node, like):
    """Give `node` and its unpositioned descendants the position of `like`
    (an unpositioned `like`: they inherit their parents' later)."""
    if getattr(like, "lineno", None) is None:
        return node
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
