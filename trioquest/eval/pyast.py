"""Building Python `ast` nodes positioned at Quest source.

Every node the compiler makes gets its position from a Quest node through
`Positioner.at`, which converts Quest's 1-based character columns to
Python's 0-based UTF-8 byte offsets.  Nodes built without one (helpers inside
a statement) inherit the position of their nearest positioned ancestor in
`inherit_positions`; nothing falls back to ``ast.fix_missing_locations``.
"""

from __future__ import annotations

import ast

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


def inherit_positions(node, parent=None) -> None:
    """Give every unpositioned node its nearest positioned ancestor's span."""
    stack = [(node, parent)]
    while stack:
        current, above = stack.pop()
        if _wants_position(current):
            if getattr(current, "lineno", None) is None:
                for f in _POS_FIELDS:
                    setattr(current, f, getattr(above, f))
            above = current
        for child in ast.iter_child_nodes(current):
            stack.append((child, above))


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
