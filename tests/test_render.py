"""Rich rendering of the task tree, the leak report and errors: snapshots
against Console(color_system=None, width=100)."""

import io

from rich.console import Console

from async_runner import NESTED, run_async, snapshot_at
from trioquest import render
from trioquest.eval.interpreter import uncaught_lines


def show(renderable) -> str:
    console = Console(color_system=None, width=100, file=io.StringIO())
    console.print(renderable)
    return console.file.getvalue()


def test_task_tree_snapshot():
    _, tree = snapshot_at(NESTED, 1)
    assert show(render.task_tree(tree)) == '''\
tasks
├── main program  sleep, 4 s left at prog.q:9
├── the module
│   └── task 1 "top"  running  sleep, 2 s left at prog.q:11  age 1.0s  spawned at prog.q:11
└── main() called at prog.q:12
    └── task 2 "w1"  running  sleep, 9 s left at prog.q:5  age 1.0s  spawned at prog.q:8
        └── worker() defined at prog.q:3
            └── task 3 "inner-1"  running  recv on channel (unbounded) from prog.q:2 at prog.q:4  
                age 1.0s  spawned at prog.q:4
'''
    assert show(render.task_tree((), "tasks at the interrupt")) == \
        "tasks at the interrupt\n└── no tasks running\n"


def test_task_names_are_not_markup():
    _, tree = snapshot_at('''
        use "std/async"
        async.spawn(fun () await async.sleep(3) end, name: "[bold]x[/bold]")
        await async.sleep(2)
    ''', 1)
    assert '"[bold]x[/bold]"' in show(render.task_tree(tree))


def test_leak_report_snapshot_groups_identical_leaks():
    _, interp = run_async('''
        use "std/async"
        let ch = async.channel()
        async fun worker()
            await ch.recv()
        end
        async fun main()
            for i in 0 until 3
                async.spawn(fun () worker() end, name: "worker")
            end
            async.spawn(fun () raise ValueErr.new("lost") end, name: "careless")
            await async.sleep(2)
        end
        async fun fetch() 1 end
        fetch()
        try await main() catch e nil end
    ''')
    assert show(render.leak_report(interp.diagnostics)) == '''\
Task leak report: 3 tasks cancelled at scope exit; 1 unobserved failure; 1 awaitable never awaited; 
1 channel with blocked tasks
Tasks cancelled at scope exit (3)
└── 3× tasks 1–3 "worker"  spawned at prog.q:8
        async.spawn(fun () worker() end, name: "worker")
    ├── in main() called at prog.q:15, after 2.0s
    ├── was waiting: recv on channel (unbounded) from prog.q:2 at prog.q:4
    └── cancelled by the end of main() called at prog.q:15
Never awaited (1)
└── fetch()  at prog.q:14
        fetch()
Unobserved failures (1)
└── task 4 "careless": ValueErr: lost
    ├── raised at prog.q:10
    │       async.spawn(fun () raise ValueErr.new("lost") end, name: "careless")
    └── spawned at prog.q:10
Channels left with blocked tasks (1)
└── channel (unbounded) from prog.q:2: 0 senders, 3 receivers blocked
'''
    report = interp.diagnostics.to_json()
    assert report["unobserved_failures"] == [{
        "task_id": 4, "name": "careless",
        "spawned_at": {"file": "prog.q", "line": 10,
                       "source": 'async.spawn(fun () raise ValueErr.new("lost") end, '
                                 'name: "careless")'},
        "error": "ValueErr: lost",
        "raised_at": {"file": "prog.q", "line": 10,
                      "source": 'async.spawn(fun () raise ValueErr.new("lost") end, '
                                'name: "careless")'}}]
    assert report["blocked_channels"] == [
        {"channel": "channel (unbounded) from prog.q:2", "senders": 0, "receivers": 3}]
    (group,) = report["leaks"]
    assert (group["count"], group["task_ids"], group["ages"]) == (3, [1, 2, 3], [2.0, 2.0, 2.0])
    assert group["waiting_on"] == "recv on channel (unbounded) from prog.q:2 at prog.q:4"


def test_error_snapshot():
    try:
        run_async('''
            async fun inner() raise KeyErr.new("missing") end
            async fun outer() await inner() end
            await outer()
        ''')
    except Exception as e:
        lines = uncaught_lines(e)
    assert show(render.error(lines)) == '''\
prog.q:1:19: KeyErr: missing
Quest stack (innermost last):
  at <module> (prog.q:3)
  at outer (prog.q:2)
  at inner (prog.q:1)
    async fun inner() raise KeyErr.new("missing") end
                      ^
'''
    assert [kind for kind, _ in lines] == ["headline", "stack", "frame", "frame", "frame",
                                           "source", "caret"]


def test_the_quest_lexer_is_a_pygments_plugin():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    from pygments.token import Keyword, Name, Punctuation

    lexer = get_lexer_by_name("quest")
    assert get_lexer_for_filename("prog.q").name == "Quest"
    tokens = [(t, v) for t, v in lexer.get_tokens("async fun f() await g() end") if v.strip()]
    assert tokens[:4] == [(Keyword, "async"), (Keyword, "fun"), (Name.Function, "f"),
                          (Punctuation, "(")]
    assert (Keyword, "await") in tokens and (Keyword, "end") in tokens


def test_task_ids_of_a_leak_group_are_written_as_ranges():
    from trioquest.render import _id_ranges

    assert _id_ranges([4]) == "4"
    assert _id_ranges([1, 2, 5, 7, 8, 9, 10]) == "1, 2, 5, 7\u201310"
    assert _id_ranges(list(range(1, 200001))) == "1\u2013200000"
    assert _id_ranges(list(range(1, 40, 2)), most=3) == "1, 3, 5, \u2026 (17 more)"
