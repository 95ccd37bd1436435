"""Static types of local variables and expressions, for fast code.

Quest's operators differ from Python's only for some operand types (``/``
truncates Ints, ``"2" + 3`` is 5, ``true != 1``...).  When the compiler can
prove the types of both operands it emits the plain Python operator; when it
cannot, it emits a guarded fast path or a runtime helper (`compiler`).

The analysis is per function and flow-insensitive: a variable's type is the
join of the types of everything ever assigned to it in that function.  It is
sound because nothing else can assign a Python local: variables assigned by a
nested function (closures) and variables passed in cells are unknown.

Types are small strings: ``int``, ``float``, ``num`` (an Int or a Float),
``str``, ``bool``, ``nil``, ``list``, ``dict``, ``bytes``, ``fun``,
``("user", TypeDef node)``; None is "unknown".
"""

from __future__ import annotations

from .. import nodes as n

INT, FLOAT, NUM, STR, BOOL, NIL, LIST, DICT = "int", "float", "num", "str", "bool", "nil", \
    "list", "dict"
_BOTTOM = "bottom"
NUMERIC = (INT, FLOAT, NUM)

# Result types of builtin methods on receivers of a known type.
METHOD_RESULTS = {
    STR: {
        "len": INT, "upper": STR, "lower": STR, "capitalize": STR, "title": STR, "trim": STR,
        "ltrim": STR, "rtrim": STR, "repeat": STR, "split": LIST, "slice": STR, "replace": STR,
        "contains": BOOL, "startswith": BOOL, "starts_with": BOOL, "endswith": BOOL,
        "ends_with": BOOL, "index_of": INT, "count": INT, "concat": STR, "fmt": STR,
        "to_int": INT, "to_float": FLOAT, "ord": INT, "str": STR, "char_at": STR,
    },
    LIST: {
        "len": INT, "push": LIST, "join": STR, "reverse": LIST, "reversed": LIST,
        "sorted": LIST, "sort": LIST, "slice": LIST, "concat": LIST, "map": LIST,
        "filter": LIST, "contains": BOOL, "index_of": INT, "count": INT, "empty": BOOL,
        "str": STR, "clear": LIST, "unshift": LIST,
    },
    DICT: {
        "len": INT, "keys": LIST, "values": LIST, "contains": BOOL, "set": DICT,
        "remove": DICT, "clone": DICT, "empty": BOOL, "str": STR,
    },
    INT: {"abs": INT, "neg": INT, "sign": INT, "to_f64": FLOAT, "to_num": FLOAT,
          "to_float": FLOAT, "to_string": STR, "str": STR, "floor": INT, "ceil": INT,
          "round": INT, "trunc": INT},
    FLOAT: {"abs": FLOAT, "floor": INT, "ceil": INT, "round": INT, "to_int": INT,
            "to_string": STR, "str": STR},
}


_FIXED_RESULT = frozenset(("..", "==", "!=", "<", "<=", ">", ">=", "&", "|", "^", "<<", ">>"))


def join(a, b):
    if a == _BOTTOM:
        return b
    if b == _BOTTOM or a == b:
        return a
    if a in NUMERIC and b in NUMERIC:
        return NUM
    return None


class FunctionTypes:
    """Types of one function's bindings, and of expressions inside it.

    `param_types` gives assumed types of parameters (a specialised body,
    entered only when they hold); `self_binding` is the function's own name
    (never reassigned), so that calls to itself with the same argument types
    can be typed by the function's own result type, found by iteration.
    """

    def __init__(self, res, info, body, params=(), param_types=None, self_binding=None) -> None:
        self.res = res
        self.info = info
        self.body = body
        self.self_binding = self_binding
        self.param_types = dict(param_types or {})
        self.self_result = _BOTTOM if self_binding is not None else None
        self.params = [p for p in params if res.decls.get(id(p)) is not None]
        self.solve()
        if self_binding is not None:
            for _ in range(6):
                result = self.returned_type()
                if result == self.self_result:
                    break
                self.self_result = result
                self.solve()
            else:
                self.self_result = None
                self.solve()
            if self.self_result == _BOTTOM:
                self.self_result = None
                self.solve()

    def solve(self) -> None:
        self._memo = {}
        sources: list = []
        fixed: dict = {}
        for p in self.params:
            b = self.res.decls[id(p)]
            t = None
            if p.kind == "normal" and p.type is not None and not p.type.optional:
                t = {"Int": INT, "Float": FLOAT, "Num": NUM, "Str": STR, "Bool": BOOL,
                     "Array": LIST, "Dict": DICT}.get(p.type.name)
            if p.name in self.param_types:
                t = self.param_types[p.name]
            if p.kind == "star":
                t = LIST
            elif p.kind == "starstar":
                t = DICT
            sources.append((b, t if t is not None else "unknown"))
        self.types = dict(fixed)
        self._collect(self.body, sources, fixed)
        self.types = dict(fixed)
        for b, _ in sources:
            if b not in fixed:
                self.types[b] = _BOTTOM
        for _ in range(12):
            changed = False
            for b, src in sources:
                if b in fixed:
                    continue
                if isinstance(src, n.Node):
                    t = self.of(src)
                elif isinstance(src, tuple):
                    t = self.element_of(src[1])
                else:
                    t = None if src == "unknown" else src
                new = join(self.types[b], t)
                if new != self.types[b]:
                    self.types[b] = new
                    self._memo.clear()   # types of expressions using b change
                    changed = True
            if not changed:
                break
        else:
            for b, _ in sources:
                if b not in fixed:
                    self.types[b] = None
        for b, t in list(self.types.items()):
            if t == _BOTTOM or b.boxed or b.assigned_in_closure:
                self.types[b] = None
        self._memo.clear()

    def returned_type(self):
        """The join of the types of every value the function can return."""
        result = _BOTTOM
        for e in returned_expressions(self.body):
            result = join(result, NIL if e is None else self.of(e))
            if result is None:
                return None
        return result

    def of_call(self, e):
        f = e.func
        if self.self_binding is None or not isinstance(f, n.Name):
            return None
        if self.res.refs.get(id(f)) is not self.self_binding:
            return None
        params = [p for p in self.params if p.kind == "normal"]
        if len(e.args) != len(params) or any(a.kind != "pos" for a in e.args):
            return None
        for a, p in zip(e.args, params):
            wanted = self.param_types.get(p.name)
            if wanted is None or self.of(a.value) != wanted:
                return None
        return self.self_result

    # -- collection of assignments ---------------------------------------------------

    def _collect(self, body, out: list, fixed: dict) -> None:
        stack = list(reversed(body))
        while stack:
            s = stack.pop()
            kind = type(s)
            if kind is n.Let:
                for b in s.bindings:
                    out.append((self.res.decls[id(b)], b.value))
            elif kind is n.Const:
                out.append((self.res.decls[id(s)], s.value))
            elif kind is n.Assign:
                self._target(s.target, s.value, out)
            elif kind is n.AugAssign:
                if isinstance(s.target, n.Name):
                    op = "+=" if s.op == "+" else s.op
                    self._target(s.target, n.BinOp(op, s.target, s.value), out)
            elif kind is n.FunDef:
                b = self.res.decls[id(s)]
                fixed[b] = None if s.decorators or b.assigned else "fun"
            elif kind is n.TypeDef:
                b = self.res.decls[id(s)]
                fixed[b] = None if b.assigned else ("typeobj", s)
            elif kind is n.For:
                first, second = self.res.decls[id(s)]
                if isinstance(s.iterable, n.Range):
                    fixed[first] = INT
                elif second is None:
                    out.append((first, ("elements", s.iterable)))
                else:
                    fixed[first] = None
                if second is not None:
                    fixed[second] = None
                stack.extend(reversed(s.body))
            elif kind is n.If:
                for br in s.branches:
                    stack.extend(reversed(br.body))
                if s.orelse:
                    stack.extend(reversed(s.orelse))
            elif kind is n.While:
                stack.extend(reversed(s.body))
            elif kind is n.Match:
                for arm in s.arms:
                    stack.extend(reversed(arm.body))
                if s.orelse:
                    stack.extend(reversed(s.orelse))
            elif kind is n.Try:
                stack.extend(reversed(s.body))
                for c in s.catches:
                    if c.var is not None:
                        fixed[self.res.decls[id(c)]] = None
                    stack.extend(reversed(c.body))
                if s.ensure:
                    stack.extend(reversed(s.ensure))
            elif kind is n.With:
                for b in self.res.decls[id(s)]:
                    if b is not None:
                        fixed[b] = None
                stack.extend(reversed(s.body))
            elif kind is n.Use:
                for b in self.res.decls[id(s)]:
                    fixed[b] = None

    def element_of(self, e):
        """The type of the elements `for x in e` visits, when e is a fresh
        collection whose elements are known (nothing else can change it)."""
        if self.of(e) == STR:
            return STR  # the characters of a string
        if isinstance(e, n.MethodCall):
            t = self.of(e.obj)
            if t == STR and e.name == "split":
                return STR
            if t == DICT and e.name == "keys":
                return STR
            if e.name in ("sorted", "reversed") and isinstance(e.obj, n.MethodCall):
                return self.element_of(e.obj)
        return None

    def _target(self, target, value, out) -> None:
        if isinstance(target, n.Name):
            b = self.res.refs.get(id(target))
            if b is not None and b.owner is self.info:
                out.append((b, value))

    # -- expression types -----------------------------------------------------------------

    def var(self, binding):
        if binding is None or binding.owner is not self.info:
            if binding is not None and binding.kind in ("fun", "type") and not binding.assigned:
                return "fun" if binding.kind == "fun" else None
            return None
        return self.types.get(binding)

    def of(self, e):
        """The static type of expression `e` (None: unknown).  Types of the
        subexpressions it depends on are computed first, innermost first,
        and remembered (no recursion, however deep the expression)."""
        memo = self._memo
        hit = memo.get(id(e))
        if hit is not None and hit[0] is e:
            return hit[1]
        stack = [e]
        while stack:
            x = stack[-1]
            hit = memo.get(id(x))
            if hit is not None and hit[0] is x:
                stack.pop()
                continue
            missing = [d for d in self._inputs(x)
                       if (memo.get(id(d)) or (None,))[0] is not d]
            if missing:
                stack.extend(missing)
                continue
            stack.pop()
            memo[id(x)] = (x, self._type(x))
        return memo[id(e)][1]

    def _inputs(self, e) -> tuple:
        """The subexpressions whose types `_type(e)` asks for."""
        kind = type(e)
        if kind is n.BinOp:
            return () if e.op in _FIXED_RESULT else (e.left, e.right)
        if kind is n.UnaryOp:
            return () if e.op in ("not", "~") else (e.operand,)
        if kind is n.BoolOp:
            return (e.left, e.right)
        if kind is n.Index:
            return () if isinstance(e.index, tuple) else (e.obj,)
        if kind is n.MethodCall:
            obj = e.obj
            if isinstance(obj, n.Name) and self.res.refs.get(id(obj)) is None:
                return ()
            return (obj,)
        if kind is n.Call and self.self_binding is not None:
            return tuple(a.value for a in e.args)
        return ()

    def _type(self, e):
        kind = type(e)
        if kind is n.Int:
            return INT
        if kind is n.Float:
            return FLOAT
        if kind is n.Str or kind is n.FString:
            return STR
        if kind is n.Bool:
            return BOOL
        if kind is n.Nil:
            return NIL
        if kind is n.Array or kind is n.Array2D:
            return LIST
        if kind is n.Dict:
            return DICT
        if kind is n.Bytes:
            return "bytes"
        if kind is n.Lambda:
            return "fun"
        if kind is n.Name:
            return self.var(self.res.refs.get(id(e)))
        if kind is n.BinOp:
            return self._binop(e)
        if kind is n.UnaryOp:
            if e.op == "not":
                return BOOL
            if e.op == "~":
                return INT
            t = self.of(e.operand)
            return t if t in NUMERIC or t == _BOTTOM else None
        if kind is n.BoolOp:
            return join(self.of(e.left), self.of(e.right))
        if kind is n.Index:
            if not isinstance(e.index, tuple) and self.of(e.obj) == STR:
                return STR
            return None
        if kind is n.MethodCall:
            return self._method(e)
        if kind is n.Call:
            return self.of_call(e)
        return None

    def _binop(self, e):
        op = e.op
        if op == "..":
            return STR
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return BOOL
        if op in ("&", "|", "^", "<<", ">>"):
            return INT
        a, b = self.of(e.left), self.of(e.right)
        if a == _BOTTOM or b == _BOTTOM:
            return _BOTTOM
        if op == "+=" and a == STR and b == STR:
            return STR
        if op in ("+", "+=", "-", "*", "/", "%"):
            if a == INT and b == INT:
                return INT
            if a in NUMERIC and b in NUMERIC:
                return FLOAT if FLOAT in (a, b) else NUM
            if op == "*" and a == STR and b == INT:
                return STR
            if op in ("+", "+=") and a == LIST and b == LIST:
                return LIST
            return None
        if op == "**":
            if a == FLOAT and b in NUMERIC:
                return FLOAT
            return None
        return None

    def _method(self, e):
        obj = e.obj
        if isinstance(obj, n.Name) and self.res.refs.get(id(obj)) is None:
            if obj.id == "Array" and e.name == "new":
                return LIST
            if obj.id == "Dict" and e.name == "new":
                return DICT
            return None
        t = self.of(obj)
        if isinstance(t, tuple) and t[0] == "typeobj" and e.name == "new":
            return ("user", t[1])
        table = METHOD_RESULTS.get(t)
        if table is not None:
            return table.get(e.name)
        return None


def returned_expressions(body) -> list:
    """Expressions a function body can return (None for an implicit nil)."""
    out: list = []
    _returns(body, out)
    _tail(body, out)
    return out


def _returns(body, out) -> None:
    stack = list(body)
    while stack:
        s = stack.pop()
        kind = type(s)
        if kind is n.Return:
            out.append(s.value)
        elif kind is n.If:
            for br in s.branches:
                stack.extend(br.body)
            stack.extend(s.orelse or ())
        elif kind in (n.While, n.For):
            stack.extend(s.body)
        elif kind is n.Match:
            for arm in s.arms:
                stack.extend(arm.body)
            stack.extend(s.orelse or ())
        elif kind is n.Try:
            stack.extend(s.body)
            for c in s.catches:
                stack.extend(c.body)
            stack.extend(s.ensure or ())
        elif kind is n.With:
            stack.extend(s.body)


def _tail(body, out) -> None:
    """The values a block can end with (None for an implicit nil)."""
    stack = [body]
    while stack:
        body = stack.pop()
        if not body:
            out.append(None)
            continue
        last = body[-1]
        kind = type(last)
        if kind is n.ExprStmt:
            out.append(last.value)
        elif kind is n.If:
            stack.extend(br.body for br in last.branches)
            if last.orelse is None:
                out.append(None)
            else:
                stack.append(last.orelse)
        elif kind is n.Match:
            stack.extend(arm.body for arm in last.arms)
            if last.orelse is None:
                out.append(None)
            else:
                stack.append(last.orelse)
        elif kind is n.Try:
            stack.append(last.body)
            stack.extend(c.body for c in last.catches)
        elif kind not in (n.Return, n.Raise, n.Break, n.Continue):
            out.append(None)


_ARITH = ("+", "-", "*", "/", "%", "<", "<=", ">", ">=")


def numeric_params(res, node) -> list:
    """Names of a function's plain parameters used as operands of arithmetic
    or ordering operators in its own body: worth a specialised Int body."""
    params = {res.decls[id(p)]: p.name for p in node.params
              if p.kind == "normal" and res.decls.get(id(p)) is not None}
    used = set()
    stack = list(node.body)
    while stack:
        x = stack.pop()
        if isinstance(x, (n.Lambda, n.FunDef, n.TypeDef)):
            continue
        if isinstance(x, n.BinOp) and x.op in _ARITH:
            # Worth it only when the operation becomes plain Python: the other
            # operand is an Int literal or a parameter too.
            sides = [res.refs.get(id(side)) if isinstance(side, n.Name) else side
                     for side in (x.left, x.right)]
            if all(s in params or isinstance(s, n.Int) for s in sides):
                used.update(params[s] for s in sides if s in params)
        stack.extend(n.children(x))
    return [p.name for p in node.params if p.name in used]
