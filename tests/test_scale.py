"""Scale limits of the front end, as behaviour: lexing a huge string literal
takes memory linear in its size, names of a huge scope resolve as before, and
locating an error decodes a function's positions once.  (How fast each is:
bench/bench_scale.py.)"""

import tracemalloc

import pytest

from quest_runner import output, run
from trioquest.eval.runtime import BUILTINS
from trioquest.eval.scopes import resolve
from trioquest.eval.values import exceptions
from trioquest.lexer import tokenize
from trioquest.parser import parse
from trioquest.source import Source
from trioquest import nodes as n

BODY = "abc \\n " * 150_000   # about 1 MB, with an escape every 7 characters


def _peak_lexing(text: str) -> int:
    tracemalloc.start()
    try:
        tokens = list(tokenize(Source(text)))
        return tracemalloc.get_traced_memory()[1], tokens
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("prefix, quote", [("", '"'), ("", "'"), ("f", '"'), ("b", "'")])
def test_a_one_megabyte_literal_lexes_in_linear_memory(prefix, quote):
    peak, tokens = _peak_lexing(f"let s = {prefix}{quote}{BODY}{quote}\n")
    # The text itself is 1 MB; its value and the tokens a few more.  A repeated
    # alternation in the pattern once cost ~250 bytes per character (270 MB).
    assert peak < 20 * len(BODY), peak
    values = [t.value for t in tokens if t.type in ("STRING", "BYTES", "FSTRING_TEXT")]
    expected = "abc \n " * 150_000
    assert values == [expected.encode() if prefix == "b" else expected]


def test_huge_literals_keep_their_errors():
    from trioquest.errors import QuestSyntaxError

    for text in ('let s = "' + "x" * 100_000 + "\n", 'let s = "' + "y" * 10 + '\\'):
        with pytest.raises(QuestSyntaxError, match="unterminated string literal"):
            list(tokenize(Source(text)))


def test_a_huge_scope_and_repeated_names_resolve_as_before():
    lets = "".join(f"let v{i} = {i}\n" for i in range(5000))
    blocks = "".join("if true let x = 1 end\n" for _ in range(300))
    prog = parse(lets + blocks + "let x = 0\nfun f() let x = 2 let v7 = 3 let x__1 = 4 end\n")
    res = resolve(prog, builtins=frozenset(BUILTINS))
    module = [b.py for b in res.module.bindings]
    assert module[:5000] == [f"v{i}" for i in range(5000)]
    assert module[5000:] == ["x"] + [f"x__{i}" for i in range(1, 301)] + ["f"]
    inner = next(info for info in res.functions.values() if info.name == "f")
    # A nested function's names never shadow its parent's: x and v7 are taken.
    assert [b.py for b in inner.bindings] == ["x__301", "v7__1", "x__1__1"]
    assert output(lets + blocks + "let x = 0\nputs(v4999 + x)\n") == "4999\n"


def _error_program(size):
    lets = "".join(f"    let a{i} = {i}\n" for i in range(size))
    return (f"\nfun big()\n{lets}    let lines = []\n    for i in 0 until 3\n        try\n"
            f"            let z = [1][i + 5]\n        catch e\n"
            f"            lines.push(f\"{{e.line()}}:{{e.message()}}\")\n        end\n    end\n"
            f"    lines\nend\nputs(big())\n")


def test_locating_errors_decodes_a_function_once(tmp_path):
    size = 3000
    text = _error_program(size)
    exceptions._POSITIONS.clear()
    line = size + 5   # output() drops the first, blank line
    assert output(text) == ", ".join([f"{line}:Index out of bounds"] * 3).join("[]") + "\n"
    codes = [entry[0] for entry in exceptions._POSITIONS.values()]
    # built once per function on the Quest stack, for the 3 errors
    assert sorted(c.co_name for c in codes) == ["<module>", "big"]
    code = next(c for c in codes if c.co_name == "big")
    positions = list(code.co_positions())
    for lasti in range(0, 2 * len(positions), 2):
        start, _, col, _ = positions[lasti // 2]
        assert exceptions.instruction_position(code, lasti) == (start, col)
    assert exceptions.instruction_position(code, 2 * len(positions)) == (None, None)


def test_an_error_deep_in_a_big_function_is_located_exactly(tmp_path):
    text = _error_program(3000).replace("lines.push(f\"{e.line()}:{e.message()}\")", "raise e")
    out, err, status = run(text, tmp_path=tmp_path, dedent=False)
    assert status == 1
    assert err.replace(str(tmp_path / "main.q"), "main.q").splitlines()[0] == (
        "main.q:3006:21: IndexErr: Index out of bounds")


def test_the_position_index_keeps_few_code_objects():
    for i in range(exceptions._POSITIONS_KEPT + 10):
        code = compile(f"x = {i}", f"f{i}", "exec")
        exceptions.instruction_position(code, 0)
    assert len(exceptions._POSITIONS) == exceptions._POSITIONS_KEPT
