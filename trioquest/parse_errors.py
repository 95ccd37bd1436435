"""Syntax error reports for the Quest parser.

`SyntaxErrorReporting` is mixed into `QuestParser`: SLY calls its ``error``
method on an unexpected token, and grammar actions call ``_fail`` for input
that parses but is wrong (``f() = 1``).  Reports say what was found, what was
expected when that is short enough to help, and give advice for a few common
mistakes; input that ends inside an open block or bracket raises
`IncompleteInputError` pointing at what is still open.
"""

from __future__ import annotations

from . import nodes as n
from .errors import IncompleteInputError, QuestSyntaxError
from .tokens import EXPR_START

_OPENERS_NEEDING_END = {
    "IF": "if", "WHILE": "while", "FOR": "for", "FUN": "fun", "fun_head": "fun",
    "TYPE": "type", "TRAIT": "trait", "TRY": "try", "MATCH": "match", "WITH": "with",
    "IMPL": "impl",
}
_FSTRING_WORDS = {
    "FSTRING_START": "f-string", "FSTRING_TEXT": "f-string text",
    "FSTRING_SPEC": "format spec", "FSTRING_END": "end of f-string",
}
_CLOSERS = {
    "END": "there is no open block for it to close",
    "ELSE": "'else' belongs to an 'if' or 'match' block",
    "ELIF": "'elif' belongs to an 'if' block",
    "CATCH": "'catch' belongs to a 'try' block",
    "ENSURE": "'ensure' belongs to a 'try' block",
}
_BRACKETS = {"LPAREN": ("(", ")"), "LBRACKET": ("[", "]"), "LBRACE": ("{", "}")}
# Tokens that never occur inside brackets: met while one is open, the bracket
# is what was left unclosed.
_NOT_IN_BRACKETS = frozenset(
    "END ELSE ELIF CATCH ENSURE LET CONST RETURN RETURN_BARE BREAK CONTINUE WHILE FOR IF "
    "MATCH TRY USE PUB DEL RAISE RAISE_BARE TYPE TRAIT IMPL DOC_PERCENT STATIC AT WITH IN "
    "FUN ASYNC".split())
_CLOSING_BRACKETS = {"RPAREN": "LPAREN", "RBRACKET": "LBRACKET", "RBRACE": "LBRACE"}

_TOKEN_TEXT = {
    "NAME": "a name", "INT": "a number", "FLOAT": "a number", "BIGINT": "a number",
    "STRING": "a string", "BYTES": "a bytes literal", "FSTRING_START": "an f-string",
    "FSTRING_SPEC": "a format spec", "FSTRING_EXPR_END": "'}'", "FSTRING_END": "end of f-string",
    "$end": "end of input", "RETURN_BARE": "'return'", "RAISE_BARE": "'raise'",
    "DOC_PERCENT": "'%'",
}
_TOKEN_TEXT.update({name: f"'{text}'" for name, text in {
    "POW": "**", "TIMESEQ": "*=", "TIMES": "*", "PLUSEQ": "+=", "PLUS": "+", "ARROW": "->",
    "MINUSEQ": "-=", "MINUS": "-", "DIVEQ": "/=", "DIVIDE": "/", "MODEQ": "%=", "MOD": "%",
    "CONCAT": "..", "DOT": ".", "EQ": "==", "ASSIGN": "=", "NE": "!=", "LE": "<=",
    "LSHIFT": "<<", "LT": "<", "GE": ">=", "RSHIFT": ">>", "GT": ">", "ELVIS": "?:",
    "QUESTION": "?", "AMP": "&", "PIPE": "|", "CARET": "^", "TILDE": "~", "LPAREN": "(",
    "RPAREN": ")", "LBRACKET": "[", "RBRACKET": "]", "EMPTY_BRACKETS": "[]", "LBRACE": "{", "RBRACE": "}",
    "COMMA": ",", "COLON": ":", "SEMI": ";", "AT": "@", "ASYNC": "async", "STATIC": "static",
}.items()})


class SyntaxErrorReporting:
    """Error reporting for a SLY parser with ``self.source`` (a `Source`)."""

    def _fail(self, reason: str, where) -> None:
        """Raise a syntax error at a node or token."""
        if isinstance(where, n.Node):
            line, col = where.line, where.col
            width = where.end_col - where.col if where.end_line == where.line else 1
        else:
            raise QuestSyntaxError.at(self.source, where.index, reason, where.end - where.index)
        raise QuestSyntaxError(
            reason, self.source.filename, line, col,
            width=width, source_line=self.source.line_text(line),
        )

    def error(self, tok):
        if tok is None:
            self._fail_at_end()
        opener = self._innermost_opener()
        if opener is not None and opener[0].type in _BRACKETS and \
                tok.lineno > opener[0].lineno and \
                (tok.type in _NOT_IN_BRACKETS or not self._closed_later(opener[0], tok)):
            self._fail_unclosed(opener, tok)
        reason = f"unexpected {self._describe(tok)}"
        expected = self._expected()
        hint = self._hint(tok)
        if hint:
            reason += f"; {hint}"
        elif expected:
            reason += f", expected {_join_or(expected)}"
        reason += self._newline_index_hint()
        err = QuestSyntaxError.at(self.source, tok.index, reason, tok.end - tok.index)
        err.expected = expected
        raise err

    def _fail_unclosed(self, opener, tok):
        """A token on a later line than an open bracket that cannot be in it
        (a statement word), or after which nothing closes it: report the
        bracket, at itself (the token is where the reader noticed)."""
        sym, word, closer = opener
        line = self.source.line_of(tok.index)
        reason = (f"'{word}' is never closed: expected '{closer}' before "
                  f"{self._describe(tok)} on line {line}{self._newline_index_hint()}")
        raise QuestSyntaxError.at(self.source, sym.index, reason, 1)

    def _closed_later(self, bracket, tok) -> bool:
        """Whether the rest of the input, from `tok` on, closes `bracket`
        (then `tok` is a mistake inside the brackets, not a missing closer)."""
        from .lexer import QuestLexer

        closer = {"LPAREN": "RPAREN", "LBRACKET": "RBRACKET", "LBRACE": "RBRACE"}[bracket.type]
        depth = 1
        try:
            for t in QuestLexer(self.source).tokenize(self.source.text, index=tok.index):
                if t.type == bracket.type:
                    depth += 1
                elif t.type == closer:
                    depth -= 1
                    if not depth:
                        return True
        except QuestSyntaxError:
            return True   # unknown: report the token itself
        return False

    def _newline_index_hint(self) -> str:
        """When the innermost open bracket is an index whose `[` starts a line:
        say that the line continues the one before (LANGUAGE.md §1)."""
        stack = self.symstack
        depth = 0
        for i in range(len(stack) - 1, 0, -1):
            kind = stack[i].type
            if kind in _CLOSING_BRACKETS:
                depth += 1
            elif kind in _BRACKETS:
                if depth:
                    depth -= 1
                    continue
                if kind != "LBRACKET" or stack[i - 1].type != "opexpr":
                    return ""
                index = stack[i].index
                text = self.source.text
                start = text.rfind("\n", 0, index) + 1
                if text[start:index].strip() or start == 0:
                    return ""
                before = getattr(stack[i - 1].value, "end_line", None) or \
                    self.source.line_of(start - 1)
                line = self.source.line_of(index)
                return f"; line {line} starts with '[', so it continues line {before} as an index"
        return ""

    def _hint(self, tok) -> str:
        """Advice for mistakes people make coming from other languages."""
        top = self.symstack[-1].type if self.symstack else None
        kind = tok.type
        if kind == "ASSIGN" and top in ("expr", "opexpr"):
            return "to compare, write '=='"
        if kind == "AMP" and top == "AMP":
            return "Quest writes 'a and b'"
        if kind == "PIPE" and top == "PIPE":
            return "Quest writes 'a or b'"
        if kind in _CLOSERS and self._innermost_opener() is None:
            return _CLOSERS[kind]
        return ""

    def _fail_at_end(self):
        opener = self._innermost_opener()
        if opener is not None:
            sym, word, closer = opener
            reason = f"'{word}' is never closed: expected '{closer}' before the end of the input"
            reason += self._newline_index_hint()
            raise IncompleteInputError.at(self.source, sym.index, reason, len(word))
        reason = "unexpected end of input"
        expected = self._expected()
        if expected:
            reason += f", expected {_join_or(expected)}"
        last = max(len(self.source.text.rstrip()) - 1, 0)
        raise IncompleteInputError.at(self.source, last, reason)

    def _innermost_opener(self):
        """The innermost block or bracket still open on the parser's stack."""
        stack = self.symstack
        closed = {"LPAREN": 0, "LBRACKET": 0, "LBRACE": 0}
        for i in range(len(stack) - 1, 0, -1):
            sym = stack[i]
            kind = sym.type
            if kind in _CLOSING_BRACKETS:
                closed[_CLOSING_BRACKETS[kind]] += 1
            elif kind in _BRACKETS:
                if closed[kind]:
                    closed[kind] -= 1
                else:
                    return (sym, *_BRACKETS[kind])
            elif kind in _OPENERS_NEEDING_END and getattr(sym, "index", None) is not None:
                previous = stack[i - 1].type
                if previous == "DOC_PERCENT" or previous == "trait_sigs":
                    continue  # `% fun f(...)` and trait signatures have no `end`
                return sym, _OPENERS_NEEDING_END[kind], "end"
        return None

    def _expected(self) -> tuple[str, ...]:
        names = set(self._lrtable.lr_action[self.state]) - {"error"}
        out = []
        if {"NAME", "INT", "STRING", "LPAREN"} <= names:
            names -= EXPR_START
            out.append("an expression")
        if len(names) + len(out) > 5:
            return ()
        out.extend(sorted(_token_text(t) for t in names))
        return tuple(out)

    def _describe(self, tok) -> str:
        text = self.source.text[tok.index : tok.end]
        if len(text) > 24:
            text = text[:21] + "..."
        kind = tok.type
        if kind == "NAME":
            return f"name '{text}'"
        if kind in ("INT", "FLOAT", "BIGINT"):
            return f"number {text}"
        if kind in ("STRING", "BYTES"):
            return f"string {text}"
        if kind in _FSTRING_WORDS:
            return _FSTRING_WORDS[kind]
        return f"'{text}'"


def _token_text(name: str) -> str:
    """How a token type is named in 'expected ...' lists."""
    return _TOKEN_TEXT.get(name) or f"'{name.lower()}'"


def _join_or(items) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]
