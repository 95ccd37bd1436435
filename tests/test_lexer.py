"""The lexer: every token form, its value, its position, and its errors."""

import pytest

from trioquest.errors import IncompleteInputError, QuestSyntaxError
from trioquest.lexer import tokenize
from trioquest.source import Source


def toks(text):
    return [(t.type, t.value) for t in tokenize(Source(text, "t.q"))]


def one(text):
    result = toks(text)
    assert len(result) == 1, result
    return result[0]


def lex_error(text) -> QuestSyntaxError:
    with pytest.raises(QuestSyntaxError) as info:
        list(tokenize(Source(text, "t.q")))
    return info.value


@pytest.mark.parametrize("text, expected", [
    ("42", ("INT", 42)),
    ("1_000_000", ("INT", 1000000)),
    ("0xFF", ("INT", 255)),
    ("0XfF_fF", ("INT", 65535)),
    ("0b1010", ("INT", 10)),
    ("0B1_0", ("INT", 2)),
    ("0o755", ("INT", 493)),
    ("0O7", ("INT", 7)),
    ("3.14", ("FLOAT", 3.14)),
    ("1_000.5", ("FLOAT", 1000.5)),
    ("1e10", ("FLOAT", 1e10)),
    ("2.5E-3", ("FLOAT", 0.0025)),
    ("1_0e1_0", ("FLOAT", 1e11)),
    ("123n", ("BIGINT", 123)),
    ("0xFFn", ("BIGINT", 255)),
    ("0b11N", ("BIGINT", 3)),
    ("99999999999999999999999", ("INT", 99999999999999999999999)),
])
def test_numbers(text, expected):
    assert one(text) == expected


def test_a_dot_needs_a_digit_to_make_a_float():
    assert toks("5.abs()") == [("INT", 5), ("DOT", "."), ("NAME", "abs"), ("LPAREN", "("),
                               ("RPAREN", ")")]
    assert toks("1..5") == [("INT", 1), ("CONCAT", ".."), ("INT", 5)]


@pytest.mark.parametrize("text, reason", [
    ("0xGHI", "invalid hexadecimal literal '0xGHI'"),
    ("0x", "invalid hexadecimal literal '0x'"),
    ("0b102", "invalid binary literal '0b102'"),
    ("0o9", "invalid octal literal '0o9'"),
    ("0x_1", "invalid hexadecimal literal '0x_1'"),
    ("1__0", "invalid number literal '1__0'"),
    ("1_", "invalid number literal '1_'"),
    ("12abc", "invalid number literal '12abc'"),
    ("1e", "invalid number literal '1e'"),
    ("1.5n", "invalid number literal '1.5n': only integers take the n suffix"),
])
def test_bad_numbers(text, reason):
    err = lex_error(text)
    assert (err.reason, err.line, err.col, err.width) == (reason, 1, 1, len(text))


@pytest.mark.parametrize("text, value", [
    ('"hello"', "hello"),
    ("'hello'", "hello"),
    (r'"a\nb\tc\rd\\e\"f\'g"', "a\nb\tc\rd\\e\"f'g"),
    (r'"keep \q and \u0041"', "keep \\q and \\u0041"),
    ('"it\'s"', "it's"),
    ('"""raw\\n "quotes" \nline"""', 'raw\\n "quotes" \nline'),
    ("'''x\\ty'''", "x\\ty"),
    ('""', ""),
])
def test_strings(text, value):
    assert one(text) == ("STRING", value)


def test_bad_strings():
    err = lex_error('let s = "abc\nputs(s)')
    assert (err.reason, err.line, err.col) == ("unterminated string literal", 1, 9)
    err = lex_error("x = 'abc")
    assert (err.reason, err.col) == ("unterminated string literal", 5)


def test_unterminated_triple_string_is_incomplete_input():
    with pytest.raises(IncompleteInputError) as info:
        list(tokenize(Source('let doc = """starts\nand goes on', "t.q")))
    assert (info.value.reason, info.value.line, info.value.col) == (
        "unterminated triple-quoted string", 1, 11)


@pytest.mark.parametrize("text, value", [
    ('b"abc"', b"abc"),
    ("B'abc'", b"abc"),
    (r'b"\x41\x7f\n\r\t\0\\\"\'"', b"A\x7f\n\r\t\x00\\\"'"),
    (r"b'\''", b"'"),
])
def test_bytes(text, value):
    assert one(text) == ("BYTES", value)


@pytest.mark.parametrize("text, reason, col", [
    (r'b"\q"', "invalid escape '\\q' in bytes literal", 3),
    (r'b"\xZZ"', "invalid \\x escape in bytes literal: two hex digits expected", 3),
    ('b"é"', "bytes literals may only contain ASCII characters; use \\xHH", 3),
    ('b"abc', "unterminated bytes literal", 1),
    ('b"""x"""', "triple-quoted bytes literals are not supported", 1),
])
def test_bad_bytes(text, reason, col):
    err = lex_error(text)
    assert (err.reason, err.col) == (reason, col)


def test_fstring_parts():
    assert toks('f"Hi {name}!"') == [
        ("FSTRING_START", 'f"'), ("FSTRING_TEXT", "Hi "), ("FSTRING_EXPR_START", "{"),
        ("NAME", "name"), ("FSTRING_EXPR_END", "}"), ("FSTRING_TEXT", "!"),
        ("FSTRING_END", '"'),
    ]


def test_fstring_with_expressions_specs_and_escapes():
    assert toks(r"f'{a.b(1, 2)} {x:>10} {{ \n {d ?: 0} }'") == [
        ("FSTRING_START", "f'"),
        ("FSTRING_EXPR_START", "{"), ("NAME", "a"), ("DOT", "."), ("NAME", "b"),
        ("LPAREN", "("), ("INT", 1), ("COMMA", ","), ("INT", 2), ("RPAREN", ")"),
        ("FSTRING_EXPR_END", "}"),
        ("FSTRING_TEXT", " "),
        ("FSTRING_EXPR_START", "{"), ("NAME", "x"), ("FSTRING_SPEC", ">10"),
        ("FSTRING_EXPR_END", "}"),
        ("FSTRING_TEXT", " { \n "),
        ("FSTRING_EXPR_START", "{"), ("NAME", "d"), ("ELVIS", "?:"), ("INT", 0),
        ("FSTRING_EXPR_END", "}"),
        ("FSTRING_TEXT", " }"),
        ("FSTRING_END", "'"),
    ]


def test_fstring_inner_strings_and_nesting():
    assert toks("""f"{d['k:v']}" """)[2:4] == [("NAME", "d"), ("LBRACKET", "[")]
    nested = toks("""f"{f'{x}'}" """)
    assert [t for t, _ in nested] == [
        "FSTRING_START", "FSTRING_EXPR_START", "FSTRING_START", "FSTRING_EXPR_START",
        "NAME", "FSTRING_EXPR_END", "FSTRING_END", "FSTRING_EXPR_END", "FSTRING_END"]


def test_fstring_dict_literal_braces_nest():
    assert [t for t, _ in toks('f"{ {a: 1}.len() }"')][1:5] == [
        "FSTRING_EXPR_START", "LBRACE", "NAME", "COLON"]


@pytest.mark.parametrize("text, reason, col", [
    ('f"{x"', "'{' in f-string is never closed with '}'", 3),
    ('f"{}"', "empty expression in f-string", 3),
    ('f"{ }"', "empty expression in f-string", 3),
    ('f"{x:zz}"', "invalid format spec 'zz'", 6),
    ('f"{(x}"', "mismatched '}' in f-string expression", 6),
    ('f"{x)}"', "unmatched ')' in f-string expression", 5),
    (r'f"{a\"b}"', "backslashes are not allowed inside f-string braces", 5),
    ("f\"{d['k}\"", "unterminated string in f-string expression", 6),
    ('f"abc', "unterminated f-string", 1),
    ('f"""x"""', "triple-quoted f-strings are not supported", 1),
    ('f"{1 ! 2}"', "invalid character '!'; Quest writes 'not x' and 'a != b'", 6),
])
def test_bad_fstrings(text, reason, col):
    err = lex_error(text)
    assert (err.reason, err.line, err.col) == (reason, 1, col)


def test_keywords_are_whole_words():
    assert toks("nil_value format endpoint index true_flag total if") == [
        ("NAME", "nil_value"), ("NAME", "format"), ("NAME", "endpoint"), ("NAME", "index"),
        ("NAME", "true_flag"), ("NAME", "total"), ("IF", "if")]


def test_every_keyword():
    words = ("if elif else end fun type trait impl with return and or not true false nil "
             "use let del as for in to until step while match try catch ensure raise const "
             "break continue pub await").split()
    assert toks(" ".join(words)) == [(w.upper(), w) for w in words]


def test_async_and_static_are_names_to_the_lexer():
    assert toks("async static") == [("NAME", "async"), ("NAME", "static")]


def test_operators_longest_first():
    text = "** *= * += + -> -= - /= / %= % .. . == = != <= << < >= >> > ?: ? & | ^ ~ ( ) [ 1 ] [] { } , : ; @"
    assert [v for _, v in toks(text)] == [1 if w == "1" else w for w in text.split()]


def test_empty_brackets_are_one_token_even_across_lines():
    assert toks("[ \n ]") == [("EMPTY_BRACKETS", "[ \n ]")]
    assert toks("[1]")[0] == ("LBRACKET", "[")


def test_comments_and_whitespace():
    assert toks("# hello\nx # trailing\r\n\t y #") == [("NAME", "x"), ("NAME", "y")]
    assert toks('"#not a comment"') == [("STRING", "#not a comment")]


def test_token_positions():
    src = Source('\nlet  x = "a\\"b"\n  f"{y}" 0xFF\n', "t.q")
    got = [(t.type, t.lineno, src.position(t.index), t.end - t.index) for t in tokenize(src)]
    assert got == [
        ("LET", 2, (2, 1), 3),
        ("NAME", 2, (2, 6), 1),
        ("ASSIGN", 2, (2, 8), 1),
        ("STRING", 2, (2, 10), 6),
        ("FSTRING_START", 3, (3, 3), 2),
        ("FSTRING_EXPR_START", 3, (3, 5), 1),
        ("NAME", 3, (3, 6), 1),
        ("FSTRING_EXPR_END", 3, (3, 7), 1),
        ("FSTRING_END", 3, (3, 8), 1),
        ("INT", 3, (3, 10), 4),
    ]


def test_multiline_token_line_numbers():
    src = Source('"""a\nb\nc""" x', "t.q")
    got = [(t.type, t.lineno) for t in tokenize(src)]
    assert got == [("STRING", 1), ("NAME", 3)]


@pytest.mark.parametrize("text, reason", [
    ("x!", "invalid character '!'; Quest writes 'not x' and 'a != b'"),
    ("a $ b", "invalid character '$'"),
    ("café", "invalid character 'é'"),
    ("a\fb", "invalid character U+000C"),
])
def test_invalid_characters(text, reason):
    assert lex_error(text).reason == reason
