"""Functions, decorators, types, traits and `async` in every position."""

import pytest

from trioquest.nodes import (
    Arg, Await, Call, Decorator, ExprStmt, Field, FunDef, Impl, ImplWith, Int, Lambda,
    MethodCall, MethodSig, Name, Param, Str, TraitDef, TypeDef, TypeRef, UnaryOp, Float,
    Bool, Nil, BigInt,
)

from helpers import body, stmt, syntax_error


def test_function_with_every_kind_of_parameter():
    assert stmt("fun f(a, b: Int, c = 1, d: Str = \"x\", *rest: Array, **opts) -> Int a end") == FunDef(
        "f",
        (Param("a"), Param("b", TypeRef("Int")), Param("c", None, Int(1)),
         Param("d", TypeRef("Str"), Str("x")), Param("rest", TypeRef("Array"), None, "star"),
         Param("opts", None, None, "starstar")),
        (ExprStmt(Name("a")),),
        TypeRef("Int"))


def test_parameterless_function_without_parentheses():
    assert stmt("fun hello puts(1) end") == FunDef(
        "hello", (), (ExprStmt(Call(Name("puts"), (Arg(Int(1)),))),), has_parens=False)
    # `(` right after the name always opens the parameter list (greedy).
    assert stmt("fun f (x) end").params == (Param("x"),)


def test_named_argument_style_defaults():
    # QEP-027 Example 3: `fun fetch_with_retry(url, max_attempts: 3)`.
    assert stmt("fun f(url, max_attempts: 3, neg: -1.5, s: \"x\", flag: true, n: nil, big: 2n) end").params == (
        Param("url"), Param("max_attempts", None, Int(3)),
        Param("neg", None, UnaryOp("-", Float(1.5))), Param("s", None, Str("x")),
        Param("flag", None, Bool(True)), Param("n", None, Nil()), Param("big", None, BigInt(2)))


def test_default_may_contain_calls_and_parentheses():
    assert stmt("fun f(a, b = g(a) * (2)) end").params[1].default is not None


@pytest.mark.parametrize("src, reason", [
    ("fun f(a, *r, b) end", "parameter 'b' must come before *rest and **opts"),
    ("fun f(**k, *r) end", "*rest must come once, before **opts"),
    ("fun f(*a, *b) end", "*rest must come once, before **opts"),
    ("fun f(**a, **b) end", "only one **opts parameter is allowed"),
    ("fun f(a, a) end", "duplicate parameter 'a'"),
    ("fun f(type) end", "unexpected 'type', expected ')', '*', '**' or a name"),
    ("fun f(step = 1) end", "unexpected 'step', expected ')', '*', '**' or a name"),
    ("fun f(a,) end", "unexpected ')', expected '*', '**' or a name"),
    ("fun f(a: int) end", "type names are capitalised: write 'Int', not 'int'"),
    ("fun f() -> end", "unexpected 'end', expected a name"),
    ("fun 1() end", "unexpected number 1, expected '(' or a name"),
    ("fun f(a", "'(' is never closed: expected ')' before the end of the input"),
    ("fun f() 1", "'fun' is never closed: expected 'end' before the end of the input"),
])
def test_bad_functions(src, reason):
    assert syntax_error(src).reason == reason


def test_required_after_defaulted_parses():
    # §3.1: a required parameter after a defaulted one is an error when the
    # `fun` statement runs, not a syntax error.
    assert stmt("fun f(a = 1, b) end").params == (Param("a", None, Int(1)), Param("b"))


def test_decorators():
    f = stmt("@Cache @mod.Retry(times: 3) @Log() fun f() end")
    assert f.decorators == (
        Decorator(("Cache",)),
        Decorator(("mod", "Retry"), (Arg(Int(3), "times", "named"),)),
        Decorator(("Log",), ()))
    assert f.name == "f"
    assert stmt("@d async fun g() end").is_async
    assert syntax_error("@d let x = 1").reason == (
        "unexpected 'let', expected '(', '.', '@', 'async' or 'fun'")
    assert syntax_error("@ fun f() end").reason == "unexpected 'fun', expected a name"


def test_async_in_every_position():
    tree = body("""
        async fun top() await x end
        pub async fun exported() end
        let f = async fun () 1 end
        let g = fun () await work() end
        type S
            async fun method() end
            static async fun make() end
            async fun self.build() end
            impl Repo
                async fun save(e) end
            end
        end
        trait Repo
            async fun save(entity)
            fun count() -> Int
        end
        async type AsyncFile
            str: path
        end
    """)
    top, exported, let_f, let_g, s, repo, async_file = tree
    assert top == FunDef("top", (), (ExprStmt(Await(Name("x"))),), is_async=True)
    assert exported.is_async and exported.pub
    assert let_f.bindings[0].value == Lambda((), (ExprStmt(Int(1)),), True)
    # A lambda containing await is async implicitly; that is the compiler's job.
    assert let_g.bindings[0].value.is_async is False
    method, make, build, impl = s.members
    assert (method.is_async, method.is_static) == (True, False)
    assert (make.name, make.is_async, make.is_static) == ("make", True, True)
    assert (build.name, build.is_async, build.is_static) == ("build", True, True)
    assert impl == Impl("Repo", (FunDef("save", (Param("e"),), (), is_async=True),))
    assert repo == TraitDef("Repo", None, (
        MethodSig("save", (Param("entity"),), None, True),
        MethodSig("count", (), TypeRef("Int"))))
    assert async_file == TypeDef("AsyncFile", None, (Field("path", TypeRef("Str")),), is_async=True)


def test_type_definition_members():
    t = stmt('''
        type Point "A point."
            pub x: Int
            y: Float? = 0.5
            label
            tags = []
            pub str: name
            int?: id
            num: Int
            fun norm() self.x end
            static fun origin() Point.new(x: 0) end
            fun self.parse(s) nil end
            @Deco fun decorated() end
        end''')
    assert t.name == "Point" and t.doc == "A point."
    fields = t.members[:7]
    assert fields == (
        Field("x", TypeRef("Int"), pub=True),
        Field("y", TypeRef("Float", optional=True), Float(0.5), optional=True),
        Field("label"),
        Field("tags", None, __import__("trioquest.nodes").nodes.Array(())),
        Field("name", TypeRef("Str"), pub=True),
        Field("id", TypeRef("Int", optional=True), optional=True),
        Field("num", TypeRef("Int")),
    )
    norm, origin, parse_, decorated = t.members[7:]
    assert (norm.name, norm.is_static) == ("norm", False)
    assert (origin.name, origin.is_static) == ("origin", True)
    assert (parse_.name, parse_.is_static) == ("parse", True)
    assert decorated.decorators == (Decorator(("Deco",)),)


@pytest.mark.parametrize("src, reason", [
    ("type T fun s.f() end end", "static methods are written 'fun self.f', not 'fun s.f'"),
    ("type T int?: X end", "expected a field: write 'int: Type?' for an optional field"),
    ("type T x?: Int end", "expected a field: write 'x: Type?' for an optional field"),
    ("type T x: str end", "type names are capitalised: write 'Str', not 'str'"),
    ("type T let x = 1 end", "unexpected 'let'"),
    ("type T 1 end", "unexpected number 1"),
    ("type T x", "'type' is never closed: expected 'end' before the end of the input"),
    ("type end", "unexpected 'end', expected a name"),
    ("static fun f() end", "unexpected 'static'"),
])
def test_bad_types(src, reason):
    assert syntax_error(src).reason == reason


def test_traits():
    assert stmt('trait Shape "Shapes." fun area() -> Float fun scale(by) end') == TraitDef(
        "Shape", "Shapes.",
        (MethodSig("area", (), TypeRef("Float")), MethodSig("scale", (Param("by"),))))
    assert syntax_error("trait T fun a() 1 end").reason == (
        "unexpected number 1, expected '->', 'async', 'end' or 'fun'")
    assert syntax_error("trait T fun a(x)").reason == (
        "'trait' is never closed: expected 'end' before the end of the input")


def test_impl_with_reserved_form():
    assert stmt("impl Point with Show, mod.Eq { fun show() 1 end }") == ImplWith(
        "Point", ("Show", "mod.Eq"), (FunDef("show", (), (ExprStmt(Int(1)),)),))
    assert syntax_error("impl Point { }").reason.startswith("unexpected '{'")


def test_pub_declarations():
    assert stmt("pub fun f() end").pub
    assert stmt("pub type T end").pub
    assert stmt("pub trait T end").pub
    assert stmt("pub @d fun f() end").decorators == (Decorator(("d",)),)
    assert syntax_error("pub x = 1").reason.startswith("unexpected name 'x'")


def test_type_annotations():
    f = stmt("fun f(a: mod.T, b: Array{Str}, c: Dict{Str, Int}?, d: Array[3, 3]) end")
    assert [p.type for p in f.params] == [
        TypeRef("mod.T"), TypeRef("Array", (TypeRef("Str"),)),
        TypeRef("Dict", (TypeRef("Str"), TypeRef("Int")), optional=True),
        TypeRef("Array", (), (Int(3), Int(3)))]
    assert syntax_error("fun f(a: Array{}) end").reason == "unexpected '}', expected a name"


def test_method_calls_on_async_module_are_not_keywords():
    assert stmt("async.spawn(f, name: \"w\")") == ExprStmt(MethodCall(
        Name("async"), "spawn", (Arg(Name("f")), Arg(Str("w"), "name", "named"))))


@pytest.mark.parametrize("src, reason", [
    ("async fun 1() end", "unexpected number 1, expected '(' or a name"),
    ("async type end", "unexpected 'end', expected a name"),
    ("async with end", "unexpected 'end', expected an expression"),
    ("let x = await", "unexpected end of input, expected an expression"),
    ("await = 1", "unexpected '=', expected an expression"),
    ("type T impl end", "unexpected 'end', expected a name"),
    ("type T impl Show let x = 1 end end", "unexpected 'let', expected '.', '@', 'async', 'end' or 'fun'"),
    ("f(*)", "unexpected ')', expected an expression"),
    ("f(**)", "unexpected ')', expected an expression"),
    ("fun f(*) end", "unexpected ')', expected a name"),
])
def test_bad_async_await_impl_and_spreads(src, reason):
    assert syntax_error(src).reason == reason
