"""A line starting with ``[`` indexes the expression before it (LANGUAGE.md §1).

Quest has no statement separator, so in ::

    let x = f()
    [1, 2].each(fun (v) puts(v) end)

the second line continues the first: ``f()[1, 2].each(...)``.  The parse
stays the reference's; what this module adds is the explanation.  The
compiler finds such indexes (`newline_chains`), positions what they compile
to at the ``[`` rather than at the start of the line before, and wraps the
statement so that an error raised by the index or by the calls chained to it
(`annotate`) says how the line was read and what to write instead.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from .. import nodes as n
from . import pyast as P
from .values.exceptions import QUEST_SOURCES, QuestRaised, to_quest_error

_POSTFIX = (n.Index, n.MethodCall, n.Attribute, n.Call)
_SHOWN = 40   # longest bracket text quoted in a suggestion


@dataclass
class Chain:
    """A ``[`` starting a line, and the postfix expression it begins."""

    line: int            # of the `[`
    col: int
    previous_line: int   # the line it continues
    end: tuple           # (line, col) just past the whole chain
    nodes: list          # the postfix nodes from the `[` on, outermost first
    text: str            # the source of the brackets, `[1, 2]`

    def hint(self, returns: bool) -> str:
        what = f"line {self.line} starts with '[', so it continues line {self.previous_line} as an index"
        shown = self.text if len(self.text) <= _SHOWN and "\n" not in self.text else "[...]"
        if returns:
            return f"{what}: to return the array, write 'return {shown}'"
        return f"{what}: to start a statement with an array, bind it first ('let items = {shown}')"


def statement_expressions(s):
    """The expressions a statement evaluates itself (not those of its blocks)."""
    kind = type(s)
    if kind is n.ExprStmt:
        return [s.value]
    if kind is n.Let:
        return [b.value for b in s.bindings]
    if kind in (n.Const, n.Raise, n.Return):
        return [s.value] if s.value is not None else []
    if kind in (n.Assign, n.AugAssign):
        return [s.target, s.value]
    if kind is n.If:
        return [br.test for br in s.branches]
    if kind is n.While:
        return [s.test]
    if kind is n.For:
        r = s.iterable
        return [r.start, r.stop] + ([r.step] if r.step else []) if isinstance(r, n.Range) else [r]
    if kind is n.Match:
        return [s.subject]
    if kind is n.With:
        return [item.value for item in s.items]
    return []


def newline_chains(s, source) -> list[Chain]:
    """The indexes of statement `s` whose ``[`` starts a line, outside any
    bracket of the statement's own (a call's arguments, a literal)."""
    found = []
    stack = [(e, ()) for e in statement_expressions(s)]
    while stack:
        e, path = stack.pop()
        if isinstance(e, _POSTFIX):
            path = path + (e,)
            if isinstance(e, n.Index):
                chain = _chain(e, path, source)
                if chain is not None:
                    found.append(chain)
            stack.append((e.obj if not isinstance(e, n.Call) else e.func, path))
        elif isinstance(e, (n.BinOp, n.BoolOp)):
            stack.extend(((e.left, ()), (e.right, ())))
        elif isinstance(e, n.UnaryOp):
            stack.append((e.operand, ()))
        elif isinstance(e, n.Await):
            stack.append((e.value, ()))
    return found


def _chain(index, path, source) -> Chain | None:
    obj = index.obj
    if obj.end_line == index.end_line:
        return None
    text = source.text
    i = source.line_starts[obj.end_line - 1] + obj.end_col - 1
    while i < len(text):
        ch = text[i]
        if ch in " \t\r\n)":      # `(x)\n[1]`: the obj's span ends inside the parens
            i += 1
        elif ch == "#":
            i = text.find("\n", i)
            if i < 0:
                return None
        else:
            break
    if i >= len(text) or text[i] != "[":
        return None
    line, col = source.position(i)
    if line == obj.end_line:
        return None
    top = path[0]
    end = source.line_starts[index.end_line - 1] + index.end_col - 1
    return Chain(line, col, obj.end_line, (top.end_line, top.end_col), list(path),
                 text[i:end])


def explained(compiler, body: list, chains: list[Chain], returns: bool, s) -> ast.stmt:
    """``try: BODY except Exception as e: raise (annotate(e, ...) or e)``:
    errors of the indexes in `chains` say how their line was read.  `returns`:
    the statement is the last of a function body (its value is returned)."""
    compiler.extra_globals["_Q_newline_index"] = annotate
    exc, replacement = compiler.temp(), compiler.temp()
    spans = ast.Tuple(elts=[P.const(((c.line, c.col), c.end)) for c in chains], ctx=ast.Load())
    found = P.call(P.name("_Q_newline_index"), P.name(exc), spans, P.const(chains[0].hint(returns)))
    # Raised where the chain starts: the line the Quest stack shows for this frame.
    again = compiler.pos.at(ast.Raise(exc=P.name(replacement), cause=None), _Span(chains[0]))
    handler = ast.ExceptHandler(type=P.name("_Q_Exception"), name=exc, body=[
        P.assign(replacement, found),
        ast.If(test=ast.Compare(left=P.name(replacement), ops=[ast.IsNot()],
                                comparators=[P.const(None)]), body=[again], orelse=[]),
        ast.Raise(exc=None, cause=None)])
    return compiler.pos.at(ast.Try(body=body, handlers=[handler], orelse=[], finalbody=[]), s)


class _Span:
    """A chain's span, shaped like a Quest node for `Positioner.at`."""

    def __init__(self, chain: Chain) -> None:
        self.line, self.col = chain.line, chain.col
        self.end_line, self.end_col = chain.end


def annotate(exc: BaseException, spans: tuple, hint: str):
    """For an exception raised by the statement holding a newline index:
    the error to raise instead (the Quest error, its message explaining the
    index), or None to re-raise `exc` as it is.  Only errors raised in this
    frame by the chained expression itself (located between its ``[`` and its
    end) are explained; errors of functions it calls keep their message."""
    if isinstance(exc, (RecursionError, QuestRaised)) or getattr(exc, "_q_explained", False):
        return None
    frame = sys._getframe(1)
    innermost = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in QUEST_SOURCES:
            innermost = tb.tb_frame
        tb = tb.tb_next
    if innermost is not frame:
        return None
    err = to_quest_error(exc)
    where = (err.line or 0, err.col or 0)
    if not any(start <= where < end for start, end in spans):
        return None
    err.reason = f"{err.reason}; {hint}"
    err._q_explained = True
    if err is exc:
        return None
    # Raised anew from this frame (at the chain, see the compiler's raise):
    # the traceback keeps the frames below this one, and this frame once.
    err.__traceback__ = exc.__traceback__.tb_next if exc.__traceback__ else None
    return err
