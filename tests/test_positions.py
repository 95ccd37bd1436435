"""Every node's span: exact on a small program, consistent on large ones.

Each program starts with a blank line, so "line 1" can never pass by luck.
"""

import sys
from pathlib import Path

import pytest

from trioquest import nodes as n
from trioquest.parser import parse
from trioquest.source import Source

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from program_gen import program  # noqa: E402

QEP = sorted((Path(__file__).parent / "qep027").glob("*.q"))

SMALL = '''
let total = 0
fun add(a, b = 2)
  total += a * b
end
for i in 1 to 3
  if i > 1 puts(f"i={i}") end
end
'''


def test_every_node_of_a_small_program():
    got = [(type(x).__name__, x.line, x.col, x.end_line, x.end_col) for x in n.walk(parse(SMALL))]
    assert got == [
        ("Program", 2, 1, 8, 4),
        ("Let", 2, 1, 2, 14),
        ("Binding", 2, 5, 2, 14),
        ("Int", 2, 13, 2, 14),
        ("FunDef", 3, 1, 5, 4),
        ("Param", 3, 9, 3, 10),
        ("Param", 3, 12, 3, 17),
        ("Int", 3, 16, 3, 17),
        ("AugAssign", 4, 3, 4, 17),
        ("Name", 4, 3, 4, 8),
        ("BinOp", 4, 12, 4, 17),
        ("Name", 4, 12, 4, 13),
        ("Name", 4, 16, 4, 17),
        ("For", 6, 1, 8, 4),
        ("Range", 6, 10, 6, 16),
        ("Int", 6, 10, 6, 11),
        ("Int", 6, 15, 6, 16),
        ("If", 7, 3, 7, 30),
        ("IfBranch", 7, 3, 7, 26),
        ("BinOp", 7, 6, 7, 11),
        ("Name", 7, 6, 7, 7),
        ("Int", 7, 10, 7, 11),
        ("ExprStmt", 7, 12, 7, 26),
        ("Call", 7, 12, 7, 26),
        ("Name", 7, 12, 7, 16),
        ("Arg", 7, 17, 7, 25),
        ("FString", 7, 17, 7, 25),
        ("Str", 7, 19, 7, 21),
        ("FormattedValue", 7, 21, 7, 24),
        ("Name", 7, 22, 7, 23),
    ]


def test_columns_count_characters_and_tabs_as_one():
    tree = parse('\n\tlet s = "é" .. x\n')
    binop = tree.body[0].bindings[0].value
    assert (binop.line, binop.col, binop.end_col) == (2, 10, 18)
    assert (binop.right.col, binop.right.end_col) == (17, 18)


def test_multiline_nodes_end_on_their_last_line():
    tree = parse('\nlet s = """a\nbb"""\nfoo(1,\n  2)\n')
    let, call = tree.body
    assert (let.line, let.col, let.end_line, let.end_col) == (2, 1, 3, 6)
    assert (call.line, call.end_line, call.end_col) == (4, 5, 5)


def _offset(src: Source, line: int, col: int) -> int:
    return src.line_starts[line - 1] + col - 1


_LEADING_WORDS = {
    n.If: ("if",), n.While: ("while",), n.For: ("for",), n.Try: ("try",),
    n.Match: ("match",), n.Use: ("use",), n.Return: ("return",), n.Raise: ("raise",),
    n.Let: ("let", "pub"), n.Const: ("const", "pub"), n.Del: ("del",),
    n.FunDef: ("fun", "async", "static", "@", "pub"), n.TypeDef: ("type", "async", "pub"),
    n.TraitDef: ("trait", "pub"), n.Lambda: ("fun", "async"), n.Await: ("await",),
    n.With: ("with", "async"), n.Catch: ("catch",), n.MatchArm: ("in",),
    n.Decorator: ("@",), n.Impl: ("impl",), n.Break: ("break",), n.Continue: ("continue",),
    n.FString: ("f",), n.Array: ("[",), n.Dict: ("{",),
}


def _check_spans(text: str):
    src = Source(text, "t.q")
    tree = parse(src)
    stack = [(tree, None)]
    count = 0
    while stack:
        node, parent = stack.pop()
        count += 1
        start = _offset(src, node.line, node.col)
        end = _offset(src, node.end_line, node.end_col)
        snippet = text[start:end]
        assert end > start or isinstance(node, n.Program), node
        if parent is not None and not isinstance(parent, n.Program):
            assert _offset(src, parent.line, parent.col) <= start, (parent, node)
            assert end <= _offset(src, parent.end_line, parent.end_col), (parent, node)
        if isinstance(node, n.Name):
            assert snippet == node.id
        elif isinstance(node, n.Int):
            assert snippet.replace("_", "").lower() in (str(node.value), hex(node.value),
                                                        bin(node.value), oct(node.value))
        elif type(node) in _LEADING_WORDS:
            assert snippet.startswith(_LEADING_WORDS[type(node)]), (node, snippet)
        stack.extend((child, node) for child in n.children(node))
    return count


@pytest.mark.parametrize("path", QEP, ids=lambda p: p.stem)
def test_spans_are_consistent_in_every_qep_program(path):
    assert _check_spans("\n" + path.read_text()) >= 5


def test_spans_are_consistent_in_a_large_program():
    assert _check_spans("\n" + program(300)) > 1000
