"""Deep and long expressions lex, parse, compile and run: 2,000-term sums,
1,000 nested brackets, 300 nested lambdas, long `..`/and/or chains; what is
too deep for Python is a located SyntaxErr, never a RecursionError."""

import pytest

from quest_runner import output, run
from trioquest.errors import QuestSyntaxError
from trioquest.eval.interpreter import Interpreter
from trioquest.source import Source


def test_a_2000_term_sum_of_literals_and_of_names():
    assert output("puts(" + " + ".join(["1"] * 2000) + ")") == "2000\n"
    assert output("let x = 1\nputs(" + " + ".join(["x"] * 2000) + ")") == "2000\n"
    assert output("let x = 1.5\nputs(" + " + ".join(["x"] * 5000) + ")") == "7500\n"


def test_a_long_chain_keeps_left_associativity_and_evaluation_order():
    # 1 - 2 - 3 - ... - 2000 (not associative), and calls in source order
    # across the chunks the compiler splits long chains into.
    assert output("puts(" + " - ".join(str(k) for k in range(1, 2001)) + ")") == "-2000998\n"
    assert output("let log = []\nfun n(k)\nlog.push(k)\nk\nend\nlet x = "
                  + " + ".join(f"n({k})" for k in range(300))
                  + '\nputs(x, " ", log.join(","))') == \
        f"{sum(range(300))} " + ",".join(str(k) for k in range(300)) + "\n"


def test_1000_nested_brackets_arrays_and_calls():
    assert output("puts(" + "(" * 1000 + "1" + ")" * 1000 + ")") == "1\n"
    assert output("puts(" + "(" * 1000 + "1 + 2" + ")" * 1000 + " * 3)") == "9\n"
    assert output("puts(" + "[" * 1000 + "7" + "]" * 1000 + ".len())") == "1\n"
    assert output("fun id(x) x end\nputs(" + "id(" * 1000 + "5" + ")" * 1000 + ")") == "5\n"


def test_300_nested_lambdas():
    program = ("let f = " + "fun () " * 300 + "42" + " end" * 300 + "\nlet g = f\n"
               + "".join("g = g()\n" for _ in range(300)) + "puts(g)")
    assert output(program) == "42\n"
    closures = "let a = 5\nlet f = " + "fun (x) " * 300 + "x + a" + " end" * 300
    assert output(closures + "\nlet g = f\n" + "g = g(1)\n" * 299 + "puts(g(2))") == "7\n"


def test_long_concat_and_boolean_chains():
    assert output('let s = "ab"\nputs((' + " .. ".join(["s"] * 3000) + ").len())") == "6000\n"
    assert output("let t = true\nputs(" + " and ".join(["t"] * 3000) + ")") == "true\n"
    assert output("let f = false\nputs(" + " or ".join(["f"] * 2999) + " or 7)") == "7\n"
    mixed = " or ".join(["f and t"] * 1500)
    assert output(f"let t = true\nlet f = false\nputs({mixed} or t and 9)") == "9\n"
    assert output("let n = nil\nputs(" + " ?: ".join(["n"] * 2000) + " ?: 3)") == "3\n"


def test_long_boolean_chains_still_short_circuit():
    program = ("let calls = 0\nfun t()\ncalls += 1\ntrue\nend\nfun f()\ncalls += 1\nfalse\nend\n"
               "let r = " + " and ".join(["t()"] * 150 + ["f()"] + ["t()"] * 150)
               + "\nputs(r, calls)\ncalls = 0\nlet s = "
               + " or ".join(["f()"] * 100 + ["t()"] + ["f()"] * 100) + "\nputs(s, calls)")
    assert output(program) == "false151\ntrue101\n"


def test_deep_unary_operators_and_postfix_chains():
    assert output("puts(" + "-" * 3000 + "1)") == "1\n"
    assert output("puts(" + "not " * 3001 + "true)") == "false\n"
    assert output('let s = "abc"\nputs(s' + ".upper().lower()" * 500 + ")") == "abc\n"
    assert output("let x = 1\nputs(" + "x + (" * 1500 + "x" + ")" * 1500 + ")") == "1501\n"


def test_deep_blocks_and_functions():
    assert output("if true\n" * 1000 + "puts(1)\n" + "end\n" * 1000) == "1\n"
    assert output("".join(f"fun f{i}()\n" for i in range(300)) + "1\n" + "end\n" * 300
                  + "puts(f0)") == "<fun f0>\n"


@pytest.mark.parametrize("source, where, what", [
    ("\nputs(" + "[" * 20000 + "1" + "]" * 20000 + ")", (2, 20005), "expression"),
    ("\nlet x = 1\n" + "if true\n" * 11000 + "puts(x)\n" + "end\n" * 11000, (11003, 1), "blocks"),
])
def test_what_is_too_deep_is_a_located_syntax_error(source, where, what):
    with pytest.raises(QuestSyntaxError) as info:
        Interpreter().compile(Source(source, "deep.q"))
    err = info.value
    assert (err.line, err.col) == where
    assert str(err).splitlines()[0] == f"deep.q:{where[0]}:{where[1]}: SyntaxErr: {what} nested too deeply"
    out, err_text, status = run(source, dedent=False)
    assert (status, out) == (1, "")
    assert err_text.startswith(f"-c:{where[0]}:{where[1]}: SyntaxErr: {what} nested too deeply\n")


def test_emit_python_of_deep_code_prints_it(capsys):
    from trioquest.cli import main

    assert main(["--emit-python", "-c", "puts(" + "[" * 3000 + "1" + "]" * 3000 + ")"]) == 0
    out = capsys.readouterr().out
    assert "[" * 3000 + "1" + "]" * 3000 in out
