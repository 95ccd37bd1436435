"""Building Python `ast` nodes positioned at Quest source.

Every node the compiler makes gets its position from a Quest node through
`Positioner.at`, which converts Quest's 1-based character columns to
Python's 0-based UTF-8 byte offsets.  Nodes built without one (helpers inside
a statement) inherit the position of their nearest positioned ancestor in
`inherit_positions`; nothing falls back to ``ast.fix_missing_locations``.
"""

from __future__ import annotations

import ast
import sys
from contextlib import contextmanager

from ..source import Source

_POS_FIELDS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


class Positioner:
    def __init__(self, source: Source) -> None:
        self.source = source
        self._ascii: dict[int, str | None] = {}
        # id(Quest node) -> (line, col) to start its Python nodes at instead
        # of its own start (an index whose `[` starts a line: newline_index).
        self.starts: dict[int, tuple[int, int]] = {}

    def byte_col(self, line: int, col: int) -> int:
        """0-based byte offset of 1-based character column `col` on `line`."""
        text = self._ascii.get(line, False)
        if text is False:
            raw = self.source.line_text(line)
            text = None if raw.isascii() else raw
            self._ascii[line] = text
        if text is None:
            return col - 1
        return len(text[: col - 1].encode())

    def at(self, node, q):
        """Give `node` the span of Quest node `q`; returns `node`."""
        line, col = self.starts.get(id(q)) or (q.line, q.col)
        node.lineno = line
        node.col_offset = self.byte_col(line, col)
        node.end_lineno = q.end_line
        node.end_col_offset = self.byte_col(q.end_line, q.end_col)
        return node


def inherit_positions(node, parent=None) -> tuple[int, object, bool]:
    """Give every unpositioned node its nearest positioned ancestor's span.
    Returns the depth of the tree, where its deepest node is (the innermost
    statement when statements make up most of the way down to it: blocks in
    blocks; else its nearest positioned node), and which of the two it is."""
    stack = [(node, parent, 1, 0, parent)]
    deepest, where, blocks = 0, parent, False
    while stack:
        current, above, depth, statements, statement = stack.pop()
        if _wants_position(current):
            if getattr(current, "lineno", None) is None:
                for f in _POS_FIELDS:
                    setattr(current, f, getattr(above, f))
            above = current
        if isinstance(current, ast.stmt):
            statements += 1
            statement = current
        if depth > deepest:
            blocks = 2 * statements > depth
            deepest, where = depth, statement if blocks else above
        depth += 1
        for child in ast.iter_child_nodes(current):
            stack.append((child, above, depth, statements, statement))
    return deepest, where, blocks


# Python's compile() and ast.unparse() recurse once (unparse: up to four
# frames) per level of the tree, and stop at the recursion limit (about a
# thousand).  The compiler keeps what it generates shallow where it can
# (operator chains, see expressions.py); for what stays deep, the limit is
# raised for the duration of that call, to what the tree needs and never
# beyond MAX_DEPTH levels (measured: 40,000 levels still fit the C stack of a
# thread).  Deeper code is a SyntaxErr ("nested too deeply").
MAX_DEPTH = 10_000


@contextmanager
def recursion_room(frames: int):
    """Let the caller recurse `frames` frames deeper than it is now."""
    here, frame = 0, sys._getframe()
    while frame is not None:
        here += 1
        frame = frame.f_back
    old = sys.getrecursionlimit()
    needed = here + frames + 200
    if needed > old:
        sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        if needed > old:
            sys.setrecursionlimit(old)


def char_col(source: Source, line: int, byte_col: int) -> int:
    """1-based character column of a 0-based UTF-8 byte offset on `line`."""
    text = source.line_text(line)
    if text.isascii():
        return byte_col + 1
    return len(text.encode()[:byte_col].decode(errors="ignore")) + 1


def _wants_position(node) -> bool:
    return isinstance(node, (ast.stmt, ast.expr, ast.excepthandler, ast.arg, ast.keyword,
                             ast.alias, ast.withitem, ast.pattern))


def name(id_: str, store: bool = False) -> ast.Name:
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def const(value) -> ast.Constant:
    return ast.Constant(value=value)


def call(func, *args, keywords=()) -> ast.Call:
    if isinstance(func, str):
        func = name(func)
    return ast.Call(func=func, args=list(args), keywords=list(keywords))


def helper(id_: str, *args) -> ast.Call:
    """A call of a runtime helper (``_Q_<id_>``)."""
    return call(name("_Q_" + id_), *args)


def assign(target: str, value) -> ast.Assign:
    return ast.Assign(targets=[name(target, store=True)], value=value)


def expr_stmt(value) -> ast.Expr:
    return ast.Expr(value=value)


def raise_call(helper_name: str, *args) -> ast.Expr:
    """A statement that calls a helper which always raises."""
    return expr_stmt(helper(helper_name, *args))
