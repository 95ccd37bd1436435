"""The contextual token pass: words and forms that depend on what follows."""

from trioquest.lexer import tokenize
from trioquest.source import Source
from trioquest.tokens import refine


def kinds(text):
    return [t.type for t in refine(tokenize(Source(text, "t.q")))]


def test_keywords_after_a_dot_are_member_names():
    assert kinds("e.type() r.end x.if x.async x.static") == [
        "NAME", "DOT", "NAME", "LPAREN", "RPAREN", "NAME", "DOT", "NAME", "NAME", "DOT", "NAME",
        "NAME", "DOT", "NAME", "NAME", "DOT", "NAME"]


def test_async_is_a_keyword_only_before_fun_with_or_type():
    assert kinds("async fun")[:1] == ["ASYNC"]
    assert kinds("async with")[:1] == ["ASYNC"]
    assert kinds("async type")[:1] == ["ASYNC"]
    assert kinds("async.spawn(f)")[:1] == ["NAME"]
    assert kinds("async")[:1] == ["NAME"]
    assert kinds("let async = 1") == ["LET", "NAME", "ASSIGN", "INT"]


def test_static_is_a_keyword_only_before_fun_or_async_fun():
    assert kinds("static fun") == ["STATIC", "FUN"]
    assert kinds("static async fun") == ["STATIC", "ASYNC", "FUN"]
    assert kinds("static async") == ["NAME", "NAME"]
    assert kinds("static = 1") == ["NAME", "ASSIGN", "INT"]


def test_percent_before_a_declaration_word_is_a_doc_declaration():
    assert kinds('% fun f() "d"')[0] == "DOC_PERCENT"
    assert kinds('% const X "d"')[0] == "DOC_PERCENT"
    assert kinds('% type T "d"')[0] == "DOC_PERCENT"
    assert kinds('% trait T "d"')[0] == "DOC_PERCENT"
    assert kinds("a % b") == ["NAME", "MOD", "NAME"]


def test_return_takes_a_value_only_from_the_same_line():
    assert kinds("return 1") == ["RETURN", "INT"]
    assert kinds("return -1") == ["RETURN", "MINUS", "INT"]
    assert kinds("return\n1") == ["RETURN_BARE", "INT"]
    assert kinds("return end") == ["RETURN_BARE", "END"]
    assert kinds("return") == ["RETURN_BARE"]
    assert kinds("return fun (x) x end")[0] == "RETURN"
    assert kinds("return async fun (x) x end")[0] == "RETURN"


def test_raise_takes_a_value_whenever_an_expression_follows():
    assert kinds('raise "x"') == ["RAISE", "STRING"]
    assert kinds('raise\n"x"') == ["RAISE", "STRING"]
    assert kinds("raise end") == ["RAISE_BARE", "END"]
    assert kinds("raise") == ["RAISE_BARE"]
    assert kinds("raise fun f() end")[0] == "RAISE_BARE"
    assert kinds("raise async fun f() end")[0] == "RAISE_BARE"
    assert kinds("raise async with x end")[0] == "RAISE_BARE"
    assert kinds("raise async.TimeoutError.new()")[0] == "RAISE"
    assert kinds("raise fun () 1 end")[0] == "RAISE"
