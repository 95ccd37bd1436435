"""Name resolution: which declaration each Quest name refers to (LANGUAGE.md §5).

Quest has block scopes (each if-branch, loop iteration, try body, catch body
and match arm), while Python has one scope per function.  The resolver maps
every Quest binding to a Python local of the function that owns it, renaming
where blocks shadow each other (``x``, ``x__1``, ...), and records what the
compiler needs:

* ``refs``: for each `Name` read or assignment target, its `Binding`, or
  None when nothing is declared (a builtin, or a NameErr at run time);
* ``decls``: for each declaring node, its `Binding`(s);
* ``problems``: declarations and assignments that are errors when they run
  (``let`` twice in one scope, assignment to an undeclared name or a const);
* ``block_boxes``: bindings that need a fresh cell each time their block is
  entered (declared inside a loop and captured by a closure), so that each
  loop iteration's closures see their own variables;
* per function: the outer bindings it assigns (``nonlocal``).

A reference resolves to the innermost declaration *already made* in the same
function (textual order is execution order within a function), or, from
inside a nested function, to the innermost enclosing block that declares the
name anywhere: closures look names up when they run (§5).

Statement and expression visits that hold further statements (blocks,
lambdas) are generators run by `trampoline.drive`, so nesting depth costs no
Python frames; expressions are walked with an explicit stack.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from types import GeneratorType

from ..stdlib import binding_name as _module_name, std_key
from .. import nodes as n
from .trampoline import drive

# Python names the generated code reserves: user bindings never take them.
RESERVED_PREFIX = "_Q"
REBINDING = frozenset(("fun", "type", "trait"))  # declarations a second one rebinds


@dataclass(eq=False)
class Binding:
    name: str                       # the Quest name
    py: str                         # the Python local it lives in
    kind: str                       # let const param fun type trait use for catch with
    owner: FunctionInfo
    type: n.TypeRef | None = None   # `let x: T`: later assignments are checked
    captured: bool = False          # read or written by a nested function
    boxed: bool = False             # a fresh cell per execution of its block
    in_loop: bool = False           # declared inside a loop of its function
    export: bool = False            # a module-level `pub` declaration
    assigned: bool = False          # assigned after its declaration
    assigned_in_closure: bool = False  # assigned by a nested function
    shared: bool = False            # a global of a REPL session (see `resolve`)
    module: str | None = None       # `use` of a std module: its key ("std/http")

    def __repr__(self) -> str:
        return f"Binding({self.name!r} -> {self.py!r}, {self.kind})"


@dataclass(eq=False)
class FunctionInfo:
    node: object                    # FunDef, Lambda or Program
    parent: FunctionInfo | None
    name: str
    bindings: list[Binding] = field(default_factory=list)
    py_names: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)   # outer Python names assigned here
    free: dict[str, Binding] = field(default_factory=dict)  # outer bindings used here
    has_await: bool = False
    is_module: bool = False
    is_method: bool = False


class Block:
    """One Quest scope.  A transparent block (a `with`) only holds its `as`
    names; other declarations go to the enclosing block."""

    def __init__(self, func: FunctionInfo, parent: Block | None, *, loop: bool = False,
                 key=None, transparent: bool = False) -> None:
        self.func = func
        self.parent = parent
        self.key = key
        self.transparent = transparent
        same_func = parent is not None and parent.func is func
        self.in_loop = loop or (same_func and parent.in_loop)
        self.visible: dict[str, Binding] = {}   # declared so far
        self.anywhere: dict[str, Binding] = {}  # every declaration, for closures

    def declaring(self) -> Block:
        block = self
        while block.transparent:
            block = block.parent
        return block


@dataclass
class Problem:
    kind: str       # "redeclared", "undeclared", "const", "del_outer", "del_undefined"
    name: str


class Resolution:
    def __init__(self) -> None:
        self.refs: dict[int, Binding | None] = {}
        self.decls: dict[int, object] = {}
        self.problems: dict[int, Problem] = {}
        self.block_boxes: dict[object, list[Binding]] = {}
        self.functions: dict[int, FunctionInfo] = {}
        self.module: FunctionInfo | None = None
        self.predeclared: list[Binding] = []
        self.top_level: dict[str, str] = {}    # Quest name -> Python name, at the end
        self.shared = False


def resolve(program: n.Program, *, builtins: frozenset[str] = frozenset(),
            predeclared: dict[str, str] | None = None, shared: bool = False,
            taken: frozenset[str] = frozenset()) -> Resolution:
    """Resolve every name of a module.  `builtins` are names the generated
    module provides as globals (user bindings are renamed around them);
    `predeclared` maps Quest names to Python names bound before the body runs
    (used by the REPL and `sys.eval`).  With `shared` (the REPL), the
    module's variables are globals of one namespace that every input of a
    session shares, so that closures made by one input see what later ones
    assign; `taken` are the Python names earlier inputs used."""
    resolver = _Resolver(builtins, predeclared or {})
    resolver.shared, resolver.taken = shared, taken
    return resolver.run(program)


class _Resolver:
    def __init__(self, builtins: frozenset[str], predeclared: dict[str, str]) -> None:
        self.builtins = builtins
        self.predeclared = predeclared
        self.shared = False
        self.taken: frozenset[str] = frozenset()
        self.res = Resolution()
        self.infos: dict[int, FunctionInfo] = {}

    # -- infrastructure ------------------------------------------------------

    def run(self, program: n.Program) -> Resolution:
        # Walk 1 creates every binding; names are then allocated function by
        # function, outermost first, so that no Python local of a function
        # shadows an outer one it uses; walk 2 resolves every reference.
        self.blocks: dict[object, Block] = {}
        self.made: dict[tuple, Binding] = {}
        self.all_functions: list[FunctionInfo] = []
        for self.declaring_pass in (True, False):
            self.res.functions.clear()
            module = FunctionInfo(program, None, "<module>", is_module=True)
            if self.declaring_pass:
                self.all_functions.append(module)
                self.module_info = module
            else:
                module = self.module_info
            self.res.module = module
            self.res.functions[id(program)] = module
            # Names handed in (sys.eval, the REPL) live in a block around the
            # body's, so that the code may also `let` them anew.
            outer = self.new_block(module, None, key=(id(program), "given"))
            self.res.predeclared = []
            for i, (qname, py) in enumerate(self.predeclared.items()):
                binding = self.declare(outer, qname, "let", program, key=("pre", i))
                binding.py = py
                self.res.predeclared.append(binding)
            block = self.new_block(module, outer, key=(id(program), "body"))
            drive(self.function_body(program.body, block, module))
            if self.declaring_pass:
                self.allocate()
                if self.shared:
                    for b in module.bindings:  # any input may assign them later
                        b.shared = b.assigned = b.assigned_in_closure = True
        self.res.shared = self.shared
        self.res.top_level = {name: b.py for name, b in {**outer.visible, **block.visible}.items()}
        return self.res

    def new_block(self, func, parent, *, key, loop=False, transparent=False) -> Block:
        if not self.declaring_pass:
            block = self.blocks[key]
            block.visible = {}
            return block
        block = Block(func, parent, loop=loop, key=key, transparent=transparent)
        self.blocks[key] = block
        return block

    def allocate(self) -> None:
        # Linear in the bindings: a name is checked against this function's
        # names and each enclosing function's (never copied), and renaming
        # `x` again starts after the last `x__N` this function made.
        for func in self.all_functions:  # parents come before their children
            scopes = [func.py_names]
            info = func.parent
            while info is not None:
                scopes.append(info.py_names)
                info = info.parent
            if func.is_module:
                scopes.append(self.taken)
            last: dict[str, int] = {}
            for binding in func.bindings:
                if not binding.py:
                    binding.py = self.alloc(binding.name, scopes, last)
                func.py_names.add(binding.py)

    def alloc(self, name: str, scopes: list, last: dict[str, int]) -> str:
        """A Python name for `name` that none of the `scopes` (sets) holds."""
        base = name
        if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in self.builtins \
                or base.startswith(RESERVED_PREFIX):
            base = base + "_"
        i = last.get(base, 0)
        py = base if i == 0 else f"{base}__{i}"
        while any(py in names for names in scopes):
            i += 1
            py = f"{base}__{i}"
        last[base] = i
        return py

    def declare(self, block: Block, name: str, kind: str, node, *, key=None, type_=None,
                export: bool = False, module: str | None = None) -> Binding:
        target = block if kind == "with" else block.declaring()
        key = key if key is not None else (id(node), 0)
        if self.declaring_pass:
            func = target.func
            earlier = target.anywhere.get(name)
            if kind in REBINDING and earlier is not None and earlier.kind in REBINDING:
                # A second `fun f` in one scope rebinds f (LANGUAGE.md §5): closures
                # that call f see the newer function, so both share one variable.
                earlier.assigned = True
                self.made[key] = earlier
                return earlier
            if module is not None and earlier is not None and earlier.module == module:
                # `use "std/http/client"` then `use "std/http/server"`: one module
                # bound again under the same name is the same variable, no error.
                self.made[key] = earlier
                return earlier
            binding = Binding(name, "", kind, func, type=type_, in_loop=target.in_loop,
                              export=export, module=module)
            func.bindings.append(binding)
            self.made[key] = binding
            target.anywhere.setdefault(name, binding)
            return binding
        binding = self.made[key]
        if name in target.visible and kind not in ("fun", "type", "trait") and not (
                binding.module is not None and target.visible[name] is binding):
            self.res.problems[id(node)] = Problem("redeclared", name)
        target.visible[name] = binding
        return binding

    def lookup(self, block: Block, name: str, func: FunctionInfo) -> Binding | None:
        b = block
        while b is not None:
            if b.func is func:
                found = b.visible.get(name)
            else:
                found = b.visible.get(name) or b.anywhere.get(name)
            if found is not None:
                return found
            b = b.parent
        return None

    def use(self, block: Block, name: str, node, func: FunctionInfo, *, store: bool = False):
        if self.declaring_pass:
            return None
        binding = self.lookup(block, name, func)
        self.res.refs[id(node)] = binding
        if binding is None:
            return None
        if binding.owner is not func:
            binding.captured = True
            if store:
                binding.assigned_in_closure = True
            info = func
            while info is not None and info is not binding.owner:
                info.free[binding.py] = binding
                if store:
                    info.nonlocals.add(binding.py)
                info = info.parent
        if store:
            binding.assigned = True
        return binding

    # -- blocks and statements -----------------------------------------------

    def function_body(self, body, block: Block, func: FunctionInfo) -> None:
        for stmt in body:
            visit = self.stmt(stmt, block, func)
            if visit is not None:
                yield visit
        self.finish(block)

    def block(self, body, parent: Block, func: FunctionInfo, key, *, loop: bool = False,
              declare=None) -> Block:
        block = self.new_block(func, parent, loop=loop, key=key)
        if declare:
            declare(block)
        for stmt in body:
            visit = self.stmt(stmt, block, func)
            if visit is not None:
                yield visit
        self.finish(block)
        return block

    def finish(self, block: Block) -> None:
        if self.declaring_pass:
            return
        boxed = [b for b in block.visible.values() if b.captured and b.in_loop]
        for b in boxed:
            b.boxed = True
        if boxed:
            self.res.block_boxes[block.key] = boxed

    def stmt(self, s, block: Block, func: FunctionInfo):
        """The visit of a statement: a generator for `drive`, or None when
        there is nothing below it to visit."""
        visit = getattr(self, "s_" + type(s).__name__)(s, block, func)
        return visit if visit.__class__ is GeneratorType else None

    def s_ExprStmt(self, s, block, func):
        yield self.expr(s.value, block, func)

    def s_Let(self, s, block, func):
        for b in s.bindings:
            yield self.expr(b.value, block, func)
            if b.type is not None:
                self.type_ref(b.type, block, func)
            binding = self.declare(block, b.name, "let", b, type_=b.type,
                                   export=s.pub and func.is_module)
            self.res.decls[id(b)] = binding

    def s_Const(self, s, block, func):
        yield self.expr(s.value, block, func)
        self.res.decls[id(s)] = self.declare(block, s.name, "const", s,
                                             export=s.pub and func.is_module)

    def s_TypedDecl(self, s, block, func):
        if s.value is not None:
            yield self.expr(s.value, block, func)

    def s_Assign(self, s, block, func):
        yield self.expr(s.value, block, func)
        yield self.target(s.target, block, func)

    def s_AugAssign(self, s, block, func):
        yield self.expr(s.value, block, func)
        yield self.target(s.target, block, func)

    def target(self, t, block, func):
        if isinstance(t, n.Name):
            if self.declaring_pass:
                return
            binding = self.use(block, t.id, t, func, store=True)
            if binding is None:
                self.res.problems[id(t)] = Problem("undeclared", t.id)
            elif binding.kind == "const" or self._const_anywhere(block, t.id):
                self.res.problems[id(t)] = Problem("const", t.id)
        elif isinstance(t, n.Attribute):
            yield self.expr(t.obj, block, func)
        else:
            yield self.expr(t.obj, block, func)
            yield self.expr(t.index, block, func)

    def _const_anywhere(self, block, name):
        # Ref: the const check looks for the name in any enclosing scope's
        # const set, even if an inner `let` shadows it (§5).
        b = block
        while b is not None:
            found = b.visible.get(name) or b.anywhere.get(name)
            if found is not None and found.kind == "const" and not self.declaring_pass:
                return True
            b = b.parent
        return False

    def s_Del(self, s, block, func):
        if self.declaring_pass:
            return
        target = block.declaring()
        binding = target.visible.get(s.name)
        if binding is not None and binding.owner is func:
            self.res.refs[id(s)] = binding
            del target.visible[s.name]
            if binding.kind == "use":
                self.res.problems[id(s)] = Problem("del_module", s.name)
            return
        other = self.lookup(block, s.name, func)
        self.res.refs[id(s)] = other
        self.res.problems[id(s)] = Problem("del_outer" if other else "del_undefined", s.name)

    def s_FunDef(self, s, block, func):
        for d in s.decorators:
            yield self.decorator(d, block, func)
        binding = self.declare(block, s.name, "fun", s, export=s.pub and func.is_module)
        self.res.decls[id(s)] = binding
        yield self.function(s, block, func, s.name)

    def decorator(self, d, block, func):
        first = d.path[0]
        self.res.refs[id(d)] = self.use(block, first, d, func)
        for a in d.args or ():
            yield self.expr(a.value, block, func)

    def function(self, node, block, func, name, *, with_self: bool = False):
        if self.declaring_pass:
            info = FunctionInfo(node, func, name)
            self.all_functions.append(info)
            self.infos[id(node)] = info
        info = self.infos[id(node)]
        self.res.functions[id(node)] = info
        fblock = self.new_block(info, block, key=(id(node), "body"))
        if with_self:  # `self` is an ordinary name bound inside methods (§2.2)
            self.res.decls[(id(node), "self")] = self.declare(
                fblock, "self", "param", node, key=(id(node), "self"))
        for p in node.params:
            if p.type is not None:
                self.type_ref(p.type, fblock, info)
            if p.default is not None:
                yield self.expr(p.default, fblock, info)
            binding = self.declare(fblock, p.name, "param", p)
            self.res.decls[id(p)] = binding
        if getattr(node, "return_type", None) is not None:
            self.type_ref(node.return_type, block, func)
        yield self.function_body(node.body, fblock, info)
        return info

    def type_ref(self, t, block, func):
        # A user type named in an annotation is looked up like a name.
        refs = [t]
        while refs:
            ref = refs.pop()
            self.res.refs[id(ref)] = self.lookup(block, ref.name.split(".")[0], func)
            refs.extend(ref.args)

    def s_TypeDef(self, s, block, func):
        binding = self.declare(block, s.name, "type", s, export=s.pub and func.is_module)
        self.res.decls[id(s)] = binding
        yield self.members(s.members, block, func)

    def members(self, members, block, func):
        for m in members:
            if isinstance(m, n.Field):
                if m.type is not None:
                    self.type_ref(m.type, block, func)
                if m.default is not None:
                    yield self.expr(m.default, block, func)
            elif isinstance(m, n.FunDef):
                for d in m.decorators:
                    yield self.decorator(d, block, func)
                yield self.method(m, block, func)
            elif isinstance(m, n.Impl):
                self.res.refs[id(m)] = self.lookup(block, m.trait.split(".")[0], func)
                for f in m.methods:
                    yield self.method(f, block, func)

    def method(self, m, block, func):
        info = yield self.function(m, block, func, m.name, with_self=not m.is_static)
        info.is_method = True

    def s_TraitDef(self, s, block, func):
        self.res.decls[id(s)] = self.declare(block, s.name, "trait", s,
                                             export=s.pub and func.is_module)

    def s_ImplWith(self, s, block, func):
        pass

    def s_If(self, s, block, func):
        for br in s.branches:
            yield self.expr(br.test, block, func)
            yield self.block(br.body, block, func, (id(br), "body"))
        if s.orelse is not None:
            yield self.block(s.orelse, block, func, (id(s), "else"))

    def s_While(self, s, block, func):
        yield self.expr(s.test, block, func)
        yield self.block(s.body, block, func, (id(s), "body"), loop=True)

    def s_For(self, s, block, func):
        if isinstance(s.iterable, n.Range):
            yield self.range(s.iterable, block, func)
        else:
            yield self.expr(s.iterable, block, func)

        def declare(b):
            first = self.declare(b, s.var, "for", s, key=(id(s), 0))
            second = self.declare(b, s.var2, "for", s, key=(id(s), 1)) if s.var2 else None
            self.res.decls[id(s)] = (first, second)

        yield self.block(s.body, block, func, (id(s), "body"), loop=True, declare=declare)

    def range(self, r, block, func):
        yield self.expr(r.start, block, func)
        yield self.expr(r.stop, block, func)
        if r.step is not None:
            yield self.expr(r.step, block, func)

    def s_Match(self, s, block, func):
        yield self.expr(s.subject, block, func)
        for arm in s.arms:
            if isinstance(arm.pattern, n.Range):
                yield self.range(arm.pattern, block, func)
            else:
                for p in arm.pattern:
                    yield self.expr(p, block, func)
            yield self.block(arm.body, block, func, (id(arm), "body"))
        if s.orelse is not None:
            yield self.block(s.orelse, block, func, (id(s), "else"))

    def s_Try(self, s, block, func):
        yield self.block(s.body, block, func, (id(s), "body"))
        for c in s.catches:
            if c.type is not None:
                self.type_ref(c.type, block, func)

            def declare(b, c=c):
                if c.var is not None:
                    self.res.decls[id(c)] = self.declare(b, c.var, "catch", c)

            yield self.block(c.body, block, func, (id(c), "body"), declare=declare)
        if s.ensure is not None:
            for stmt in s.ensure:  # no new scope for ensure (§5)
                visit = self.stmt(stmt, block, func)
                if visit is not None:
                    yield visit

    def s_Raise(self, s, block, func):
        if s.value is not None:
            yield self.expr(s.value, block, func)

    def s_With(self, s, block, func):
        if s.is_async:
            func.has_await = True
        layer = self.new_block(func, block, key=(id(s), "with"), transparent=True)
        bindings = []
        for item in s.items:
            yield self.expr(item.value, block, func)
            bindings.append(self.declare(layer, item.name, "with", item) if item.name else None)
        self.res.decls[id(s)] = bindings
        for stmt in s.body:  # no new scope for with bodies (§5)
            visit = self.stmt(stmt, layer, func)
            if visit is not None:
                yield visit
        self.finish(layer)

    def s_Return(self, s, block, func):
        if s.value is not None:
            yield self.expr(s.value, block, func)

    def s_Break(self, s, block, func):
        pass

    s_Continue = s_Break
    s_DocDecl = s_Break

    def s_Use(self, s, block, func):
        if s.path == "std/async" and func.is_module:
            func.has_await = True  # a program using std/async runs its top level async
        decls = []
        if s.alias is not None or s.names is None:
            name = s.alias if s.alias is not None else _module_name(s.path)
            decls.append(self.declare(block, name, "use", s, module=std_key(s.path)))
        for imp in s.names or ():
            decls.append(self.declare(block, imp.alias or imp.name, "let", imp))
        self.res.decls[id(s)] = decls

    # -- expressions ---------------------------------------------------------

    def expr(self, e, block, func):
        """Resolve the names of an expression; a lambda is a function of its
        own (resolved through `drive`, so nesting depth costs no frames)."""
        stack = [e]
        while stack:
            e = stack.pop()
            kind = type(e)
            if kind is n.Name:
                self.use(block, e.id, e, func)
            elif kind is n.Lambda:
                yield self.function(e, block, func, "<anonymous>")
            else:
                if kind is n.Await:
                    func.has_await = True
                children = []
                for child in n.children(e):
                    if isinstance(child, n.Arg):
                        children.append(child.value)
                    elif isinstance(child, (n.DictEntry, n.FormattedValue)):
                        children.extend(n.children(child))
                    else:
                        children.append(child)
                stack.extend(reversed(children))
