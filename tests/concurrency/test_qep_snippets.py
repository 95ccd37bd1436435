"""The QEP's std/async and API-reference snippets behave as documented.

Each snippet is the QEP's text (tests/qep027/), run after a prelude that
defines what the QEP leaves undefined.  Where a snippet declares the same
name twice in one scope (a NameErr in Quest), its parts run separately.
"""

from pathlib import Path

from async_runner import run_async

QEP = Path(__file__).parents[1] / "qep027"

PRELUDE = '''use "std/async"
let calls = []
async fun long_operation() await async.sleep(2) calls.push("long_operation") "long" end
async fun long_running_operation() await async.sleep(100) end
async fun fetch_data() await async.sleep(1) "data" end
async fun work() await async.sleep(1) "worked" end
fun compute(i) i end
async fun fetch_from_primary() await async.sleep(3) "primary" end
async fun fetch_from_backup() await async.sleep(1) "backup" end
async fun fetch_from_server1() await async.sleep(2) "server1" end
async fun fetch_from_server2() await async.sleep(1) "server2" end
async fun fetch_from_server3() await async.sleep(3) "server3" end
async fun might_fail1() await async.sleep(1) raise "might_fail1 failed" end
async fun might_fail2() await async.sleep(2) "might_fail2 ok" end
async fun task1() await async.sleep(1) "result1" end
async fun task2() await async.sleep(2) raise ValueErr.new("error2") end
async fun task3() await async.sleep(3) "result3" end
'''


def snippet(number: int) -> str:
    path = next(QEP.glob(f"{number:02d}_*.q"))
    return path.read_text().replace('use "std/async"\n', "")


def run(text: str, prelude: str = PRELUDE):
    return run_async(prelude + text, dedent=False)


def test_task_management_snippet():
    text = snippet(4)
    first, _, rest = text.partition("# Spawn with name")
    out, interp = run(first)
    assert out == ""  # the finished task is not cancelled by cancel()
    assert [leak.task_id for leak in interp.diagnostics.leaks] == [1]  # the endless one
    out, _ = run(rest.split("\n", 1)[1] + "puts(task.name, \" \", await task)\n")
    assert out == "worker-1 worked\n"


def test_timeouts_snippet():
    text = snippet(6)
    out, _ = run(text.replace("let tasks = [task1, task2, task3]",
                              "let tasks = [async.spawn(fun () fetch_data() end)]")
                 + "puts(await fetch_with_timeout(), \" \", results)\n")
    assert out == "data [data]\n"
    slow = "async fun fetch_data() await async.sleep(9) \"late\" end\n"
    out, _ = run(text.split("# Timeout on multiple")[0] + slow + "puts(await fetch_with_timeout())\n")
    assert out == "Operation timed out after 5 seconds\nnil\n"


def test_channels_snippet():
    text = snippet(8)
    first = text.split("# Bounded channel")[0]
    # As written, the top level ends at once: its scope cancels both tasks
    # before they print anything, and records them as leaks (CONCURRENCY.md §2).
    out, interp = run(first)
    assert out == ""
    assert [(leak.task_id, leak.scope) for leak in interp.diagnostics.leaks] == [
        (1, "the module"), (2, "the module")]
    # Given time, the consumer receives every value in order, then sees nil.
    out, interp = run(first + "await async.sleep(2)\n")
    assert out == "".join(f"Received: {i}\n" for i in range(10))
    assert interp.diagnostics.leaks == []
    out, _ = run("let channel = async.channel(capacity: 10)\nputs(channel.capacity)\n")
    assert out == "10\n"


def test_parallel_task_execution_snippet():
    text = snippet(11)
    parts = text.split("let results = ")
    out, _ = run("let results = " + parts[1].replace("task2()", "fetch_data()")
                 + "puts(results)\n")
    assert out == "[result1, data, result3]\n"
    out, _ = run("let results = " + parts[2] + "puts(results.ok, \" \", "
                 "results.err.map(fun (e) e.message() end))\n")
    assert out == "[result1, result3] [error2]\n"
    race = text.split("# Race - return first to complete, cancel others")[1].split("# Race ok")[0]
    out, _ = run(race + "puts(winner)\n")
    assert out == "server2\n"
    race_ok = text.split("# Race ok - return first successful result")[1]
    out, _ = run(race_ok + "puts(result)\n")
    assert out == "might_fail2 ok\n"


def test_yield_and_block_on_snippet():
    text = snippet(12)
    out, _ = run(text + "await cooperative_task()\nmain()\n")
    assert out == "data\n"


def test_task_cancellation_snippet():
    text = snippet(22)
    out, _ = run(text + '''
let t = async.spawn(fun () long_task() end)
await async.yield_now()
await async.yield_now()
puts(t.state())
t.cancel()
await async.sleep(1)
puts(t.is_finished(), " ", t.state())
''')
    # Trio delivers the cancellation at the task's next checkpoint (its
    # yield_now), so the task ends there without reaching is_cancelled().
    assert out == "running\ntrue cancelled\n"


def test_error_handling_snippets():
    out, _ = run(snippet(23) + "await handle_error()\n")
    assert out == "Caught: Something went wrong\n"
    out, _ = run(snippet(24))
    assert out == "Task panicked: Panic in task\n"


def test_api_reference_snippets():
    out, _ = run(snippet(25) + "puts(task.name, \" \", await task, \" \", calls)\n")
    assert out == "worker-1 long [long_operation]\n"
    out, _ = run(snippet(26) + "puts(result)\n")
    assert out == "data\n"
    out, _ = run(snippet(27) + "puts(async.now())\n")
    assert out == "1.5\n"
    # `let result` is local to the try body: show it there.
    out, _ = run(snippet(28).replace("catch", "    puts(result)\ncatch"))
    assert out == "data\n"
    out, _ = run(snippet(28) + "puts(\"after\")\n",
                 PRELUDE.replace("await async.sleep(1) \"data\"", "await async.sleep(6) \"data\""))
    assert out == "Timeout!\nafter\n"
    # Here task1..task3 are tasks, so the prelude's functions of those names go.
    tasks_prelude = PRELUDE.split("async fun task1()")[0] + (
        "async fun job1() await async.sleep(1) \"result1\" end\n"
        "async fun job2() await async.sleep(2) raise ValueErr.new(\"error2\") end\n"
        "async fun job3() await async.sleep(3) \"result3\" end\n"
        "let task1 = async.spawn(fun () job1() end)\n"
        "let task2 = async.spawn(fun () fetch_data() end)\n"
        "let task3 = async.spawn(fun () job3() end)\n")
    out, _ = run(snippet(29) + "puts(results)\n", tasks_prelude)
    assert out == "[result1, data, result3]\n"
    out, _ = run(snippet(30), tasks_prelude.replace("fun () fetch_data()", "fun () job2()"))
    assert out == "2 succeeded, 1 failed\n"
    out, _ = run(snippet(31) + "puts(winner)\n", tasks_prelude)
    assert out == "result1\n"
    out, _ = run(snippet(32) + "puts(result)\n")
    assert out == "backup\n"
    out, _ = run(snippet(33) + "puts(\"yielded\")\n")
    assert out == "yielded\n"
    unbounded, bounded = snippet(34).strip().split("\n")
    out, _ = run(unbounded + "\nputs(chan.capacity)\n")
    assert out == "nil\n"
    out, _ = run(bounded + "\nputs(chan.capacity)\n")
    assert out == "100\n"
    chans = ("let chan1 = async.channel()\nlet chan2 = async.channel()\nlet chan3 = async.channel()\n"
             "async.spawn(fun () await async.sleep(1) await chan2.send(\"hello\") end)\n")
    out, _ = run(chans + snippet(35))
    assert out == "Received from channel 1: hello\n"
