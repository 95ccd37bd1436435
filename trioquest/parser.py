"""The Quest parser: tokens to the AST of `trioquest.nodes` (SLY, LALR(1)).

Grammar (BNF; ``[x]`` optional, ``{x}`` repeated, UPPER = token).  There is no
statement separator: newlines are whitespace and every construct is parsed
greedily, as the reference does (LANGUAGE.md §1).  The token pass in
`trioquest.tokens` settles contextual words first (ASYNC, STATIC, DOC_PERCENT,
RETURN vs RETURN_BARE, RAISE vs RAISE_BARE, keywords after ``.``).

    program     : {stmt}
    stmt        : expr
                | expr ASSIGN expr                     target: name, a.b or a[i]
                | expr (PLUSEQ|MINUSEQ|TIMESEQ|DIVEQ|MODEQ) expr
                | expr COLON type [ASSIGN expr]        typed declaration (reserved)
                | [PUB] LET binding {COMMA binding}    binding: NAME [COLON type] ASSIGN expr
                | [PUB] CONST NAME ASSIGN expr
                | [PUB] fundef | [PUB] typedef | [PUB] traitdef
                | DEL NAME
                | IF expr {stmt} {ELIF expr {stmt}} [ELSE {stmt}] END
                | WHILE expr {stmt} END
                | FOR NAME [COMMA NAME] IN (expr | range) {stmt} END
                | MATCH expr {IN (expr {COMMA expr} | range) {stmt}} [ELSE {stmt}] END
                | TRY {stmt} {catch} [ENSURE {stmt}] END    (one catch or ensure at least)
                | RAISE expr | RAISE_BARE | RETURN expr | RETURN_BARE | BREAK | CONTINUE
                | [ASYNC] WITH expr [AS NAME] {COMMA expr [AS NAME]} {stmt} END
                | USE STRING [AS NAME] [LBRACE NAME [AS NAME] {COMMA NAME [AS NAME]} [COMMA] RBRACE]
                | DOC_PERCENT (FUN NAME LPAREN params RPAREN | CONST NAME | TYPE NAME | TRAIT NAME) STRING
                | IMPL dotted WITH dotted {COMMA dotted} LBRACE {member} RBRACE   (reserved)
    range       : expr (TO | UNTIL) expr [STEP expr]
    catch       : CATCH NAME COLON type {stmt}                 binds NAME, filters by type
                | CATCH dotted AS NAME {stmt}                  filters by type, binds NAME
                | CATCH dotted {stmt}       a dotted or Capitalised name is a type, else a binding
    fundef      : {decorator} [ASYNC] FUN NAME [LPAREN params RPAREN [ARROW type]] {stmt} END
    decorator   : AT dotted [LPAREN args RPAREN]
    params      : [param {COMMA param}]      normal params, then [*rest], then [**opts]
    param       : NAME [COLON type] [ASSIGN expr] | NAME COLON [MINUS] literal | (TIMES | POW) NAME [COLON type]
    typedef     : [ASYNC] TYPE NAME [STRING] {member} END
    member      : [PUB] field | fundef | STATIC fundef | [ASYNC] FUN NAME DOT NAME LPAREN params
                  RPAREN [ARROW type] {stmt} END | IMPL dotted {fundef} END
    field       : NAME [COLON type] [ASSIGN expr] | NAME ELVIS NAME    (legacy `int?: id`)
    traitdef    : TRAIT NAME [STRING] {[ASYNC] FUN NAME LPAREN params RPAREN [ARROW type]} END
    type        : dotted [LBRACE type {COMMA type} RBRACE | LBRACKET expr {COMMA expr} RBRACKET] {QUESTION}
    dotted      : NAME {DOT NAME}
    expr        : [ASYNC] FUN LPAREN params RPAREN {stmt} END      lambda, only as a whole expression
                | opexpr
    opexpr      : opexpr BINOP opexpr | (NOT | MINUS | PLUS | TILDE | AWAIT) opexpr
                | opexpr DOT NAME [LPAREN args RPAREN] | opexpr LBRACKET expr {COMMA expr} RBRACKET
                | opexpr LPAREN args RPAREN | atom
    atom        : NAME | INT | FLOAT | BIGINT | STRING | BYTES | TRUE | FALSE | NIL | fstring
                | LPAREN expr RPAREN | EMPTY_BRACKETS | LBRACKET expr {COMMA expr} {SEMI expr {COMMA expr}} RBRACKET
                | LBRACE [key COLON expr {COMMA key COLON expr}] RBRACE     key: NAME | STRING | fstring
    fstring     : FSTRING_START {FSTRING_TEXT | FSTRING_EXPR_START expr [FSTRING_SPEC] FSTRING_EXPR_END} FSTRING_END
    args        : [arg {COMMA arg}]          arg: expr | NAME COLON expr | TIMES expr | POW expr

Operator precedence, loosest first (§3.2 plus ``**`` and ``await``, §15):
``?:``, ``or``, ``and``, ``not``, ``|``, ``^``, ``&``, ``<< >>``,
``== != < <= > >=`` (left-associative chain), ``..``, ``+ -``, ``* / %``,
unary ``- + ~``, ``**`` (right), ``await``, then postfix ``.name`` and
``[...]``/``(...)``.

Audited conflicts (`EXPECTED_CONFLICTS`), all shift/reduce and all resolved by
shifting, which is the greedy reading of §1:

* an expression followed by ``-``, ``+``, ``(`` or ``[`` continues it rather
  than ending the statement: ``x = a\\n-1`` is ``a - 1``, ``foo\\n(bar)`` a call;
* ``fun name (`` opens a parameter list, not a parenthesised first statement
  of a parameterless function;
* a type followed by ``{`` or ``[`` takes type arguments/dimensions (``->
  Array{Str}``), not a dict/array literal starting the body;
* ``use "m" {`` opens a selective import list, not a dict literal statement.
"""

from __future__ import annotations


from sly import Parser

from . import nodes as n
from .lexer import tokenize
from .parse_errors import SyntaxErrorReporting
from .parse_tables import CachedTables
from .source import Source
from .tokens import refine

EXPECTED_CONFLICTS = 9  # pinned again in QuestParser.expected_shift_reduce

# Lowercase built-in type names: the legacy field syntax `str: name` uses
# them; anywhere else they are a mistake for the capitalised name.
LEGACY_TYPES = {
    "str": "Str", "int": "Int", "float": "Float", "num": "Num", "bool": "Bool",
    "array": "Array", "dict": "Dict", "bytes": "Bytes", "decimal": "Decimal",
    "bigint": "BigInt", "uuid": "Uuid", "obj": "Obj", "func": "Func",
}

class QuestParser(CachedTables, SyntaxErrorReporting, Parser):
    tokens = {
        "NAME", "INT", "FLOAT", "BIGINT", "STRING", "BYTES",
        "FSTRING_START", "FSTRING_TEXT", "FSTRING_EXPR_START", "FSTRING_SPEC",
        "FSTRING_EXPR_END", "FSTRING_END",
        "POW", "TIMESEQ", "TIMES", "PLUSEQ", "PLUS", "ARROW", "MINUSEQ", "MINUS",
        "DIVEQ", "DIVIDE", "MODEQ", "MOD", "CONCAT", "DOT", "EQ", "ASSIGN", "NE",
        "LE", "LSHIFT", "LT", "GE", "RSHIFT", "GT", "ELVIS", "QUESTION", "AMP",
        "PIPE", "CARET", "TILDE", "LPAREN", "RPAREN", "LBRACKET", "RBRACKET", "EMPTY_BRACKETS",
        "LBRACE", "RBRACE", "COMMA", "COLON", "SEMI", "AT",
        "IF", "ELIF", "ELSE", "END", "FUN", "TYPE", "TRAIT", "IMPL", "WITH",
        "RETURN", "RETURN_BARE", "AND", "OR", "NOT", "TRUE", "FALSE", "NIL", "USE",
        "LET", "DEL", "AS", "FOR", "IN", "TO", "UNTIL", "STEP", "WHILE", "MATCH",
        "TRY", "CATCH", "ENSURE", "RAISE", "RAISE_BARE", "CONST", "BREAK",
        "CONTINUE", "PUB", "AWAIT", "ASYNC", "STATIC", "DOC_PERCENT",
    }
    start = "program"
    expected_shift_reduce = 9  # EXPECTED_CONFLICTS (a module name is not visible here)
    expected_reduce_reduce = 0

    precedence = (
        ("left", "ELVIS"),
        ("left", "OR"),
        ("left", "AND"),
        ("right", "NOT"),
        ("left", "PIPE"),
        ("left", "CARET"),
        ("left", "AMP"),
        ("left", "LSHIFT", "RSHIFT"),
        ("left", "EQ", "NE", "LT", "LE", "GT", "GE"),
        ("left", "CONCAT"),
        ("left", "PLUS", "MINUS"),
        ("left", "TIMES", "DIVIDE", "MOD"),
        ("right", "UNARY"),
        ("right", "POW"),
        ("right", "AWAIT"),
        ("left", "DOT"),
        ("left", "LBRACKET", "LPAREN"),
    )

    def __init__(self, source: Source) -> None:
        self.source = source
        self._starts = source.line_starts

    # ------------------------------------------------------------------
    # Positions and errors
    # ------------------------------------------------------------------

    def _pos(self, p, first: int = 0, last: int = -1) -> dict:
        return self._span(p._slice[first : (None if last == -1 else last + 1)])

    def _span(self, symbols) -> dict:
        start = end = None
        line = 0
        for sym in symbols:
            index = getattr(sym, "index", None)
            if index is not None:
                start, line = index, sym.lineno
                break
        for sym in reversed(symbols):
            end = getattr(sym, "end", None)
            if end is not None:
                break
        starts = self._starts
        if start is None:
            return {"line": 1, "col": 1, "end_line": 1, "end_col": 1}
        end_line = self.source.line_of(end - 1) if end > start else line
        return {
            "line": line,
            "col": start - starts[line - 1] + 1,
            "end_line": end_line,
            "end_col": end - starts[end_line - 1] + 1,
        }

    def _target(self, node, verb: str):
        if isinstance(node, (n.Name, n.Attribute)) or (
            isinstance(node, n.Index) and not isinstance(node.index, tuple)
        ):
            return node
        self._fail(f"cannot {verb} {_what(node)}", node)

    def _type_name_check(self, ref: n.TypeRef) -> n.TypeRef:
        proper = LEGACY_TYPES.get(ref.name)
        if proper:
            self._fail(f"type names are capitalised: write '{proper}', not '{ref.name}'", ref)
        return ref

    # ------------------------------------------------------------------
    # Program and statement lists
    # ------------------------------------------------------------------

    @_("stmts")
    def program(self, p):
        body = tuple(p.stmts)
        if not body:
            return n.Program(body, line=1, col=1, end_line=1, end_col=1)
        first, last = body[0], body[-1]
        return n.Program(body, line=first.line, col=first.col,
                         end_line=last.end_line, end_col=last.end_col)

    @_("stmts stmt")
    def stmts(self, p):
        p.stmts.append(p.stmt)
        return p.stmts

    @_("")
    def stmts(self, p):
        return []

    # ------------------------------------------------------------------
    # Simple statements
    # ------------------------------------------------------------------

    @_("expr")
    def stmt(self, p):
        return n.ExprStmt(p.expr, **self._pos(p))

    @_("expr ASSIGN expr")
    def stmt(self, p):
        return n.Assign(self._target(p.expr0, "assign to"), p.expr1, **self._pos(p))

    @_("expr PLUSEQ expr", "expr MINUSEQ expr", "expr TIMESEQ expr", "expr DIVEQ expr",
       "expr MODEQ expr")
    def stmt(self, p):
        target = self._target(p.expr0, "assign to")
        return n.AugAssign(target, p[1][:-1], p.expr1, **self._pos(p))

    @_("expr COLON type_ann")
    def stmt(self, p):
        name = self._declared_name(p.expr)
        return n.TypedDecl(name, p.type_ann, None, **self._pos(p))

    @_("expr COLON type_ann ASSIGN expr")
    def stmt(self, p):
        name = self._declared_name(p.expr0)
        return n.TypedDecl(name, p.type_ann, p.expr1, **self._pos(p))

    def _declared_name(self, node) -> str:
        if not isinstance(node, n.Name):
            self._fail(f"cannot declare a type for {_what(node)}", node)
        return node.id

    @_("LET let_bindings")
    def stmt(self, p):
        return n.Let(tuple(p.let_bindings), **self._pos(p))

    @_("PUB LET let_bindings")
    def stmt(self, p):
        return n.Let(tuple(p.let_bindings), pub=True, **self._pos(p))

    @_("let_binding")
    def let_bindings(self, p):
        return [p.let_binding]

    @_("let_bindings COMMA let_binding")
    def let_bindings(self, p):
        p.let_bindings.append(p.let_binding)
        return p.let_bindings

    @_("NAME ASSIGN expr")
    def let_binding(self, p):
        return n.Binding(p.NAME, None, p.expr, **self._pos(p))

    @_("NAME COLON type_ann ASSIGN expr")
    def let_binding(self, p):
        return n.Binding(p.NAME, p.type_ann, p.expr, **self._pos(p))

    @_("CONST NAME ASSIGN expr")
    def stmt(self, p):
        return n.Const(p.NAME, p.expr, **self._pos(p))

    @_("PUB CONST NAME ASSIGN expr")
    def stmt(self, p):
        return n.Const(p.NAME, p.expr, pub=True, **self._pos(p))

    @_("PUB fundef", "PUB typedef", "PUB traitdef")
    def stmt(self, p):
        return n.replace(p[1], pub=True, **self._pos(p))

    @_("fundef", "typedef", "traitdef", "if_stmt", "while_stmt", "for_stmt", "match_stmt",
       "try_stmt", "with_stmt", "use_stmt", "impl_with")
    def stmt(self, p):
        return p[0]

    @_("DEL NAME")
    def stmt(self, p):
        return n.Del(p.NAME, **self._pos(p))

    @_("RAISE expr")
    def stmt(self, p):
        return n.Raise(p.expr, **self._pos(p))

    @_("RAISE_BARE")
    def stmt(self, p):
        return n.Raise(None, **self._pos(p))

    @_("RETURN expr")
    def stmt(self, p):
        return n.Return(p.expr, **self._pos(p))

    @_("RETURN_BARE")
    def stmt(self, p):
        return n.Return(None, **self._pos(p))

    @_("BREAK")
    def stmt(self, p):
        return n.Break(**self._pos(p))

    @_("CONTINUE")
    def stmt(self, p):
        return n.Continue(**self._pos(p))

    @_("DOC_PERCENT FUN NAME LPAREN params RPAREN STRING")
    def stmt(self, p):
        return n.DocDecl("fun", p.NAME, p.STRING, tuple(p.params), **self._pos(p))

    @_("DOC_PERCENT CONST NAME STRING", "DOC_PERCENT TYPE NAME STRING",
       "DOC_PERCENT TRAIT NAME STRING")
    def stmt(self, p):
        return n.DocDecl(p[1], p.NAME, p.STRING, **self._pos(p))

    # ------------------------------------------------------------------
    # Functions
    # ------------------------------------------------------------------

    @_("fun_decl")
    def fundef(self, p):
        return p.fun_decl

    @_("decorators fun_decl")
    def fundef(self, p):
        return n.replace(p.fun_decl, decorators=tuple(p.decorators), **self._pos(p))

    @_("decorator")
    def decorators(self, p):
        return [p.decorator]

    @_("decorators decorator")
    def decorators(self, p):
        p.decorators.append(p.decorator)
        return p.decorators

    @_("AT dotted")
    def decorator(self, p):
        return n.Decorator(tuple(p.dotted), None, **self._pos(p))

    @_("AT dotted LPAREN args RPAREN")
    def decorator(self, p):
        return n.Decorator(tuple(p.dotted), tuple(p.args), **self._pos(p))

    @_("FUN NAME")
    def fun_head(self, p):
        return p.NAME, False

    @_("ASYNC FUN NAME")
    def fun_head(self, p):
        return p.NAME, True

    @_("fun_head LPAREN params RPAREN ret_opt stmts END")
    def fun_decl(self, p):
        name, is_async = p.fun_head
        return n.FunDef(name, tuple(p.params), tuple(p.stmts), p.ret_opt,
                        is_async=is_async, **self._pos(p))

    @_("fun_head stmts END")
    def fun_decl(self, p):
        name, is_async = p.fun_head
        return n.FunDef(name, (), tuple(p.stmts), None, is_async=is_async,
                        has_parens=False, **self._pos(p))

    @_("ARROW type_ann")
    def ret_opt(self, p):
        return p.type_ann

    @_("")
    def ret_opt(self, p):
        return None

    @_("")
    def params(self, p):
        return []

    @_("param_list")
    def params(self, p):
        params = p.param_list
        seen: set[str] = set()
        stage = 0  # 0 normal, 1 after *rest, 2 after **opts
        for param in params:
            if param.name in seen:
                self._fail(f"duplicate parameter '{param.name}'", param)
            seen.add(param.name)
            if param.kind == "normal" and stage > 0:
                self._fail(f"parameter '{param.name}' must come before *rest and **opts", param)
            if param.kind == "star":
                if stage > 0:
                    self._fail("*rest must come once, before **opts", param)
                stage = 1
            elif param.kind == "starstar":
                if stage > 1:
                    self._fail("only one **opts parameter is allowed", param)
                stage = 2
        return params

    @_("param")
    def param_list(self, p):
        return [p.param]

    @_("param_list COMMA param")
    def param_list(self, p):
        p.param_list.append(p.param)
        return p.param_list

    @_("NAME")
    def param(self, p):
        return n.Param(p.NAME, **self._pos(p))

    @_("NAME COLON type_ann")
    def param(self, p):
        return n.Param(p.NAME, p.type_ann, **self._pos(p))

    @_("NAME ASSIGN expr")
    def param(self, p):
        return n.Param(p.NAME, None, p.expr, **self._pos(p))

    @_("NAME COLON type_ann ASSIGN expr")
    def param(self, p):
        return n.Param(p.NAME, p.type_ann, p.expr, **self._pos(p))

    @_("NAME COLON default_literal")
    def param(self, p):
        # `max_attempts: 3` (QEP-027 Example 3): a default in named-argument style.
        return n.Param(p.NAME, None, p.default_literal, **self._pos(p))

    @_("TIMES NAME", "POW NAME")
    def param(self, p):
        kind = "star" if p[0] == "*" else "starstar"
        return n.Param(p.NAME, None, None, kind, **self._pos(p))

    @_("TIMES NAME COLON type_ann", "POW NAME COLON type_ann")
    def param(self, p):
        kind = "star" if p[0] == "*" else "starstar"
        return n.Param(p.NAME, p.type_ann, None, kind, **self._pos(p))

    @_("INT", "FLOAT", "BIGINT", "STRING", "BYTES", "TRUE", "FALSE", "NIL")
    def literal(self, p):
        return self._literal(p)

    @_("literal")
    def default_literal(self, p):
        return p.literal

    @_("MINUS INT", "MINUS FLOAT")
    def default_literal(self, p):
        return n.UnaryOp("-", self._literal(p, 1), **self._pos(p))

    def _literal(self, p, i: int = 0):
        tok = p._slice[i]
        kind = tok.type
        pos = self._span((tok,))
        if kind == "INT":
            return n.Int(tok.value, **pos)
        if kind == "FLOAT":
            return n.Float(tok.value, **pos)
        if kind == "BIGINT":
            return n.BigInt(tok.value, **pos)
        if kind == "STRING":
            return n.Str(tok.value, **pos)
        if kind == "BYTES":
            return n.Bytes(tok.value, **pos)
        if kind == "NIL":
            return n.Nil(**pos)
        return n.Bool(kind == "TRUE", **pos)

    # ------------------------------------------------------------------
    # Types and traits
    # ------------------------------------------------------------------

    @_("TYPE NAME doc_opt members END")
    def typedef(self, p):
        return n.TypeDef(p.NAME, p.doc_opt, tuple(p.members), **self._pos(p))

    @_("ASYNC TYPE NAME doc_opt members END")
    def typedef(self, p):
        return n.TypeDef(p.NAME, p.doc_opt, tuple(p.members), is_async=True, **self._pos(p))

    @_("STRING")
    def doc_opt(self, p):
        return p.STRING

    @_("")
    def doc_opt(self, p):
        return None

    @_("members member")
    def members(self, p):
        p.members.append(p.member)
        return p.members

    @_("")
    def members(self, p):
        return []

    @_("field", "fundef", "static_fun", "impl_block")
    def member(self, p):
        return p[0]

    @_("PUB field")
    def member(self, p):
        return n.replace(p.field, pub=True, **self._pos(p))

    @_("NAME")
    def field(self, p):
        return n.Field(p.NAME, **self._pos(p))

    @_("NAME ASSIGN expr")
    def field(self, p):
        return n.Field(p.NAME, None, p.expr, **self._pos(p))

    @_("NAME COLON type_ann")
    def field(self, p):
        legacy = self._legacy_field(p.NAME, p.type_ann, False)
        if legacy is not None:
            return n.Field(legacy[0], legacy[1], optional=False, **self._pos(p))
        return n.Field(p.NAME, p.type_ann, optional=p.type_ann.optional, **self._pos(p))

    @_("NAME COLON type_ann ASSIGN expr")
    def field(self, p):
        return n.Field(p.NAME, p.type_ann, p.expr, optional=p.type_ann.optional, **self._pos(p))

    @_("NAME ELVIS NAME")
    def field(self, p):
        # `int?: id`: the lexer reads `?:` as one token.
        pos = self._span(p._slice[2:])
        legacy = self._legacy_field(p.NAME0, n.TypeRef(p.NAME1, **pos), True)
        if legacy is None:
            self._fail(
                f"expected a field: write '{p.NAME0}: Type?' for an optional field", p._slice[1]
            )
        return n.Field(legacy[0], legacy[1], optional=True, **self._pos(p))

    def _legacy_field(self, first: str, ref: n.TypeRef, optional: bool):
        """`str: name` / `int?: id` → ("name", TypeRef("Str")), else None."""
        proper = LEGACY_TYPES.get(first)
        if proper is None or ref.args or ref.dims is not None or "." in ref.name:
            return None
        if not (ref.name[:1].islower() or ref.name[:1] == "_"):
            return None
        tref = n.TypeRef(proper, optional=optional or ref.optional,
                         line=ref.line, col=ref.col, end_line=ref.end_line, end_col=ref.end_col)
        return ref.name, tref

    @_("STATIC fun_decl")
    def static_fun(self, p):
        return n.replace(p.fun_decl, is_static=True, **self._pos(p))

    @_("FUN NAME DOT NAME LPAREN params RPAREN ret_opt stmts END")
    def static_fun(self, p):
        return self._self_fun(p, False)

    @_("ASYNC FUN NAME DOT NAME LPAREN params RPAREN ret_opt stmts END")
    def static_fun(self, p):
        return self._self_fun(p, True)

    def _self_fun(self, p, is_async: bool):
        if p.NAME0 != "self":
            self._fail(f"static methods are written 'fun self.{p.NAME1}', not "
                       f"'fun {p.NAME0}.{p.NAME1}'", p._slice[2 if is_async else 1])
        return n.FunDef(p.NAME1, tuple(p.params), tuple(p.stmts), p.ret_opt,
                        is_async=is_async, is_static=True, **self._pos(p))

    @_("IMPL dotted impl_methods END")
    def impl_block(self, p):
        return n.Impl(".".join(p.dotted), tuple(p.impl_methods), **self._pos(p))

    @_("impl_methods fundef")
    def impl_methods(self, p):
        p.impl_methods.append(p.fundef)
        return p.impl_methods

    @_("")
    def impl_methods(self, p):
        return []

    @_("IMPL dotted WITH dotted_list LBRACE members RBRACE")
    def impl_with(self, p):
        traits = tuple(".".join(d) for d in p.dotted_list)
        return n.ImplWith(".".join(p.dotted), traits, tuple(p.members), **self._pos(p))

    @_("dotted")
    def dotted_list(self, p):
        return [p.dotted]

    @_("dotted_list COMMA dotted")
    def dotted_list(self, p):
        p.dotted_list.append(p.dotted)
        return p.dotted_list

    @_("TRAIT NAME doc_opt trait_sigs END")
    def traitdef(self, p):
        return n.TraitDef(p.NAME, p.doc_opt, tuple(p.trait_sigs), **self._pos(p))

    @_("trait_sigs trait_sig")
    def trait_sigs(self, p):
        p.trait_sigs.append(p.trait_sig)
        return p.trait_sigs

    @_("")
    def trait_sigs(self, p):
        return []

    @_("fun_head LPAREN params RPAREN ret_opt")
    def trait_sig(self, p):
        name, is_async = p.fun_head
        return n.MethodSig(name, tuple(p.params), p.ret_opt, is_async, **self._pos(p))

    @_("dotted")
    def type_ann(self, p):
        return self._type_name_check(n.TypeRef(".".join(p.dotted), **self._pos(p)))

    @_("dotted LBRACE type_list RBRACE")
    def type_ann(self, p):
        ref = n.TypeRef(".".join(p.dotted), tuple(p.type_list), **self._pos(p))
        return self._type_name_check(ref)

    @_("dotted LBRACKET expr_list RBRACKET")
    def type_ann(self, p):
        ref = n.TypeRef(".".join(p.dotted), (), tuple(p.expr_list), **self._pos(p))
        return self._type_name_check(ref)

    @_("type_ann QUESTION")
    def type_ann(self, p):
        return n.replace(p.type_ann, optional=True, **self._pos(p))

    @_("type_ann")
    def type_list(self, p):
        return [p.type_ann]

    @_("type_list COMMA type_ann")
    def type_list(self, p):
        p.type_list.append(p.type_ann)
        return p.type_list

    @_("NAME")
    def dotted(self, p):
        return [p.NAME]

    @_("dotted DOT NAME")
    def dotted(self, p):
        p.dotted.append(p.NAME)
        return p.dotted

    # ------------------------------------------------------------------
    # Compound statements
    # ------------------------------------------------------------------

    @_("IF expr stmts elifs else_opt END")
    def if_stmt(self, p):
        first = n.IfBranch(p.expr, tuple(p.stmts), **self._pos(p, 0, 2))
        return n.If((first, *p.elifs), p.else_opt, **self._pos(p))

    @_("elifs ELIF expr stmts")
    def elifs(self, p):
        p.elifs.append(n.IfBranch(p.expr, tuple(p.stmts), **self._pos(p, 1, 3)))
        return p.elifs

    @_("")
    def elifs(self, p):
        return []

    @_("ELSE stmts")
    def else_opt(self, p):
        return tuple(p.stmts)

    @_("")
    def else_opt(self, p):
        return None

    @_("WHILE expr stmts END")
    def while_stmt(self, p):
        return n.While(p.expr, tuple(p.stmts), **self._pos(p))

    @_("FOR NAME IN for_iter stmts END")
    def for_stmt(self, p):
        return n.For(p.NAME, None, p.for_iter, tuple(p.stmts), **self._pos(p))

    @_("FOR NAME COMMA NAME IN for_iter stmts END")
    def for_stmt(self, p):
        return n.For(p.NAME0, p.NAME1, p.for_iter, tuple(p.stmts), **self._pos(p))

    @_("expr", "range")
    def for_iter(self, p):
        return p[0]

    @_("expr TO expr step_opt", "expr UNTIL expr step_opt")
    def range(self, p):
        return n.Range(p.expr0, p.expr1, p[1] == "to", p.step_opt, **self._pos(p))

    @_("STEP expr")
    def step_opt(self, p):
        return p.expr

    @_("")
    def step_opt(self, p):
        return None

    @_("MATCH expr arms else_opt END")
    def match_stmt(self, p):
        return n.Match(p.expr, tuple(p.arms), p.else_opt, **self._pos(p))

    @_("arms arm")
    def arms(self, p):
        p.arms.append(p.arm)
        return p.arms

    @_("")
    def arms(self, p):
        return []

    @_("IN expr_list stmts", "IN range stmts")
    def arm(self, p):
        if not p.stmts:
            self._fail("a match arm needs at least one statement", p._slice[0])
        pattern = p[1] if isinstance(p[1], n.Range) else tuple(p[1])
        return n.MatchArm(pattern, tuple(p.stmts), **self._pos(p))

    @_("TRY stmts catches ensure_opt END")
    def try_stmt(self, p):
        if not p.catches and p.ensure_opt is None:
            self._fail("'try' needs at least one 'catch' or an 'ensure'", p._slice[0])
        return n.Try(tuple(p.stmts), tuple(p.catches), p.ensure_opt, **self._pos(p))

    @_("catches catch")
    def catches(self, p):
        p.catches.append(p.catch)
        return p.catches

    @_("")
    def catches(self, p):
        return []

    @_("CATCH dotted stmts")
    def catch(self, p):
        names = p.dotted
        if len(names) == 1 and not names[0][:1].isupper():
            return n.Catch(names[0], None, tuple(p.stmts), **self._pos(p))
        ref = n.TypeRef(".".join(names), **self._pos(p, 1, 1))
        return n.Catch(None, ref, tuple(p.stmts), **self._pos(p))

    @_("CATCH dotted AS NAME stmts")
    def catch(self, p):
        ref = n.TypeRef(".".join(p.dotted), **self._pos(p, 1, 1))
        return n.Catch(p.NAME, ref, tuple(p.stmts), **self._pos(p))

    @_("CATCH NAME COLON type_ann stmts")
    def catch(self, p):
        return n.Catch(p.NAME, p.type_ann, tuple(p.stmts), **self._pos(p))

    @_("ENSURE stmts")
    def ensure_opt(self, p):
        return tuple(p.stmts)

    @_("")
    def ensure_opt(self, p):
        return None

    @_("WITH with_items stmts END")
    def with_stmt(self, p):
        return n.With(tuple(p.with_items), tuple(p.stmts), **self._pos(p))

    @_("ASYNC WITH with_items stmts END")
    def with_stmt(self, p):
        return n.With(tuple(p.with_items), tuple(p.stmts), is_async=True, **self._pos(p))

    @_("with_item")
    def with_items(self, p):
        return [p.with_item]

    @_("with_items COMMA with_item")
    def with_items(self, p):
        p.with_items.append(p.with_item)
        return p.with_items

    @_("expr")
    def with_item(self, p):
        return n.WithItem(p.expr, None, **self._pos(p))

    @_("expr AS NAME")
    def with_item(self, p):
        return n.WithItem(p.expr, p.NAME, **self._pos(p))

    @_("USE STRING use_alias use_names")
    def use_stmt(self, p):
        return n.Use(p.STRING, p.use_alias, p.use_names, **self._pos(p))

    @_("AS NAME")
    def use_alias(self, p):
        return p.NAME

    @_("")
    def use_alias(self, p):
        return None

    @_("LBRACE import_list RBRACE", "LBRACE import_list COMMA RBRACE")
    def use_names(self, p):
        return tuple(p.import_list)

    @_("")
    def use_names(self, p):
        return None

    @_("import_name")
    def import_list(self, p):
        return [p.import_name]

    @_("import_list COMMA import_name")
    def import_list(self, p):
        p.import_list.append(p.import_name)
        return p.import_list

    @_("NAME")
    def import_name(self, p):
        return n.ImportName(p.NAME, None, **self._pos(p))

    @_("NAME AS NAME")
    def import_name(self, p):
        return n.ImportName(p.NAME0, p.NAME1, **self._pos(p))

    # ------------------------------------------------------------------
    # Expressions
    # ------------------------------------------------------------------

    @_("opexpr", "lambda_expr")
    def expr(self, p):
        return p[0]

    @_("FUN LPAREN params RPAREN stmts END")
    def lambda_expr(self, p):
        return n.Lambda(tuple(p.params), tuple(p.stmts), **self._pos(p))

    @_("ASYNC FUN LPAREN params RPAREN stmts END")
    def lambda_expr(self, p):
        return n.Lambda(tuple(p.params), tuple(p.stmts), True, **self._pos(p))

    @_("opexpr ELVIS opexpr", "opexpr OR opexpr", "opexpr AND opexpr")
    def opexpr(self, p):
        return n.BoolOp(p[1], p.opexpr0, p.opexpr1, **self._pos(p))

    @_("opexpr PIPE opexpr", "opexpr CARET opexpr", "opexpr AMP opexpr",
       "opexpr LSHIFT opexpr", "opexpr RSHIFT opexpr",
       "opexpr EQ opexpr", "opexpr NE opexpr", "opexpr LT opexpr", "opexpr LE opexpr",
       "opexpr GT opexpr", "opexpr GE opexpr", "opexpr CONCAT opexpr",
       "opexpr PLUS opexpr", "opexpr MINUS opexpr", "opexpr TIMES opexpr",
       "opexpr DIVIDE opexpr", "opexpr MOD opexpr", "opexpr POW opexpr")
    def opexpr(self, p):
        return n.BinOp(p[1], p.opexpr0, p.opexpr1, **self._pos(p))

    @_("NOT opexpr")
    def opexpr(self, p):
        return n.UnaryOp("not", p.opexpr, **self._pos(p))

    @_("MINUS opexpr %prec UNARY", "PLUS opexpr %prec UNARY", "TILDE opexpr %prec UNARY")
    def opexpr(self, p):
        return n.UnaryOp(p[0], p.opexpr, **self._pos(p))

    @_("AWAIT opexpr")
    def opexpr(self, p):
        return n.Await(p.opexpr, **self._pos(p))

    @_("opexpr DOT NAME")
    def opexpr(self, p):
        return n.Attribute(p.opexpr, p.NAME, **self._pos(p))

    @_("opexpr DOT NAME LPAREN args RPAREN")
    def opexpr(self, p):
        return n.MethodCall(p.opexpr, p.NAME, tuple(p.args), **self._pos(p))

    @_("opexpr LBRACKET expr RBRACKET")
    def opexpr(self, p):
        return n.Index(p.opexpr, p.expr, **self._pos(p))

    @_("opexpr LBRACKET expr COMMA expr_list RBRACKET")
    def opexpr(self, p):
        return n.Index(p.opexpr, (p.expr, *p.expr_list), **self._pos(p))

    @_("opexpr LPAREN args RPAREN")
    def opexpr(self, p):
        return n.Call(p.opexpr, tuple(p.args), **self._pos(p))

    @_("NAME")
    def opexpr(self, p):
        return n.Name(p.NAME, **self._pos(p))

    @_("literal", "fstring")
    def opexpr(self, p):
        return p[0]

    @_("LPAREN expr RPAREN")
    def opexpr(self, p):
        return p.expr

    @_("EMPTY_BRACKETS")
    def opexpr(self, p):
        return n.Array((), **self._pos(p))

    @_("LBRACKET array_rows RBRACKET")
    def opexpr(self, p):
        rows = p.array_rows
        if len(rows) == 1:
            return n.Array(tuple(rows[0]), **self._pos(p))
        return n.Array2D(tuple(tuple(row) for row in rows), **self._pos(p))

    @_("expr_list")
    def array_rows(self, p):
        return [p.expr_list]

    @_("array_rows SEMI expr_list")
    def array_rows(self, p):
        p.array_rows.append(p.expr_list)
        return p.array_rows

    @_("LBRACE RBRACE")
    def opexpr(self, p):
        return n.Dict((), **self._pos(p))

    @_("LBRACE dict_entries RBRACE")
    def opexpr(self, p):
        return n.Dict(tuple(p.dict_entries), **self._pos(p))

    @_("dict_entry")
    def dict_entries(self, p):
        return [p.dict_entry]

    @_("dict_entries COMMA dict_entry")
    def dict_entries(self, p):
        p.dict_entries.append(p.dict_entry)
        return p.dict_entries

    @_("NAME COLON expr", "STRING COLON expr")
    def dict_entry(self, p):
        key = n.Str(p[0], **self._pos(p, 0, 0))
        return n.DictEntry(key, p.expr, **self._pos(p))

    @_("fstring COLON expr")
    def dict_entry(self, p):
        return n.DictEntry(p.fstring, p.expr, **self._pos(p))

    @_("expr")
    def expr_list(self, p):
        return [p.expr]

    @_("expr_list COMMA expr")
    def expr_list(self, p):
        p.expr_list.append(p.expr)
        return p.expr_list

    @_("")
    def args(self, p):
        return []

    @_("arg_list")
    def args(self, p):
        return p.arg_list

    @_("arg")
    def arg_list(self, p):
        return [p.arg]

    @_("arg_list COMMA arg")
    def arg_list(self, p):
        p.arg_list.append(p.arg)
        return p.arg_list

    @_("expr")
    def arg(self, p):
        return n.Arg(p.expr, **self._pos(p))

    @_("NAME COLON expr")
    def arg(self, p):
        return n.Arg(p.expr, p.NAME, "named", **self._pos(p))

    @_("TIMES expr")
    def arg(self, p):
        return n.Arg(p.expr, None, "star", **self._pos(p))

    @_("POW expr")
    def arg(self, p):
        return n.Arg(p.expr, None, "starstar", **self._pos(p))

    @_("FSTRING_START fparts FSTRING_END")
    def fstring(self, p):
        return n.FString(tuple(p.fparts), **self._pos(p))

    @_("fparts fpart")
    def fparts(self, p):
        p.fparts.append(p.fpart)
        return p.fparts

    @_("")
    def fparts(self, p):
        return []

    @_("FSTRING_TEXT")
    def fpart(self, p):
        return n.Str(p.FSTRING_TEXT, **self._pos(p))

    @_("FSTRING_EXPR_START expr FSTRING_EXPR_END")
    def fpart(self, p):
        return n.FormattedValue(p.expr, None, **self._pos(p))

    @_("FSTRING_EXPR_START expr FSTRING_SPEC FSTRING_EXPR_END")
    def fpart(self, p):
        return n.FormattedValue(p.expr, p.FSTRING_SPEC, **self._pos(p))


def _what(node) -> str:
    """A short description of an expression node, for messages."""
    kind = type(node).__name__
    return {
        "Call": "a function call", "MethodCall": "a method call", "BinOp": "an operator expression",
        "BoolOp": "an operator expression", "UnaryOp": "an operator expression",
        "Lambda": "a function literal", "Await": "an await expression",
        "Index": "a multi-index expression",
    }.get(kind, "a literal")


def parse(text: str, filename: str = "<input>") -> n.Program:
    """Parse a Quest program; raise QuestSyntaxError (or IncompleteInputError)."""
    source = text if isinstance(text, Source) else Source(text, filename)
    return QuestParser(source).parse(refine(tokenize(source)))
