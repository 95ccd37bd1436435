"""Contextual token refinement between the lexer and the parser.

A few Quest words and forms depend on the token that follows, which a regular
lexer cannot see and an LALR(1) grammar would turn into conflicts.  This pass
looks ahead one or two tokens and settles them:

* after ``.`` every word is a member name: ``e.type()``, ``range.end()``;
* ``async`` is a keyword (ASYNC) only before ``fun``, ``with`` or ``type``
  (LANGUAGE.md §15); elsewhere it is a name, so ``async.spawn`` works;
* ``static`` is a keyword (STATIC) only before ``fun`` or ``async fun``;
* ``%`` before ``fun``/``const``/``type``/``trait`` starts a documentation
  declaration (DOC_PERCENT) rather than a modulo;
* ``return`` takes a value only from the same line (RETURN), otherwise it
  is bare (RETURN_BARE) and the next line is a new statement (§3.1 Rec);
* ``raise`` takes a value whenever an expression follows, on any line, as the
  reference parses it (RAISE), otherwise it is bare (RAISE_BARE).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from sly.lex import Token

from .lexer import KEYWORDS

KEYWORD_TYPES = frozenset(word.upper() for word in KEYWORDS)

# Tokens that can begin an expression (the parser's test checks this against
# the grammar).  FUN only begins one as `fun (` (a lambda), and a contextual
# `async` only as `async fun (`: both are handled by `_starts_expression`.
EXPR_START = frozenset(
    "NAME INT FLOAT BIGINT STRING BYTES FSTRING_START TRUE FALSE NIL LPAREN "
    "LBRACKET EMPTY_BRACKETS LBRACE MINUS PLUS TILDE NOT AWAIT FUN ASYNC".split()
)

_ASYNC_FOLLOWERS = frozenset(("FUN", "WITH", "TYPE"))
_DOC_FOLLOWERS = frozenset(("FUN", "CONST", "TYPE", "TRAIT"))


def refine(tokens: Iterable[Token]) -> Iterator[Token]:
    """Yield `tokens` with the contextual words and forms settled."""
    source = iter(tokens)
    ahead: deque[Token] = deque()

    def peek(k: int) -> Token | None:
        while len(ahead) <= k:
            tok = next(source, None)
            if tok is None:
                return None
            ahead.append(tok)
        return ahead[k]

    previous = None
    while True:
        tok = ahead.popleft() if ahead else next(source, None)
        if tok is None:
            return
        kind = tok.type
        if previous == "DOT":
            if kind in KEYWORD_TYPES:
                tok.type = "NAME"
        elif kind == "NAME":
            word = tok.value
            if word == "async":
                nxt = peek(0)
                if nxt is not None and nxt.type in _ASYNC_FOLLOWERS:
                    tok.type = "ASYNC"
            elif word == "static":
                nxt = peek(0)
                if nxt is not None and (
                    nxt.type == "FUN" or (_is_word(nxt, "async") and _type_of(peek(1)) == "FUN")
                ):
                    tok.type = "STATIC"
        elif kind == "MOD":
            if _type_of(peek(0)) in _DOC_FOLLOWERS:
                tok.type = "DOC_PERCENT"
        elif kind == "RETURN":
            nxt = peek(0)
            if nxt is None or nxt.lineno != tok.lineno or not _starts_expression(peek):
                tok.type = "RETURN_BARE"
        elif kind == "RAISE":
            if not _starts_expression(peek):
                tok.type = "RAISE_BARE"
        previous = tok.type
        yield tok


def _type_of(tok: Token | None) -> str | None:
    return None if tok is None else tok.type


def _is_word(tok: Token | None, word: str) -> bool:
    return tok is not None and tok.type == "NAME" and tok.value == word


def _starts_expression(peek) -> bool:
    """Whether the upcoming raw tokens begin an expression (not a statement)."""
    nxt = peek(0)
    if nxt is None:
        return False
    if nxt.type == "FUN":
        return _type_of(peek(1)) == "LPAREN"
    if _is_word(nxt, "async"):
        follower = _type_of(peek(1))
        if follower == "FUN":
            return _type_of(peek(2)) == "LPAREN"
        return follower not in _ASYNC_FOLLOWERS
    return nxt.type in EXPR_START
