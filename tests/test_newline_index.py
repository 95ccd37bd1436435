"""A line starting with '[' indexes the expression before it (LANGUAGE.md §1):
the parse stays, and the errors it leads to say so and what to write instead.
An unclosed bracket is reported at the bracket."""

import pytest

from helpers import syntax_error
from quest_runner import run

CONTINUES = "line {0} starts with '[', so it continues line {1} as an index"
BIND = ": to start a statement with an array, bind it first ('let items = {0}')"


def failure(source):
    out, err, status = run(source, dedent=False)
    assert status == 1
    return out, err


def test_the_index_that_fails_says_how_the_line_was_read():
    out, err = failure("\nfun f() [7, 8, 9] end\nlet x = f()\n[1, 2].each(fun (v) puts(v) end)\n")
    assert err == (
        "-c:4:1: RuntimeErr: Multi-dimensional indexing a[i, j] is not implemented; "
        + CONTINUES.format(4, 3) + BIND.format("[1, 2]") + "\n"
        "Quest stack (innermost last):\n"
        "  at <module> (-c:4)\n"
        "    [1, 2].each(fun (v) puts(v) end)\n"
        "    ^\n")


def test_the_last_statement_of_a_function_suggests_return():
    out, err = failure("\nfun pair(a, b)\n    let s = a + b\n    [s, a]\nend\nputs(pair(1, 2))\n")
    assert err.splitlines()[0] == (
        "-c:4:6: NameErr: Undefined variable: s; " + CONTINUES.format(4, 3)
        + ": to return the array, write 'return [s, a]'")


def test_calls_chained_to_the_index_and_if_conditions_are_explained():
    out, err = failure('\nlet d = {a: 1}\n# the keys\n["b"].each(fun (v) puts(v) end)\n')
    assert err.splitlines()[0] == ("-c:4:1: AttrErr: Unknown method 'each' on Nil; "
                                   + CONTINUES.format(4, 2) + BIND.format('["b"]'))
    out, err = failure("\nlet ready = true\nif ready\n    [1].each(fun (v) puts(v) end)\nend\n")
    assert err.splitlines()[0] == ("-c:4:5: TypeErr: Cannot index a value of type Bool; "
                                   + CONTINUES.format(4, 3) + BIND.format("[1]"))
    assert err.splitlines()[-2:] == ["        [1].each(fun (v) puts(v) end)", "        ^"]


def test_a_python_level_error_is_explained_once_with_one_stack_frame():
    out, err = failure("\nlet items = [5, 6]\nlet second = items\n    [5]\n")
    assert err == (
        "-c:4:5: IndexErr: Index out of bounds; " + CONTINUES.format(4, 3) + BIND.format("[5]")
        + "\nQuest stack (innermost last):\n"
        "  at <module> (-c:4)\n"
        "        [5]\n"
        "        ^\n")


def test_a_catch_sees_the_explained_message():
    out, err, status = run('\ntry\n    puts("a")\n    [1].len()\ncatch e\n    puts(e.message())\nend\n',
                           dedent=False)
    assert (out, err, status) == (
        "a\nCannot index a value of type Nil; " + CONTINUES.format(4, 3) + BIND.format("[1]")
        + "\n", "", 0)


@pytest.mark.parametrize("source, first_line", [
    # The line before fails on its own: its error is its own.
    ("\nlet y = nothing_here\n[0]\n", "-c:2:9: NameErr: Undefined variable: nothing_here"),
    # A function the chain calls fails: its error is its own.
    ('\nlet xs = [[1]]\nlet y = xs\n[0].each(fun (v) raise ValueErr.new("inner") end)\n',
     "-c:4:18: ValueErr: inner"),
])
def test_errors_not_made_by_the_index_keep_their_message(source, first_line):
    out, err = failure(source)
    assert err.splitlines()[0] == first_line


def test_an_intended_index_on_the_next_line_still_works():
    out, err, status = run("let items = [5, 6]\nlet first = items\n[0]\nputs(first)\n")
    assert (out, err, status) == ("5\n", "", 0)


def test_a_syntax_error_inside_such_an_index_says_so():
    err = syntax_error("\nlet x = 1\n[1, 2; 3]\n")
    assert (err.line, err.col) == (3, 6)
    assert err.reason == "unexpected ';', expected ',' or ']'; " + CONTINUES.format(3, 2)
    err = syntax_error("\nlet x = 1\n  # note\n[1, 2\n")
    assert (err.line, err.col) == (4, 1)
    assert err.reason == ("'[' is never closed: expected ']' before the end of the input; "
                          + CONTINUES.format(4, 2))


@pytest.mark.parametrize("source, line, col, before", [
    ("\nfun f()\n  puts((1)\nend\n", 3, 7, "'end' on line 4"),
    ("\nx = (1\nlet y = 2\n", 2, 5, "'let' on line 3"),
    ("\nfoo(1,\n  2\nelse\n", 2, 4, "'else' on line 4"),
    ("\nlet a = [1,\n  2\nfun g() end\n", 2, 9, "'fun' on line 4"),
    # nothing later closes it: the name on the next line is not the mistake
    ("\nlet x = foo(1, 2\nputs(x)\n", 2, 12, "name 'puts' on line 3"),
    ("\nputs((1 + 2)\nputs(3)\nputs(4)\n", 2, 5, "name 'puts' on line 3"),
])
def test_an_unclosed_bracket_is_reported_at_the_bracket(source, line, col, before):
    err = syntax_error(source)
    assert (err.line, err.col, err.width) == (line, col, 1)
    closer = {"(": ")", "[": "]"}[err.source_line[col - 1]]
    assert err.reason == f"'{err.source_line[col - 1]}' is never closed: expected '{closer}' before {before}"


def test_a_keyword_on_the_bracket_s_own_line_is_reported_where_it_is():
    err = syntax_error("fun f(type) end")
    assert (err.line, err.col) == (1, 7)
    assert err.reason.startswith("unexpected 'type'")


def test_a_bracket_closed_later_leaves_the_error_at_the_token():
    err = syntax_error("\nf(g(1)\n  h(2))\n")
    assert (err.line, err.col) == (3, 3)
    assert err.reason == "unexpected name 'h', expected ')' or ','"
