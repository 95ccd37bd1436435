"""Random and mutated programs only ever raise QuestSyntaxError.

A crash of any other kind (IndexError, AttributeError, ...) would be a bug in
the lexer, the token pass or a parser action.  Bounded to run in seconds.
"""

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trioquest import nodes as n
from trioquest.errors import QuestSyntaxError
from trioquest.lexer import KEYWORDS
from trioquest.parser import parse

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
from program_gen import program  # noqa: E402

SEEDS = [p.read_text() for p in sorted((Path(__file__).parent / "qep027").glob("*.q"))]
SEEDS.append(program(60))

FRAGMENTS = [
    *KEYWORDS, "async", "static", "self", "x", "y", "foo", "Int", "Str?", "_",
    "0", "42", "3.5", "1e3", "0xFF", "0b1", "0o7", "7n", "1_000", "0x", "1_",
    '"s"', "'t'", '"""raw"""', 'f"{x}"', "f'{a:>3}'", 'f"{"', 'b"\\x41"', 'b"é"', '"open',
    "+", "-", "*", "/", "%", "**", "..", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=",
    "*=", "/=", "%=", "?:", "?", "&", "|", "^", "~", "<<", ">>", "->", "@", ".", ",", ":",
    ";", "(", ")", "[", "]", "[]", "{", "}", "#c", "\n", "\t", "!", "$", "é",
]


def check(source: str) -> None:
    try:
        tree = parse(source, "fuzz.q")
    except QuestSyntaxError as err:
        assert err.reason and err.line >= 1 and err.col >= 1
        assert str(err).startswith(f"fuzz.q:{err.line}:{err.col}: SyntaxErr: ")
    else:
        assert isinstance(tree, n.Program)
        for node in n.walk(tree):
            assert node.line >= 1 and node.col >= 1


FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(" ".join))
def test_random_token_soup(source):
    check(source)


@FAST
@given(st.text(max_size=80))
def test_random_text(source):
    check(source)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(FRAGMENTS)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(FRAGMENTS)) + text[j:]
    return text


@FAST
@given(mutated())
def test_mutated_programs(source):
    check(source)
