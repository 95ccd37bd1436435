"""A Pygments lexer for Quest (LANGUAGE.md §2), used by Rich to highlight
Quest source in the REPL and in reports.  It is registered as a Pygments
plugin (entry point ``pygments.lexers``), so ``pygmentize -l quest`` and
other Pygments users highlight ``.q`` files too.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

KEYWORDS = ("if", "elif", "else", "end", "fun", "type", "trait", "impl", "with", "return",
            "use", "let", "del", "as", "for", "in", "to", "until", "step", "while", "match",
            "try", "catch", "ensure", "raise", "const", "break", "continue", "pub", "async",
            "await", "static")
WORD_OPERATORS = ("and", "or", "not")
CONSTANTS = ("true", "false", "nil")
BUILTIN_TYPES = ("Int", "Float", "Str", "Bool", "Array", "Dict", "Bytes", "Uuid", "Num", "Obj",
                 "Nil", "Set", "Decimal", "BigInt")


class QuestLexer(RegexLexer):
    name = "Quest"
    aliases = ["quest", "q"]
    filenames = ["*.q"]
    mimetypes = ["text/x-quest"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r"(fun)(\s+)(self)(\.)([A-Za-z_]\w*)",
             bygroups(Keyword, Whitespace, Name.Builtin.Pseudo, Punctuation, Name.Function)),
            (r"(fun)(\s+)([A-Za-z_]\w*)", bygroups(Keyword, Whitespace, Name.Function)),
            (r"(type|trait)(\s+)([A-Za-z_]\w*)", bygroups(Keyword, Whitespace, Name.Class)),
            include("literals"),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(BUILTIN_TYPES, suffix=r"\b"), Name.Builtin),
            (r"self\b", Name.Builtin.Pseudo),
            (r"__(file|line|function)__\b", Name.Variable.Magic),
            (r"(\.)([A-Za-z_]\w*)", bygroups(Punctuation, Name.Attribute)),
            (r"@[A-Za-z_][\w.]*", Name.Decorator),
            (r"[A-Z]\w*", Name.Class),
            (r"[A-Za-z_]\w*", Name),
            (r"\*\*|\.\.|==|!=|<=|>=|<<|>>|->|\+=|-=|\*=|/=|%=|[-+*/%<>=&|^~?]", Operator),
            (r"[()\[\]{},:.;]", Punctuation),
            (r".", Text),
        ],
        "literals": [
            (r'"""', String, "triple-double"),
            (r"'''", String, "triple-single"),
            (r'[bB]"', String.Other, "bytes-double"),
            (r"[bB]'", String.Other, "bytes-single"),
            (r'f"', String.Interpol, "fstring-double"),
            (r"f'", String.Interpol, "fstring-single"),
            (r'"', String, "double"),
            (r"'", String, "single"),
            (r"0[xX][0-9A-Fa-f_]+[nN]?", Number.Hex),
            (r"0[bB][01_]+[nN]?", Number.Bin),
            (r"0[oO][0-7_]+[nN]?", Number.Oct),
            (r"\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d[\d_]*)?[nN]?", Number),
        ],
        "escapes": [(r"\\.", String.Escape)],
        "double": [include("escapes"), (r'[^"\\\n]+', String), (r'"', String, "#pop"),
                   (r"\n", Text, "#pop")],
        "single": [include("escapes"), (r"[^'\\\n]+", String), (r"'", String, "#pop"),
                   (r"\n", Text, "#pop")],
        "triple-double": [(r'"""', String, "#pop"), (r'[^"]+', String), (r'"', String)],
        "triple-single": [(r"'''", String, "#pop"), (r"[^']+", String), (r"'", String)],
        "bytes-double": [include("escapes"), (r'[^"\\\n]+', String.Other),
                         (r'"', String.Other, "#pop"), (r"\n", Text, "#pop")],
        "bytes-single": [include("escapes"), (r"[^'\\\n]+", String.Other),
                         (r"'", String.Other, "#pop"), (r"\n", Text, "#pop")],
        "interpolation": [(r"\{\{", String.Interpol), (r"\{", String.Interpol, "expression")],
        "expression": [(r"\}", String.Interpol, "#pop"), (r":[^}]*", String.Interpol),
                       include("root")],
        "fstring-double": [include("escapes"), include("interpolation"),
                           (r'[^"\\\n{]+', String.Interpol), (r'"', String.Interpol, "#pop"),
                           (r"\n", Text, "#pop")],
        "fstring-single": [include("escapes"), include("interpolation"),
                           (r"[^'\\\n{]+", String.Interpol), (r"'", String.Interpol, "#pop"),
                           (r"\n", Text, "#pop")],
    }
