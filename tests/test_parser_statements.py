"""Statements: one good and one bad input at least for every construct."""

import pytest

from trioquest.nodes import (
    Arg, Assign, AugAssign, Attribute, BinOp, Binding, Break, Call, Catch, Const, Continue, Del,
    DocDecl, ExprStmt, For, If, IfBranch, ImportName, Index, Int, Let, Match, MatchArm, Name,
    Param, Raise, Range, Return, Str, Try, TypedDecl, TypeRef, UnaryOp, Use, While, With,
    WithItem, MethodCall, FunDef,
)

from helpers import body, stmt, syntax_error

x, y = Name("x"), Name("y")


def call(name, *args):
    return ExprStmt(Call(Name(name), tuple(Arg(a) for a in args)))


# --- statement separation (§1) ----------------------------------------------------------

def test_several_statements_on_one_line():
    assert body("let a = 1 let b = 2 puts(a + b)") == (
        Let((Binding("a", None, Int(1)),)), Let((Binding("b", None, Int(2)),)),
        call("puts", BinOp("+", Name("a"), Name("b"))))


@pytest.mark.parametrize("src, tree", [
    ("foo\n(bar)", (ExprStmt(Call(Name("foo"), (Arg(Name("bar")),))),)),
    ("x = a\n-1", (Assign(x, BinOp("-", Name("a"), Int(1))),)),
    ("items\n[0]", (ExprStmt(Index(Name("items"), Int(0))),)),
    ("s\n  .trim()\n  .upper()", (ExprStmt(MethodCall(MethodCall(Name("s"), "trim", ()), "upper", ())),)),
    ("f()\n[]", (ExprStmt(Call(Name("f"), ())), ExprStmt(__import__("trioquest.nodes").nodes.Array(())))),
    ("a\nnot b", (ExprStmt(Name("a")), ExprStmt(UnaryOp("not", Name("b"))))),
])
def test_newlines_are_whitespace_and_parsing_is_greedy(src, tree):
    assert body(src) == tree


def test_semicolons_are_not_separators():
    assert syntax_error("let a = 1; let b = 2").reason == "unexpected ';'"


# --- let / const / del ---------------------------------------------------------------------

def test_let_typed_and_multiple():
    assert stmt("let a = 1, b: Int = a + 1") == Let((
        Binding("a", None, Int(1)),
        Binding("b", TypeRef("Int"), BinOp("+", Name("a"), Int(1)))))
    assert stmt("pub let v = 1") == Let((Binding("v", None, Int(1)),), pub=True)
    assert stmt("let xs: Array{Str} = x").bindings[0].type == TypeRef("Array", (TypeRef("Str"),))


@pytest.mark.parametrize("src, reason", [
    ("let x", "unexpected end of input, expected ':' or '='"),
    ("let 1 = 2", "unexpected number 1, expected a name"),
    ("let step = 1", "unexpected 'step', expected a name"),
    ("let x: int = 1", "type names are capitalised: write 'Int', not 'int'"),
    ("let x = 1,", "unexpected end of input, expected a name"),
])
def test_bad_let(src, reason):
    assert syntax_error(src).reason == reason


def test_const():
    assert stmt("const X = 5") == Const("X", Int(5))
    assert stmt("pub const X = 5") == Const("X", Int(5), pub=True)
    assert syntax_error("const A = 1, B = 2").reason == "unexpected ','"
    assert syntax_error("const A").reason == "unexpected end of input, expected '='"


def test_del():
    assert stmt("del x") == Del("x")
    assert syntax_error("del 1").reason == "unexpected number 1, expected a name"
    assert syntax_error("del a.b").reason == "unexpected '.'"


# --- assignment ----------------------------------------------------------------------------

@pytest.mark.parametrize("src, tree", [
    ("x = 1", Assign(x, Int(1))),
    ("a.b.c = 1", Assign(Attribute(Attribute(Name("a"), "b"), "c"), Int(1))),
    ("a[0][1] = 1", Assign(Index(Index(Name("a"), Int(0)), Int(1)), Int(1))),
    ("x += 1", AugAssign(x, "+", Int(1))),
    ("x -= 1", AugAssign(x, "-", Int(1))),
    ("x *= 1", AugAssign(x, "*", Int(1))),
    ("x /= 1", AugAssign(x, "/", Int(1))),
    ("x %= 1", AugAssign(x, "%", Int(1))),
    ("self.items[i] += 2", AugAssign(Index(Attribute(Name("self"), "items"), Name("i")), "+", Int(2))),
])
def test_assignment(src, tree):
    assert stmt(src) == tree


@pytest.mark.parametrize("src, reason, col", [
    ("f() = 1", "cannot assign to a function call", 1),
    ("a.b() = 1", "cannot assign to a method call", 1),
    ("1 = x", "cannot assign to a literal", 1),
    ("a + b += 1", "cannot assign to an operator expression", 1),
    ("a[1, 2] = 3", "cannot assign to a multi-index expression", 1),
    ("x = ", "unexpected end of input, expected an expression", 3),
    ("x == = 1", "unexpected '=', expected an expression", 6),
])
def test_bad_assignment(src, reason, col):
    err = syntax_error(src)
    assert (err.reason, err.col) == (reason, col)


def test_typed_declaration_statement_is_parsed():
    # Reserved by the reference: parsed, rejected when run.
    assert stmt("x: Int = 5") == TypedDecl("x", TypeRef("Int"), Int(5))
    assert stmt("x: Int") == TypedDecl("x", TypeRef("Int"))
    assert syntax_error("f(): Int").reason == "cannot declare a type for a function call"


# --- if / while / for ----------------------------------------------------------------------

def test_if_elif_else():
    assert stmt("if a 1 elif b 2 elif c 3 else 4 end") == If(
        (IfBranch(Name("a"), (ExprStmt(Int(1)),)), IfBranch(Name("b"), (ExprStmt(Int(2)),)),
         IfBranch(Name("c"), (ExprStmt(Int(3)),))), (ExprStmt(Int(4)),))
    assert stmt('if c puts("y") else puts("n") end') == If(
        (IfBranch(Name("c"), (call("puts", Str("y")),)),), (call("puts", Str("n")),))
    assert stmt("if a end") == If((IfBranch(Name("a"), ()),), None)
    assert stmt("if a else end") == If((IfBranch(Name("a"), ()),), ())


@pytest.mark.parametrize("src, reason", [
    ("if a 1", "'if' is never closed: expected 'end' before the end of the input"),
    ("if 1 else 2 else 3 end", "unexpected 'else'"),
    ("if end", "unexpected 'end', expected an expression"),
    ("elif x end", "unexpected 'elif'; 'elif' belongs to an 'if' block"),
    ("if a elif end", "unexpected 'end', expected an expression"),
])
def test_bad_if(src, reason):
    assert syntax_error(src).reason.startswith(reason)


def test_while():
    assert stmt("while x < 3 x += 1 end") == While(
        BinOp("<", x, Int(3)), (AugAssign(x, "+", Int(1)),))
    assert syntax_error("while x").reason == (
        "'while' is never closed: expected 'end' before the end of the input")
    assert syntax_error("while end").reason == "unexpected 'end', expected an expression"


@pytest.mark.parametrize("src, tree", [
    ("for i in 1 to 10 end", For("i", None, Range(Int(1), Int(10), True), ())),
    ("for i in 0 until n step 2 end", For("i", None, Range(Int(0), Name("n"), False, Int(2)), ())),
    ("for i in 5 until 0 step -1 end",
     For("i", None, Range(Int(5), Int(0), False, UnaryOp("-", Int(1))), ())),
    ("for x in xs puts(x) end", For("x", None, Name("xs"), (call("puts", x),))),
    ("for x, i in arr end", For("x", "i", Name("arr"), ())),
    ("for k, v in dict end", For("k", "v", Name("dict"), ())),
    ("for msg in chan end", For("msg", None, Name("chan"), ())),
])
def test_for(src, tree):
    assert stmt(src) == tree


@pytest.mark.parametrize("src, reason", [
    ("for x xs end", "unexpected name 'xs', expected ',' or 'in'"),
    ("for 1 in xs end", "unexpected number 1, expected a name"),
    ("for a, b, c in xs end", "unexpected ',', expected 'in'"),
    ("for i in 1 to end", "unexpected 'end', expected an expression"),
    ("for i in 1 step 2 end", "unexpected 'step'"),
])
def test_bad_for(src, reason):
    assert syntax_error(src).reason.startswith(reason)


# --- break / continue / return / raise ------------------------------------------------------

def test_break_continue():
    assert body("while true break continue end")[0].body == (Break(), Continue())
    # They take no value: what follows is the next statement.
    assert body("while true break 1 end")[0].body == (Break(), ExprStmt(Int(1)))
    assert syntax_error("break = 1").reason == "unexpected '='"
    assert syntax_error("continue += 1").reason == "unexpected '+='"


def test_return_value_only_on_the_same_line():
    assert body("return 1") == (Return(Int(1)),)
    assert body("return") == (Return(),)
    assert body("return\nfoo()") == (Return(), call("foo"))
    assert body("return (\n 1 +\n 2)") == (Return(BinOp("+", Int(1), Int(2))),)


def test_return_needs_a_whole_expression():
    assert syntax_error("return 1 +").reason == "unexpected end of input, expected an expression"


def test_raise_bare_string_and_expression():
    assert body("raise") == (Raise(),)
    assert body('raise "boom"') == (Raise(Str("boom")),)
    assert body('raise ValueErr.new("m")') == (
        Raise(MethodCall(Name("ValueErr"), "new", (Arg(Str("m")),))),)
    assert body("try 1 catch e raise end")[0].catches[0].body == (Raise(),)
    assert syntax_error("raise )").reason.startswith("unexpected ')'")


# --- match -------------------------------------------------------------------------------------

def test_match():
    assert stmt('match x in 1, 2 "a" in 3 to 9 step 2 "b" in 10 until 20 "c" else "d" end') == Match(
        x,
        (MatchArm((Int(1), Int(2)), (ExprStmt(Str("a")),)),
         MatchArm(Range(Int(3), Int(9), True, Int(2)), (ExprStmt(Str("b")),)),
         MatchArm(Range(Int(10), Int(20), False), (ExprStmt(Str("c")),))),
        (ExprStmt(Str("d")),))
    assert stmt("match x else 1 end") == Match(x, (), (ExprStmt(Int(1)),))
    assert stmt("match x in 1 a b end").arms[0].body == (ExprStmt(Name("a")), ExprStmt(Name("b")))


@pytest.mark.parametrize("src, reason", [
    ("match x in 1 end", "a match arm needs at least one statement"),
    ("match x in end", "unexpected 'end', expected an expression"),
    ("match x 1 end", "unexpected number 1"),
    ("match x in 1 2", "'match' is never closed"),
])
def test_bad_match(src, reason):
    assert syntax_error(src).reason.startswith(reason)


# --- try / catch / ensure --------------------------------------------------------------------

def test_try_catch_forms():
    t = stmt("""
        try risky()
        catch e: IOErr log(e)
        catch async.TimeoutError as e 1
        catch ValueErr 2
        catch async.CancelledError 3
        catch err 4
        ensure done()
        end""")
    assert t == Try(
        (call("risky"),),
        (Catch("e", TypeRef("IOErr"), (call("log", Name("e")),)),
         Catch("e", TypeRef("async.TimeoutError"), (ExprStmt(Int(1)),)),
         Catch(None, TypeRef("ValueErr"), (ExprStmt(Int(2)),)),
         Catch(None, TypeRef("async.CancelledError"), (ExprStmt(Int(3)),)),
         Catch("err", None, (ExprStmt(Int(4)),))),
        (call("done"),))
    assert stmt("try 1 ensure 2 end") == Try((ExprStmt(Int(1)),), (), (ExprStmt(Int(2)),))


@pytest.mark.parametrize("src, reason", [
    ("try 1 end", "'try' needs at least one 'catch' or an 'ensure'"),
    ("try 1 catch end", "unexpected 'end', expected a name"),
    ("try 1 catch e: end", "unexpected 'end', expected a name"),
    ("try 1 catch T as end", "unexpected 'end', expected a name"),
    ("try 1 ensure 2 catch e end", "unexpected 'catch'"),
    ("catch e 1 end", "unexpected 'catch'; 'catch' belongs to a 'try' block"),
])
def test_bad_try(src, reason):
    assert syntax_error(src).reason.startswith(reason)


# --- with -------------------------------------------------------------------------------------

def test_with():
    assert stmt("with a as x, b body() end") == With(
        (WithItem(Name("a"), "x"), WithItem(Name("b"))), (call("body"),))
    assert stmt("async with open() as f end") == With(
        (WithItem(Call(Name("open"), ()), "f"),), (), True)
    assert syntax_error("with a as end").reason == "unexpected 'end', expected a name"
    assert syntax_error("with end").reason == "unexpected 'end', expected an expression"


# --- use ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("src, tree", [
    ('use "std/math"', Use("std/math")),
    ('use "std/test" as t', Use("std/test", "t")),
    ('use "std/test" {it, describe as d}',
     Use("std/test", None, (ImportName("it"), ImportName("describe", "d")))),
    ('use "std/test" as t {it,}', Use("std/test", "t", (ImportName("it"),))),
])
def test_use(src, tree):
    assert stmt(src) == tree


@pytest.mark.parametrize("src, reason", [
    ("use math", "unexpected name 'math', expected a string"),
    ('use "m" as', "unexpected end of input, expected a name"),
    ('use "m" {}', "unexpected '}', expected a name"),
    ('use "m" {a b}', "unexpected name 'b', expected ',', 'as' or '}'"),
    ('use f"m"', "unexpected f-string, expected a string"),
])
def test_bad_use(src, reason):
    assert syntax_error(src).reason == reason


# --- documentation declarations ------------------------------------------------------------------

def test_doc_declarations():
    assert stmt('% fun add(a, b) "Adds."') == DocDecl("fun", "add", "Adds.", (Param("a"), Param("b")))
    assert stmt('% const PI "The ratio."') == DocDecl("const", "PI", "The ratio.")
    assert stmt('% type Point "A point."') == DocDecl("type", "Point", "A point.")
    assert stmt('% trait Shape "A shape."') == DocDecl("trait", "Shape", "A shape.")
    assert syntax_error('% fun add(a, b)').reason.startswith("unexpected end of input, expected a string")
    assert body("a % b") == (ExprStmt(BinOp("%", Name("a"), Name("b"))),)


def test_docstring_is_an_ordinary_first_statement():
    fun = stmt('fun f() "Doc." 1 end')
    assert isinstance(fun, FunDef) and fun.body[0] == ExprStmt(Str("Doc."))
