"""Expressions: literals, precedence (§3.2 + `**`/`await`), postfix, calls."""

import pytest

from trioquest.nodes import (
    Arg, Array, Array2D, Attribute, Await, BigInt, BinOp, Bool, BoolOp, Bytes, Call, Dict,
    DictEntry, Float, FormattedValue, FString, Index, Int, Lambda, MethodCall, Name, Nil,
    Param, Return, Str, UnaryOp, ExprStmt,
)

from helpers import body, expr, syntax_error

a, b, c, d = Name("a"), Name("b"), Name("c"), Name("d")


def B(op, left, right):
    return BinOp(op, left, right)


@pytest.mark.parametrize("src, tree", [
    ("42", Int(42)), ("4.5", Float(4.5)), ("7n", BigInt(7)), ('"s"', Str("s")),
    ("b'x'", Bytes(b"x")), ("true", Bool(True)), ("false", Bool(False)), ("nil", Nil()),
    ("x", Name("x")), ("(x)", Name("x")), ("((((1))))", Int(1)),
    ("[]", Array(())), ("[1, 2]", Array((Int(1), Int(2)))),
    ("[1, 2; 3, 4]", Array2D(((Int(1), Int(2)), (Int(3), Int(4))))),
    ("{}", Dict(())),
    ('{a: 1, "b c": 2}', Dict((DictEntry(Str("a"), Int(1)), DictEntry(Str("b c"), Int(2))))),
    ('{f"k{x}": 1}', Dict((DictEntry(FString((Str("k"), FormattedValue(Name("x")))), Int(1)),))),
])
def test_atoms(src, tree):
    assert expr(src) == tree


@pytest.mark.parametrize("src, tree", [
    ("a ?: b ?: c", BoolOp("?:", BoolOp("?:", a, b), c)),
    ("a or b ?: c", BoolOp("?:", BoolOp("or", a, b), c)),
    ("a or b and c", BoolOp("or", a, BoolOp("and", b, c))),
    ("not a and b", BoolOp("and", UnaryOp("not", a), b)),
    ("not a == b", UnaryOp("not", B("==", a, b))),
    ("not not a", UnaryOp("not", UnaryOp("not", a))),
    ("a | b ^ c", B("|", a, B("^", b, c))),
    ("a ^ b & c", B("^", a, B("&", b, c))),
    ("x & 1 == 0", B("&", Name("x"), B("==", Int(1), Int(0)))),
    ("a & b << c", B("&", a, B("<<", b, c))),
    ("a >> b == c", B(">>", a, B("==", b, c))),
    ("a < b < c", B("<", B("<", a, b), c)),
    ("a != b <= c", B("<=", B("!=", a, b), c)),
    ("a >= b > c", B(">", B(">=", a, b), c)),
    ('"n=" .. n + 1', B("..", Str("n="), B("+", Name("n"), Int(1)))),
    ("a .. b == c", B("==", B("..", a, b), c)),
    ("a .. b .. c", B("..", B("..", a, b), c)),
    ("a - b - c", B("-", B("-", a, b), c)),
    ("a + b * c", B("+", a, B("*", b, c))),
    ("a / b % c", B("%", B("/", a, b), c)),
    ("-a * b", B("*", UnaryOp("-", a), b)),
    ("- - a", UnaryOp("-", UnaryOp("-", a))),
    ("~+a", UnaryOp("~", UnaryOp("+", a))),
    ("-5.abs()", UnaryOp("-", MethodCall(Int(5), "abs", ()))),
    ("-2 ** 2", UnaryOp("-", B("**", Int(2), Int(2)))),
    ("2 ** 3 ** 2", B("**", Int(2), B("**", Int(3), Int(2)))),
    ("2 ** -1", B("**", Int(2), UnaryOp("-", Int(1)))),
    ("a * b ** c", B("*", a, B("**", b, c))),
    ("await x.f(1) + 1", B("+", Await(MethodCall(Name("x"), "f", (Arg(Int(1)),))), Int(1))),
    ("await await f()", Await(Await(Call(Name("f"), ())))),
    ("await a ** b", B("**", Await(a), b)),
    ("-await a", UnaryOp("-", Await(a))),
    ("not await a", UnaryOp("not", Await(a))),
    ("await a[0].b", Await(Attribute(Index(a, Int(0)), "b"))),
])
def test_precedence_and_associativity(src, tree):
    assert expr(src) == tree


@pytest.mark.parametrize("src, tree", [
    ("a.b", Attribute(a, "b")),
    ("a.b.c", Attribute(Attribute(a, "b"), "c")),
    ("a.b()", MethodCall(a, "b", ())),
    ("a.b(1)(2)", Call(MethodCall(a, "b", (Arg(Int(1)),)), (Arg(Int(2)),))),
    ("f(1)(2)", Call(Call(Name("f"), (Arg(Int(1)),)), (Arg(Int(2)),))),
    ("a[0](x)", Call(Index(a, Int(0)), (Arg(Name("x")),))),
    ('d["k"](x)', Call(Index(d, Str("k")), (Arg(Name("x")),))),
    ("a[i, j]", Index(a, (Name("i"), Name("j")))),
    ("e.type()", MethodCall(Name("e"), "type", ())),
    ("range.end()", MethodCall(Name("range"), "end", ())),
    ("msg.value.type", Attribute(Attribute(Name("msg"), "value"), "type")),
    ("Array.new(3, 0)", MethodCall(Name("Array"), "new", (Arg(Int(3)), Arg(Int(0))))),
    ("(a.b)(1)", Call(Attribute(a, "b"), (Arg(Int(1)),))),
])
def test_postfix(src, tree):
    assert expr(src) == tree


def test_call_arguments():
    assert expr("f(1, x: 2, *xs, **opts)") == Call(Name("f"), (
        Arg(Int(1)), Arg(Int(2), "x", "named"), Arg(Name("xs"), None, "star"),
        Arg(Name("opts"), None, "starstar")))
    # A positional after a named one parses; it is an ArgErr when run (§3.3).
    assert expr("f(x: 1, 2)").args[1] == Arg(Int(2))


@pytest.mark.parametrize("src, reason", [
    ("f(1, 2,)", "unexpected ')', expected an expression, '*' or '**'"),
    ("[1, 2,]", "unexpected ']', expected an expression"),
    ("{a: 1,}", "unexpected '}', expected a name, a string or an f-string"),
    ("{1: 2}", "unexpected number 1, expected '}', a name, a string or an f-string"),
    ("{a}", "unexpected '}', expected ':'"),
    ("f(if: 1)", "unexpected 'if', expected an expression, ')', '*' or '**'"),
])
def test_bad_literals_and_calls(src, reason):
    assert syntax_error(src).reason == reason


def test_fstrings():
    assert expr('f"{n} items, {x.y(1):>5}"') == FString((
        FormattedValue(Name("n")), Str(" items, "),
        FormattedValue(MethodCall(Name("x"), "y", (Arg(Int(1)),)), ">5")))
    assert expr('f""') == FString(())
    assert expr('f"{update.progress * 100}%"') == FString((
        FormattedValue(B("*", Attribute(Name("update"), "progress"), Int(100))), Str("%")))
    assert expr('f"{a:}"') == FString((FormattedValue(a, ""),))


def test_bad_fstring_expression():
    err = syntax_error('f"{a +}"')
    assert (err.reason, err.col) == ("unexpected '}', expected an expression", 7)
    err = syntax_error('f"{let}"')
    assert (err.reason, err.col) == ("unexpected 'let', expected an expression", 4)


def test_lambdas():
    assert expr("fun (x, y = 2, *rest) x * y end") == Lambda(
        (Param("x"), Param("y", None, Int(2)), Param("rest", None, None, "star")),
        (ExprStmt(B("*", Name("x"), Name("y"))),))
    assert expr("fun () end") == Lambda((), ())
    assert expr("async fun () await f() end") == Lambda(
        (), (ExprStmt(Await(Call(Name("f"), ()))),), True)
    assert expr("(fun (x) x end)(1)") == Call(
        Lambda((Param("x"),), (ExprStmt(Name("x")),)), (Arg(Int(1)),))
    assert expr("fun (x) return x end").body == (Return(Name("x")),)


def test_lambda_is_only_a_whole_expression():
    # A lambda is never an operand: what follows it starts a new statement.
    assert body("fun (x) x end + 1") == (
        ExprStmt(Lambda((Param("x"),), (ExprStmt(Name("x")),))),
        ExprStmt(UnaryOp("+", Int(1))))
    assert syntax_error("1 + fun () 1 end").reason == "unexpected 'fun', expected an expression"


def test_lambda_without_parentheses_is_an_error():
    assert syntax_error("let f = fun x end").reason == "unexpected name 'x', expected '('"
