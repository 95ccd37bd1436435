"""The Quest lexer: source text to tokens.

`tokenize(source)` yields SLY tokens with ``type``, ``value``, ``lineno`` and
``index``/``end`` (character offsets into the source; `Source.position` turns
them into line and column).  Newlines are ordinary whitespace (LANGUAGE.md §1).

Literal tokens carry their Python value: INT/BIGINT an int, FLOAT a float,
STRING a str with escapes processed, BYTES a bytes.  An f-string is expanded
into parts, so the parser sees the embedded expressions as ordinary tokens::

    FSTRING_START  FSTRING_TEXT  FSTRING_EXPR_START <tokens>
    [FSTRING_SPEC] FSTRING_EXPR_END ... FSTRING_END

Words that are keywords become keyword tokens (``NAME['if'] = IF``).  The few
contextual words (``async``, ``static``) and position-dependent forms are
settled later by `trioquest.tokens`, which sees the next token.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from sly import Lexer
from sly.lex import Token

from .errors import IncompleteInputError, QuestSyntaxError
from .source import Source

# Quest's Int is unbounded (LANGUAGE.md §4.2), so converting one to text or
# text to one works at any size: CPython's 4,300-digit limit on int <-> str
# conversions is lifted, once, here, where every Quest program starts (each is
# lexed first).  The process-wide cost: a conversion is quadratic in its digits.
sys.set_int_max_str_digits(0)

KEYWORDS = (
    "if elif else end fun type trait impl with return and or not true false nil "
    "use let del as for in to until step while match try catch ensure raise const "
    "break continue pub await"
).split()

_TEXT_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
_TEXT_ESCAPE_RE = re.compile(r"\\(.)", re.S)
_BYTES_RUN = re.compile(r"[\x00-\x5b\x5d-\x7f]+")   # ASCII but the backslash
_BYTES_ESCAPES = {"n": 10, "r": 13, "t": 9, "0": 0, "\\": 92, '"': 34, "'": 39}

_DIGITS = {"x": "0-9a-fA-F", "b": "01", "o": "0-7"}
_BASE = {"x": 16, "b": 2, "o": 8}
_BASE_NAME = {"x": "hexadecimal", "b": "binary", "o": "octal"}
_DECIMAL_RE = re.compile(
    r"(?P<int>\d+(?:_\d+)*)(?P<frac>\.\d+(?:_\d+)*)?(?P<exp>[eE][+-]?\d+(?:_\d+)*)?(?P<suffix>[nN]?)"
)

# A format spec after ':' in an f-string (LANGUAGE.md §9.4, plus f/d/s/%).
FORMAT_SPEC_RE = re.compile(r"(?:.?[<>^])?[+ ]?#?0?\d*(?:\.\d+)?[xXboeEfds%]?", re.S)


def unescape_text(body: str) -> str:
    """Process the escapes of a text string; an unknown ``\\c`` stays as two characters."""
    if "\\" not in body:
        return body
    return _TEXT_ESCAPE_RE.sub(lambda m: _TEXT_ESCAPES.get(m.group(1), m.group(0)), body)


def _remap_keywords(name_rule) -> None:
    """``NAME['if'] = IF`` for every keyword (called inside the lexer class body)."""
    for word in KEYWORDS:
        name_rule[word] = word.upper()


class QuestLexer(Lexer):
    tokens = {
        NAME, INT, STRING, FSTRING, BYTES,
        POW, TIMESEQ, TIMES, PLUSEQ, PLUS, ARROW, MINUSEQ, MINUS, DIVEQ, DIVIDE,
        MODEQ, MOD, CONCAT, DOT, EQ, ASSIGN, NE, LE, LSHIFT, LT, GE, RSHIFT, GT,
        ELVIS, QUESTION, AMP, PIPE, CARET, TILDE, LPAREN, RPAREN, LBRACKET,
        RBRACKET, EMPTY_BRACKETS, LBRACE, RBRACE, COMMA, COLON, SEMI, AT,
        IF, ELIF, ELSE, END, FUN, TYPE, TRAIT, IMPL, WITH, RETURN, AND, OR, NOT,
        TRUE, FALSE, NIL, USE, LET, DEL, AS, FOR, IN, TO, UNTIL, STEP, WHILE,
        MATCH, TRY, CATCH, ENSURE, RAISE, CONST, BREAK, CONTINUE, PUB, AWAIT,
    }
    ignore = " \t\r\n"
    ignore_comment = r"\#[^\n]*"

    # Strings come before NAME so that the f/b prefixes win.  Each pattern ends
    # with an alternative that only matches a broken literal, to report it.
    # The body of a one-line literal is "unrolled" with possessive repeats
    # (runs of plain characters, then an escape and another run): `re` keeps
    # no backtracking state per character, so a 5 MB literal lexes in linear
    # time and memory (a repeated alternation `(?:[^"\\]|\\.)*` kept ~250
    # bytes per character).
    @_(r'f"""|f\'\'\'|f"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|f\'[^\'\\\n]*+(?:\\.[^\'\\\n]*+)*+\'|f["\']')
    def FSTRING(self, t):
        if t.value in ('f"""', "f'''"):
            self._fail(t, "triple-quoted f-strings are not supported")
        if len(t.value) < 3 or t.value[-1] != t.value[1]:
            self._fail(t, "unterminated f-string", width=1)
        return t

    @_(r'[bB]"""|[bB]\'\'\'|[bB]"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|[bB]\'[^\'\\\n]*+(?:\\.[^\'\\\n]*+)*+\'|[bB]["\']')
    def BYTES(self, t):
        raw = t.value
        if raw[1:] in ('"""', "'''"):
            self._fail(t, "triple-quoted bytes literals are not supported")
        if len(raw) < 3 or raw[-1] != raw[1]:
            self._fail(t, "unterminated bytes literal", width=1)
        t.value = self._bytes_value(t, raw[2:-1])
        return t

    @_(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"""|\'\'\'|"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|\'[^\'\\\n]*+(?:\\.[^\'\\\n]*+)*+\'|["\']')
    def STRING(self, t):
        raw = t.value
        if raw in ('"""', "'''"):
            raise self._error(IncompleteInputError, t.index, "unterminated triple-quoted string", 3)
        if raw[:3] in ('"""', "'''") and len(raw) >= 6:
            t.value = raw[3:-3]  # triple-quoted strings are raw
        elif len(raw) >= 2 and raw[-1] == raw[0]:
            t.value = unescape_text(raw[1:-1])
        else:
            self._fail(t, "unterminated string literal", width=1)
        return t

    # Numbers: match generously, then validate, for clear messages on 0xZZ, 1_, 12abc.
    @_(r"0[xXbBoO]\w*|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?\w*")
    def INT(self, t):
        text = t.value
        if len(text) > 1 and text[0] == "0" and text[1] in "xXbBoO":
            base = text[1].lower()
            body, big = (text[2:-1], True) if text[-1:] in "nN" else (text[2:], False)
            digits = _DIGITS[base]
            if not re.fullmatch(f"[{digits}]+(?:_[{digits}]+)*", body):
                self._fail(t, f"invalid {_BASE_NAME[base]} literal '{text}'")
            t.value = int(body.replace("_", ""), _BASE[base])
            t.type = "BIGINT" if big else "INT"
            return t
        m = _DECIMAL_RE.fullmatch(text)
        if not m:
            self._fail(t, f"invalid number literal '{text}'")
        if m.group("frac") or m.group("exp"):
            if m.group("suffix"):
                self._fail(t, f"invalid number literal '{text}': only integers take the n suffix")
            t.value = float(text.replace("_", ""))
            t.type = "FLOAT"
        else:
            t.value = int(m.group("int").replace("_", ""))
            t.type = "BIGINT" if m.group("suffix") else "INT"
        return t

    NAME = r"[A-Za-z_][A-Za-z0-9_]*"
    _remap_keywords(NAME)

    # Longer operators before their prefixes.
    POW = r"\*\*"
    TIMESEQ = r"\*="
    TIMES = r"\*"
    PLUSEQ = r"\+="
    PLUS = r"\+"
    ARROW = r"->"
    MINUSEQ = r"-="
    MINUS = r"-"
    DIVEQ = r"/="
    DIVIDE = r"/"
    MODEQ = r"%="
    MOD = r"%"
    CONCAT = r"\.\."
    DOT = r"\."
    EQ = r"=="
    ASSIGN = r"="
    NE = r"!="
    LE = r"<="
    LSHIFT = r"<<"
    LT = r"<"
    GE = r">="
    RSHIFT = r">>"
    GT = r">"
    ELVIS = r"\?:"
    QUESTION = r"\?"
    AMP = r"&"
    PIPE = r"\|"
    CARET = r"\^"
    TILDE = r"~"
    LPAREN = r"\("
    RPAREN = r"\)"
    # `[]` is one token: an empty array is never an index, so `f()\n[]` is two
    # statements, as in the reference's backtracking parser.
    EMPTY_BRACKETS = r"\[[ \t\r\n]*\]"
    LBRACKET = r"\["
    RBRACKET = r"\]"
    LBRACE = r"\{"
    RBRACE = r"\}"
    COMMA = r","
    COLON = r":"
    SEMI = r";"
    AT = r"@"

    def __init__(self, source: Source, base: int = 0) -> None:
        self.source = source
        self.base = base  # offset of the lexed text inside source.text

    def error(self, t):
        ch = t.value[0]
        hint = {
            "!": "; Quest writes 'not x' and 'a != b'",
            "$": "",
            "`": "",
        }.get(ch, "")
        what = f"character {ch!r}" if ch.isprintable() else f"character U+{ord(ch):04X}"
        raise self._error(QuestSyntaxError, self.index, f"invalid {what}{hint}", 1)

    def _fail(self, t, reason: str, width: int | None = None):
        raise self._error(QuestSyntaxError, t.index, reason, width or len(t.value))

    def _error(self, cls, index: int, reason: str, width: int):
        return cls.at(self.source, self.base + index, reason, width)

    def _bytes_value(self, t, body: str) -> bytes:
        out = bytearray()
        i = 0
        while i < len(body):
            run = _BYTES_RUN.match(body, i)   # characters up to the next escape, at once
            if run is not None:
                out += run.group().encode("ascii")
                i = run.end()
                continue
            ch = body[i]
            if ch == "\\":
                nxt = body[i + 1]
                if nxt == "x":
                    digits = body[i + 2 : i + 4]
                    if not re.fullmatch(r"[0-9a-fA-F]{2}", digits):
                        raise self._error(
                            QuestSyntaxError, t.index + 2 + i,
                            "invalid \\x escape in bytes literal: two hex digits expected", 2,
                        )
                    out.append(int(digits, 16))
                    i += 4
                    continue
                if nxt not in _BYTES_ESCAPES:
                    raise self._error(
                        QuestSyntaxError, t.index + 2 + i,
                        f"invalid escape '\\{nxt}' in bytes literal", 2,
                    )
                out.append(_BYTES_ESCAPES[nxt])
                i += 2
                continue
            if ord(ch) > 127:
                raise self._error(
                    QuestSyntaxError, t.index + 2 + i,
                    "bytes literals may only contain ASCII characters; use \\xHH", 1,
                )
            out.append(ord(ch))
            i += 1
        return bytes(out)


def tokenize(source: Source) -> Iterator[Token]:
    """Yield the tokens of `source` with line numbers; f-strings expanded."""
    starts = source.line_starts
    nlines = len(starts)
    line = 1
    for tok in QuestLexer(source).tokenize(source.text):
        index = tok.index
        while line < nlines and starts[line] <= index:
            line += 1
        tok.lineno = line
        if tok.type == "FSTRING":
            yield from _expand_fstring(source, tok)
        else:
            yield tok


def _make(type_: str, value, lineno: int, index: int, end: int) -> Token:
    tok = Token()
    tok.type = type_
    tok.value = value
    tok.lineno = lineno
    tok.index = index
    tok.end = end
    return tok


def _expand_fstring(source: Source, tok: Token) -> Iterator[Token]:
    """Split an f-string token into text parts and embedded expression tokens."""
    raw = tok.value
    quote = raw[1]
    body_start = tok.index + 2
    body = raw[2:-1]
    line = tok.lineno
    yield _make("FSTRING_START", "f" + quote, line, tok.index, body_start)
    text: list[str] = []
    text_start = body_start
    i = 0
    n = len(body)

    def flush(upto: int):
        if text:
            value = unescape_text("".join(text))
            text.clear()
            return _make("FSTRING_TEXT", value, line, text_start, body_start + upto)
        return None

    while i < n:
        run = _PLAIN_RUN.match(body, i)
        if run is not None:   # text up to the next brace, in one piece
            text.append(run.group())
            i = run.end()
            continue
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            text.append(body[i : i + 2] if body[i + 1] in _TEXT_ESCAPES else ch)
            i += 2 if body[i + 1] in _TEXT_ESCAPES else 1
            continue
        if ch == "{" and body[i + 1 : i + 2] == "{":
            text.append("{")
            i += 2
            continue
        if ch != "{":
            text.append(ch)
            i += 1
            continue
        part = flush(i)
        if part is not None:
            yield part
        close, colon = _find_interpolation_end(source, body, i, body_start)
        expr_end = colon if colon is not None else close
        expr_text = body[i + 1 : expr_end]
        if not expr_text.strip():
            raise QuestSyntaxError.at(source, body_start + i, "empty expression in f-string", 2)
        yield _make("FSTRING_EXPR_START", "{", line, body_start + i, body_start + i + 1)
        base = body_start + i + 1
        for sub in QuestLexer(source, base).tokenize(expr_text):
            sub.index += base
            sub.end += base
            sub.lineno = line
            if sub.type == "FSTRING":
                yield from _expand_fstring(source, sub)
            else:
                yield sub
        if colon is not None:
            spec = body[colon + 1 : close]
            if not FORMAT_SPEC_RE.fullmatch(spec):
                raise QuestSyntaxError.at(
                    source, body_start + colon + 1, f"invalid format spec '{spec}'", max(1, len(spec))
                )
            yield _make("FSTRING_SPEC", spec, line, body_start + colon + 1, body_start + close)
        yield _make("FSTRING_EXPR_END", "}", line, body_start + close, body_start + close + 1)
        i = close + 1
        text_start = body_start + i
    part = flush(n)
    if part is not None:
        yield part
    yield _make("FSTRING_END", quote, line, tok.end - 1, tok.end)


_OPENERS = {"(": ")", "[": "]", "{": "}"}
# Text of an f-string up to the next brace, escapes included (they are
# processed by unescape_text); a backslash before a brace is left to the loop.
_PLAIN_RUN = re.compile(r"(?:[^\\{]++|\\[ntr\\\\\"']|\\(?!\{))++")


def _find_interpolation_end(source: Source, body: str, start: int, body_start: int):
    """Index of the '}' closing the '{' at `start`, and of a spec ':' (or None)."""
    stack: list[str] = []
    colon = None
    i = start + 1
    n = len(body)
    while i < n:
        ch = body[i]
        if colon is not None:  # inside the spec: it runs to the next '}'
            if ch == "}":
                return i, colon
            i += 1
            continue
        if ch in "\"'":
            j = body.find(ch, i + 1)
            if j < 0:
                raise QuestSyntaxError.at(source, body_start + i, "unterminated string in f-string expression", 1)
            i = j + 1
            continue
        if ch == "\\":
            raise QuestSyntaxError.at(
                source, body_start + i, "backslashes are not allowed inside f-string braces", 1
            )
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in ")]}":
            if not stack:
                if ch == "}":
                    return i, colon
                raise QuestSyntaxError.at(source, body_start + i, f"unmatched '{ch}' in f-string expression", 1)
            if stack.pop() != ch:
                raise QuestSyntaxError.at(source, body_start + i, f"mismatched '{ch}' in f-string expression", 1)
        elif ch == ":" and not stack and colon is None and body[i - 1] != "?":
            colon = i
        i += 1
    raise QuestSyntaxError.at(source, body_start + start, "'{' in f-string is never closed with '}'", 1)

