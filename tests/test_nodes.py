"""AST nodes: immutable, compared without positions, picklable, walkable."""

import pickle

import pytest

from trioquest import nodes as n
from trioquest.parser import parse


def test_equality_ignores_positions():
    a = n.BinOp("+", n.Int(1, line=1, col=1), n.Int(2), line=1, col=1, end_line=1, end_col=6)
    b = n.BinOp("+", n.Int(1), n.Int(2))
    assert a == b and hash(a) == hash(b)
    assert a != n.BinOp("-", n.Int(1), n.Int(2))
    assert n.Int(1) != n.BigInt(1)  # same fields, different node types
    assert n.Nil() == n.Nil()


def test_nodes_are_immutable():
    node = n.Name("x")
    with pytest.raises(AttributeError, match="immutable"):
        node.id = "y"
    with pytest.raises(AttributeError):
        node.line = 3
    with pytest.raises(AttributeError):
        del node.id
    with pytest.raises(AttributeError):
        node.extra = 1  # slots: no instance dict


def test_defaults_and_required_fields():
    assert n.Param("x") == n.Param("x", None, None, "normal")
    assert n.If((), None).orelse is None
    with pytest.raises(TypeError):
        n.BinOp("+", n.Int(1))  # right is required
    with pytest.raises(TypeError):
        n.Name("x", 3)  # positions are keyword-only


def test_replace_keeps_positions_unless_given():
    node = n.Name("x", line=2, col=3, end_line=2, end_col=4)
    other = n.replace(node, id="y")
    assert (other.id, other.line, other.col) == ("y", 2, 3)
    assert n.replace(node, line=9).line == 9


def test_repr_is_readable():
    assert repr(n.BinOp("+", n.Int(1), n.Name("x"))) == (
        "BinOp(op='+', left=Int(value=1), right=Name(id='x'))")


def test_pickle_round_trip_keeps_positions():
    tree = parse("\nfun f(a) a + 1 end\n")
    again = pickle.loads(pickle.dumps(tree))
    assert again == tree
    assert [(x.line, x.col) for x in n.walk(again)] == [(x.line, x.col) for x in n.walk(tree)]


def test_walk_is_depth_first_in_source_order():
    tree = parse("a + b * c")
    assert [type(x).__name__ + (f":{x.id}" if isinstance(x, n.Name) else "")
            for x in n.walk(tree)] == [
        "Program", "ExprStmt", "BinOp", "Name:a", "BinOp", "Name:b", "Name:c"]


def test_walk_handles_deep_trees_without_recursion():
    tree = parse("-" * 5000 + "1")
    assert sum(1 for _ in n.walk(tree)) == 5000 + 3


def test_match_args_allow_structural_patterns():
    match parse("x = 1").body[0]:
        case n.Assign(n.Name(target), n.Int(value)):
            assert (target, value) == ("x", 1)
        case _:
            pytest.fail("pattern did not match")
