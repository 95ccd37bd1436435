"""Unit tests of the evaluator's pieces: operators, string forms, format specs,
name resolution and static types."""

from decimal import Decimal

import pytest

from trioquest import errors as E
from trioquest import nodes as n
from trioquest.eval import ops, power
from trioquest.eval.infer import FunctionTypes, INT, LIST, NUM, STR, numeric_params
from trioquest.eval.scopes import resolve
from trioquest.eval.values.bigint import BigInt
from trioquest.eval.values.formatting import fmt, format_value
from trioquest.eval.values.forms import format_float, to_rep, to_str, type_name
from trioquest.eval.values.sets import QSet
from trioquest.parser import parse


@pytest.mark.parametrize("a, b, q, r", [
    (7, 2, 3, 1), (-7, 2, -3, -1), (7, -2, -3, 1), (-7, -2, 3, -1), (6, 3, 2, 0),
])
def test_integer_division_truncates_and_remainder_follows_dividend(a, b, q, r):
    assert (ops.div(a, b), ops.mod(a, b)) == (q, r)


def test_float_and_zero_division():
    assert ops.div(7, 2.0) == 3.5
    assert ops.mod(-7.5, 2) == -1.5
    for f in (ops.div, ops.mod):
        with pytest.raises(E.RuntimeErr):
            f(1, 0)
        with pytest.raises(E.RuntimeErr):
            f(1, 0.0)


def test_string_left_operand_is_a_number():
    assert ops.add("2", 3) == 5.0 and ops.sub("10", 4) == 6.0
    with pytest.raises(E.RuntimeErr):
        ops.add("a", "b")
    assert ops.mul("ab", 3) == "ababab" and ops.mul(2, "xy") == "xyxy"


def test_decimal_and_float_mix_gives_decimal():
    assert ops.add(Decimal("1.5"), 0.25) == Decimal("1.75")
    assert type(ops.mul(0.5, Decimal(2))) is Decimal


def test_power():
    assert power.power(2, 10) == 1024 and power.power(2, -1) == 0.5
    assert type(power.power(2.0, 2)) is float and power.power(BigInt(2), 3) == BigInt(8)


def test_bitwise_truncates_to_i64():
    assert ops.bit_and(6, 3) == 2 and ops.bit_or(True, None) == 1
    assert ops.shl(1, 63) == -(1 << 63)
    with pytest.raises(E.RuntimeErr):
        ops.shl(1, 64)


def test_equality_rules():
    assert ops.eq(1, 1.0) and ops.eq(0.1 + 0.2, 0.3)
    assert not ops.eq(True, 1) and not ops.eq("1", 1) and not ops.eq(None, False)
    assert ops.eq([1, [2.0]], [1, [2]]) and ops.eq({"a": 1}, {"a": 1.0})
    assert not ops.eq(BigInt(1), 1) and ops.eq(BigInt(5), BigInt(5))
    assert ops.eq(QSet([1, 2]), QSet([2, 1]))


def test_ordering_rules():
    assert ops.lt(None, 0) and ops.lt(True, 0) and ops.lt(5, "a") and ops.lt("a", "b")
    assert not ops.lt([1], [2]) and ops.le([1], [2])  # unrelated types compare as equal
    assert ops.lt(1, 1.5) and ops.lt(BigInt(1), 2)


def test_concat_uses_string_forms():
    assert ops.concat("n=", 5) == "n=5" and ops.concat("x", None) == "xnil"
    assert ops.concat("", [1, "a"]) == "[1, a]" and ops.concat(2.0, "") == "2"


@pytest.mark.parametrize("x, text", [
    (5.0, "5"), (-0.0, "-0"), (3.14, "3.14"), (0.1, "0.1"), (1e20, "100000000000000000000"),
    (1e-7, "0.0000001"), (1e10, "10000000000"), (123456789.5, "123456789.5"),
    (float("nan"), "NaN"), (float("inf"), "inf"), (float("-inf"), "-inf"),
])
def test_float_forms(x, text):
    assert format_float(x) == text


def test_string_forms_and_reps():
    assert to_str({"b": [1, "x"], "a": None}) == "{a: nil, b: [1, x]}"
    assert to_str(QSet(["a", 2, 1])) == 'Set{1, 2, "a"}'
    assert to_str(b'a"\\\x01') == 'b"a\\x22\\x5c\\x01"'
    assert to_rep("hi") == '"hi"' and to_rep(Decimal("1.5")) == "Decimal(1.5)"
    assert to_rep(BigInt(42)) == "BigInt(42)" and to_str(BigInt(42)) == "42"
    assert [type_name(v) for v in (1, 1.0, "", True, None, [], {}, b"", BigInt(1))] == [
        "Int", "Float", "Str", "Bool", "Nil", "Array", "Dict", "Bytes", "BigInt"]


@pytest.mark.parametrize("value, spec, text", [
    (3, ".2", "3.00"), (3.14159, ".3", "3.142"), ("abcdef", ".3", "abc"), (42, "5", "   42"),
    ("ab", "<5", "ab   "), ("ab", "^6", "  ab  "), ("ab", "*>4", "**ab"), (42, "+", "+42"),
    (255, "x", "ff"), (255, "#X", "0XFF"), (5, "08b", "00000101"), (-5, "05", "-0005"),
    (12345.678, "e", "1.234568e+04"), (0.5, ".1f", "0.5"), (0.25, "%", "25.000000%"),
    (7.9, "x", "7"),
])
def test_format_specs(value, spec, text):
    assert format_value(value, spec) == text


def test_str_fmt():
    assert fmt("{} and {}", 1, "b") == "1 and b"
    assert fmt("{1}-{0:>3}", "a", "b") == "b-  a"
    assert fmt("{{x}} {0:.2}", 1.5) == "{x} 1.50"
    with pytest.raises(E.ArgErr):
        fmt("{} {}", 1)


def _resolution(src):
    prog = parse(src)
    return prog, resolve(prog, builtins=frozenset({"puts"}))


def test_resolution_renames_shadowing_blocks_and_sees_later_closure_names():
    prog, res = _resolution("let x = 1\nif true let x = 2 puts(x) end\nfun f() y end\nlet y = 3")
    names = [(node.id, res.refs.get(id(node))) for node in n.walk(prog)
             if isinstance(node, n.Name)]
    assert [(q, b.py if b else None) for q, b in names] == [
        ("puts", None), ("x", "x__1"), ("y", "y")]


def test_resolution_problems():
    prog, res = _resolution("let a = 1\nlet a = 2\nb = 3\nconst C = 1\nC = 2\ndel zz")
    assert sorted(p.kind for p in res.problems.values()) == [
        "const", "del_undefined", "redeclared", "undeclared"]


def test_loop_variables_captured_by_closures_are_boxed():
    prog, res = _resolution("for i in 1 to 3 let f = fun () i end end\nfor j in 1 to 3 puts(j) end")
    fors = [s for s in prog.body if isinstance(s, n.For)]
    assert res.decls[id(fors[0])][0].boxed and not res.decls[id(fors[1])][0].boxed


def test_static_types_of_locals():
    prog, res = _resolution(
        'let i = 0\nlet s = ""\nlet xs = []\nlet m = 1.5\nwhile i < 3 i = i + 1 s = s .. i end\n'
        "let k = i * m\nlet u = xs[0]")
    types = FunctionTypes(res, res.module, prog.body)
    got = {b.name: types.types[b] for b in types.types}
    assert got == {"i": INT, "s": STR, "xs": LIST, "m": "float", "k": "float", "u": None}
    prog, res = _resolution("let a = 1\na = 2.5")
    types = FunctionTypes(res, res.module, prog.body)
    assert list(types.types.values()) == [NUM]


def test_parameters_used_arithmetically_get_an_int_body():
    prog, res = _resolution("fun f(a, b, c) a + 1 < b end")
    assert numeric_params(res, prog.body[0]) == ["a"]
    prog, res = _resolution("fun f(a, b, c) b * c > 2 end")
    assert numeric_params(res, prog.body[0]) == ["b", "c"]
    # Beside an operand of unknown type the guard stays: no specialised body.
    prog, res = _resolution("fun f(x, y) y.len() + x end")
    assert numeric_params(res, prog.body[0]) == []
