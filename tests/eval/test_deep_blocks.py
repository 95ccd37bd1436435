"""Blocks nested past CPython's 20 static blocks (loops, try/catch, ensure)
compile and keep Quest semantics: variables, break/continue, return, bare
raise, closures, await (compiled as nested functions where needed)."""

import pytest

from quest_runner import output

DEPTHS = (25, 50)


def levels(kind: str, depth: int, core: str) -> str:
    """`depth` blocks of one kind around `core`, each running its body once."""
    text = core
    for k in reversed(range(depth)):
        text = {
            "while": f"let w{k} = 0\nwhile w{k} < 1\nw{k} += 1\n{text}\nend",
            "for": f"for f{k} in [{k}]\n{text}\nend",
            # nested in the catch body: two Python blocks a level
            "catch": f'try\nraise ValueErr.new("e{k}")\ncatch e{k}\n{text}\nend',
            # nested in the try body; each level catches, logs and re-raises
            "reraise": f'try\n{text}\ncatch x{k}\nlog.push("c{k}")\nraise\nend',
            "ensure": f'try\n{text}\nensure\nlog.push("ens{k}")\nend',
            "in_ensure": f'try\nlog.push("t{k}")\nensure\n{text}\nend',
            "catch_ensure": f'try\n{text}\ncatch z{k}\nlog.push("no")\nensure\nlog.push("e{k}")\nend',
        }[kind]
    return text


CORE = 'total += 1\nlet inner = "v"\nlog.push("core " .. inner)'


def run_levels(kind, depth, core=CORE, after=""):
    program = (f"fun run()\nlet log = []\nlet total = 0\n{levels(kind, depth, core)}\n{after}"
               f'log.push("after " .. total)\nlog\nend\nputs(run().join(","))\n')
    return output(program).strip().split(",")


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("kind", ["while", "for", "catch"])
def test_nested_blocks_run_their_body(kind, depth):
    assert run_levels(kind, depth) == ["core v", "after 1"]


@pytest.mark.parametrize("depth", DEPTHS)
def test_nested_catches_reraise_in_order(depth):
    assert output(
        f"fun run()\nlet log = []\nlet total = 0\ntry\n"
        f"{levels('reraise', depth, CORE + chr(10) + 'raise ValueErr.new(' + chr(34) + 'deep' + chr(34) + ')')}\n"
        f'catch final\nlog.push("final " .. final.message())\nend\nlog\nend\n'
        f'puts(run().join(","))\n').strip().split(",") == \
        ["core v"] + [f"c{k}" for k in reversed(range(depth))] + ["final deep"]


def test_reraise_levels_need_an_outer_catch():
    from quest_runner import run
    out, err, status = run(f"let log = []\nlet total = 0\n"
                           f"{levels('reraise', 25, 'raise ValueErr.new(' + chr(34) + 'x' + chr(34) + ')')}\n")
    assert status == 1 and err.startswith("-c:")
    assert "ValueErr: x" in err.splitlines()[0]


@pytest.mark.parametrize("depth", DEPTHS)
def test_nested_ensures_run_innermost_first(depth):
    assert run_levels("ensure", depth) == \
        ["core v"] + [f"ens{k}" for k in reversed(range(depth))] + ["after 1"]
    assert run_levels("catch_ensure", depth) == \
        ["core v"] + [f"e{k}" for k in reversed(range(depth))] + ["after 1"]


@pytest.mark.parametrize("depth", DEPTHS)
def test_blocks_nested_in_ensure(depth):
    assert run_levels("in_ensure", depth) == \
        [f"t{k}" for k in range(depth)] + ["core v", "after 1"]


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("kind, found", [
    ("ensure", "[0, 0, 2, -2]"), ("catch", "[0, 0, 2, -2]"), ("catch_ensure", "[0, 0, 2, -2]"),
    # inside loops, break and continue leave the innermost one only
    ("while", "[0, 0, -1, 2, -2, -3, 4, -4]"), ("for", "[0, 0, -1, 2, -2, -3, 4, -4]"),
])
def test_break_and_continue_reach_their_loop(kind, found, depth):
    core = "if i == 1\ncontinue\nend\nif i == 3\nbreak\nend\nfound.push(i)"
    assert output(f"fun find()\nlet log = []\nlet found = []\nfor i in 0 until 5\n"
                  f"{levels(kind, depth, core)}\nfound.push(-i)\nend\nfound\nend\n"
                  f"puts(find())\n") == found + "\n"


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("kind", ["while", "for", "ensure", "catch"])
def test_return_from_deep_inside(kind, depth):
    core = "if x > 10\nreturn x * 2\nend"
    assert output(f"fun first_big(xs)\nlet log = []\nfor x in xs\n{levels(kind, depth, core)}\nend\n"
                  f'"none"\nend\nputs(first_big([1, 20, 30]), " ", first_big([1]))\n') == \
        "40 none\n"


@pytest.mark.parametrize("depth", DEPTHS)
def test_closures_made_deep_inside_capture_each_iteration(depth):
    core = "let j = i * 10\nfns.push(fun () i + j end)\nlast = j"
    assert output(f"let fns = []\nlet last = nil\nfor i in 0 until 3\n{levels('for', depth, core)}\n"
                  f"end\nputs(fns.map(fun (f) f() end), last)\n") == "[0, 11, 22]20\n"


@pytest.mark.parametrize("depth", DEPTHS)
def test_module_level_and_async_nesting(depth):
    core = 'let got = await async.spawn(fun () "t" end)\nlog.push(got)\ntotal += 1'
    assert output(f'use "std/async"\nlet log = []\nlet total = 0\n{levels("while", depth, core)}\n'
                  f"async fun deep()\n{levels('catch', depth, core)}\nreturn total\nend\n"
                  f'puts(log.len(), " ", await deep(), " ", log)\n') == '1 2 [t, t]\n'


def test_a_repl_session_keeps_variables_assigned_deep_inside():
    from trioquest.eval.interpreter import Interpreter
    from trioquest.source import Source

    interp = Interpreter()
    compiled = interp.compile(Source(f"let n = 0\n{levels('while', 30, 'n += 5')}\nn\n", "repl-1"),
                              value_sink=True, shared=True)
    ns = interp.namespace()
    ns.update(compiled.globals)
    exec(compiled.code, ns)
    assert ns["_Q_body"](ns) == 5 and ns[compiled.top_level["n"]] == 5


def test_a_deep_error_is_located_and_the_stack_names_the_function(tmp_path):
    from quest_runner import run

    out, err, status = run("\nfun f()\n" + levels("while", 30, "let z = [1][5]") + "\nend\nf()\n",
                           tmp_path=tmp_path, dedent=False)
    lines = err.replace(str(tmp_path / "main.q"), "main.q").splitlines()
    assert status == 1
    assert lines[0] == "main.q:93:9: IndexErr: Index out of bounds"
    # The 19th while and what it holds run as a block moved out of f: one more frame of f.
    assert lines[1:] == ["Quest stack (innermost last):", "  at <module> (main.q:125)",
                         "  at f (main.q:58)", "  at f (main.q:93)", "    let z = [1][5]",
                         "            ^"]


CTX = '''let log = []
type Ctx
    pub name
    fun _enter()
        log.push("in " .. self.name)
        self
    end
    fun _exit()
        log.push("out " .. self.name)
        nil
    end
end
'''


@pytest.mark.parametrize("depth", DEPTHS)
def test_nested_and_many_item_withs(depth):
    nested = 'log.push("core " .. c0.name)'
    for k in reversed(range(depth)):
        nested = f'with Ctx.new("{k}") as c{k}\n{nested}\nend'
    items = ", ".join(f'Ctx.new("m{k}") as m{k}' for k in range(depth))
    text = output(CTX + nested + f'\nwith {items}\nlog.push("many " .. m0.name)\nend\n'
                  'puts(log.join(","))\n').strip().split(",")
    assert text == [f"in {k}" for k in range(depth)] + ["core 0"] + \
        [f"out {k}" for k in reversed(range(depth))] + [f"in m{k}" for k in range(depth)] + \
        ["many m0"] + [f"out m{k}" for k in reversed(range(depth))]


@pytest.mark.parametrize("depth", [16, 17, 18, 19, 30])
def test_a_variable_a_moved_block_declares_is_seen_after_it(depth):
    # A with body has no scope of its own: `v` belongs to the block around the
    # with, which reads it after the with has been moved into a function.
    core = ('with Ctx.new("w") as c\nlet v = c.name .. "!"\nend\nlog.push(v)\n'
            'try\nlog.push("t")\nensure\nlet late = "ensured"\nend\nlog.push(late)')
    assert output(CTX + levels("for", depth, core) + '\nputs(log.join(","))\n') == \
        "in w,out w,w!,t,ensured\n"
