"""Syntax errors: exceptions with file:line:col, the source line and a caret."""

import pytest

from trioquest.errors import IncompleteInputError, QuestError, QuestSyntaxError
from trioquest.parser import parse

from helpers import syntax_error


def test_full_report_text():
    err = syntax_error("\nlet x = 1\nlet y = )\n", "demo.q")
    assert str(err) == (
        "demo.q:3:9: SyntaxErr: unexpected ')', expected an expression\n"
        "    let y = )\n"
        "            ^"
    )
    assert (err.filename, err.line, err.col, err.width) == ("demo.q", 3, 9, 1)
    assert err.message == err.reason == "unexpected ')', expected an expression"
    assert err.type_name == "SyntaxErr"
    assert isinstance(err, QuestError)


def test_caret_spans_the_token_and_keeps_tabs():
    err = syntax_error("\tif x = 1 end")
    assert str(err).splitlines()[1:] == ["    \tif x = 1 end", "    \t     ^"]
    err = syntax_error("\nfoo(1) while")
    assert str(err).splitlines()[2] == "           ^^^^^"
    assert err.reason.startswith("'while' is never closed")


@pytest.mark.parametrize("src, line, col, reason", [
    ("\nfun f()\n  if x\n    1\n  end\n", 2, 1,
     "'fun' is never closed: expected 'end' before the end of the input"),
    ("\nfun f()\n  if x\n    1\n", 3, 3,
     "'if' is never closed: expected 'end' before the end of the input"),
    ("\nputs([1, 2,\n  3", 2, 6, "'[' is never closed: expected ']' before the end of the input"),
    ("\nlet d = {\n a: f(1)", 2, 9, "'{' is never closed: expected '}' before the end of the input"),
    ("\nx = 1 +\n", 2, 7, "unexpected end of input, expected an expression"),
    ("\ntype T\n  fun a() end\n", 2, 1, "'type' is never closed: expected 'end' before the end of the input"),
    ("\ntry\n  f()\ncatch e\n", 2, 1, "'try' is never closed: expected 'end' before the end of the input"),
    ("\nasync with a as b\n", 2, 7, "'with' is never closed: expected 'end' before the end of the input"),
    ("\nlet s = '''\nabc\n", 2, 9, "unterminated triple-quoted string"),
    ("\n% fun f(a)", 2, 10, "unexpected end of input, expected a string"),
    ("\nlet f = fun (x)\n", 2, 9, "'fun' is never closed: expected 'end' before the end of the input"),
])
def test_incomplete_input(src, line, col, reason):
    with pytest.raises(IncompleteInputError) as info:
        parse(src, "t.q")
    err = info.value
    assert (err.line, err.col, err.reason) == (line, col, reason)


@pytest.mark.parametrize("src", [
    "let x = )", "end", "if x = 1 end", "f(1 2)", '"abc', "x!", "type T 1 end",
])
def test_errors_before_the_end_are_not_incomplete(src):
    err = syntax_error(src)
    assert not isinstance(err, IncompleteInputError)


@pytest.mark.parametrize("src, line, col, reason", [
    ("\nlet x = 1\nlet y = x\n= 2", 4, 1, "unexpected '='; to compare, write '=='"),
    ("\nf(1 2)", 2, 5, "unexpected number 2, expected ')' or ','"),
    ("\nif x = 1 end", 2, 6, "unexpected '='; to compare, write '=='"),
    ("\na && b", 2, 4, "unexpected '&'; Quest writes 'a and b'"),
    ("\na || b", 2, 4, "unexpected '|'; Quest writes 'a or b'"),
    ("\nend", 2, 1, "unexpected 'end'; there is no open block for it to close"),
    ("\nelse", 2, 1, "unexpected 'else'; 'else' belongs to an 'if' or 'match' block"),
    ("\nensure", 2, 1, "unexpected 'ensure'; 'ensure' belongs to a 'try' block"),
    ("\nlet x = 1 x.", 2, 12, "unexpected end of input, expected a name"),
    ("\nputs(\"a\" \"b\")", 2, 10, "unexpected string \"b\", expected ')' or ','"),
    ("\nlet v = nil nil = 3", 2, 13, "cannot assign to a literal"),
    ('\nx = f"{a b}"', 2, 10, "unexpected name 'b', expected '}' or a format spec"),
    ("\nlet a_very_long_name_here_indeed = 1 a_very_long_name_here_indeed_too =", 2, 71,
     "unexpected end of input, expected an expression"),
    ("\nlet q = 1 + a_very_long_name_here_indeed_too_long(", 2, 50,
     "'(' is never closed: expected ')' before the end of the input"),
    ("\nz = 12345678901234567890123456789 12345678901234567890123456789 +", 2, 65,
     "unexpected end of input, expected an expression"),
])
def test_messages_and_locations(src, line, col, reason):
    err = syntax_error(src)
    assert (err.line, err.col, err.reason) == (line, col, reason)


def test_long_tokens_are_shortened_in_messages():
    err = syntax_error('f(1 "a string that is far too long to quote whole")')
    assert err.reason == "unexpected string \"a string that is far..., expected ')' or ','"


def test_error_at_end_of_file_without_trailing_newline():
    err = syntax_error("let x =")
    assert (err.line, err.col) == (1, 7)
    assert str(err).endswith("    let x =\n          ^")


def test_empty_and_blank_programs_parse():
    assert parse("").body == ()
    assert parse("\n\n  # only a comment\n").body == ()
