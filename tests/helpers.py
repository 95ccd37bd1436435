"""Shared helpers for the parser tests."""

import pytest

from trioquest import nodes as n
from trioquest.errors import QuestSyntaxError
from trioquest.parser import parse


def body(src: str):
    """The statements of a program."""
    return parse(src, "t.q").body


def stmt(src: str):
    """The only statement of a program."""
    stmts = body(src)
    assert len(stmts) == 1, stmts
    return stmts[0]


def expr(src: str):
    """The expression of a one-expression-statement program."""
    s = stmt(src)
    assert isinstance(s, n.ExprStmt), s
    return s.value


def syntax_error(src: str, filename: str = "t.q") -> QuestSyntaxError:
    with pytest.raises(QuestSyntaxError) as info:
        parse(src, filename)
    return info.value
