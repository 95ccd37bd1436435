"""CONCURRENCY.md §3-§6 details: every await of a std/async operation is a
checkpoint (so a cancelled task stops there, and nothing is consumed); tasks
cancelled before they start; several awaiters; the async error types in
every catch form; block_on from a task and from a worker thread."""

import pytest

from async_runner import error_report, output

CHECKPOINTS = [
    "await ch.send(1)",                 # unbounded: never blocks
    "await ch.recv()",                  # a value is there already
    "await async.select([ch])",
    "await done",
    "await async.join_all([])",
    "await async.join_all([done])",
    "await async.race([done])",
    "await async.yield_now()",
    "await async.sleep(0)",
    "await async.timeout(done, 5)",
]


@pytest.mark.parametrize("operation", CHECKPOINTS)
def test_every_std_async_await_is_a_checkpoint(operation):
    # The task cancels itself, then does an operation that would not block:
    # being a checkpoint, it raises Cancelled there and consumes nothing.
    assert output(f'''
        use "std/async"
        let ch = async.channel()
        let log = []
        let done = async.spawn(fun () "done" end)
        await done
        await ch.send(0)
        let t = async.spawn(fun ()
            await async.yield_now()
            t.cancel()
            log.push("before")
            {operation}
            log.push("after")
        end)
        try await t catch async.CancelledError puts("cancelled") end
        let left = []
        while ch.len() > 0 left.push(ch.try_recv()) end
        puts(log, " ", left, " ", t.state())
    ''') == "cancelled\n[before] [0] cancelled\n"


def test_a_task_cancelled_before_it_starts_never_runs():
    assert output('''
        use "std/async"
        let ran = []
        let t = async.spawn(fun () ran.push("body") end, name: "early")
        t.cancel()
        puts(t.is_cancelled(), " ", t.is_finished(), " ", t.state())
        try await t catch async.CancelledError as e puts(e.message()) end
        puts(ran, " ", t.state(), " ", t.is_finished())
    ''') == "true false pending\nTask 1 (early) was cancelled\n[] cancelled true\n"


def test_is_cancelled_is_true_once_cancellation_is_requested():
    assert output('''
        use "std/async"
        let seen = []
        let t = async.spawn(fun ()
            await async.yield_now()
            seen.push(async.is_cancelled())
            t.cancel()
            seen.push(async.is_cancelled())
            await async.yield_now()
            seen.push("not reached")
        end)
        try await t catch async.CancelledError nil end
        puts(seen, " ", async.is_cancelled())
    ''') == "[false, true] false\n"


def test_a_task_may_be_awaited_by_several_awaiters_and_many_times():
    assert output('''
        use "std/async"
        let ok = async.spawn(fun () await async.sleep(1) "value" end)
        let bad = async.spawn(fun () await async.sleep(1) raise KeyErr.new("no key") end)
        async fun outcome(t)
            try
                await t
            catch e
                e.type() .. ": " .. e.message()
            end
        end
        puts(await async.join_all([outcome(ok), outcome(ok), outcome(bad), outcome(bad)]))
        puts(await ok, " ", await ok, " ", await outcome(bad))
    ''') == "[value, value, KeyErr: no key, KeyErr: no key]\nvalue value KeyErr: no key\n"


ERRORS = {
    "TimeoutError": "await async.timeout(async.sleep(10), 1)",
    "ChannelClosedError": "let c = async.channel()\n    c.close()\n    await c.send(1)",
    "CancelledError": "let t = async.spawn(fun () await async.sleep(5) end)\n"
                      "    await async.sleep(1)\n    t.cancel()\n    await t",
    "TaskGroupError": "await async.nursery(fun (n)\n"
                      "        n.spawn(fun () raise \"a\" end)\n"
                      "        n.spawn(fun () raise \"b\" end)\n    end)",
    "AllFailedError": "await async.race_ok([fun () raise \"a\" end, fun () raise \"b\" end])",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_async_errors_are_caught_in_every_catch_form(name):
    raising = ERRORS[name]
    forms = [f"catch async.{name} as e\n    puts(\"as: \", e.type())",
             f"catch async.{name}\n    puts(\"bare\")",
             f"catch e: async.{name}\n    puts(\"typed: \", e.type())",
             "catch e\n    puts(\"any: \", e.type())"]
    program = 'use "std/async"\n' + "".join(
        f"try\n    {raising}\n{form}\nend\n" for form in forms)
    assert output(program) == f"as: {name}\nbare\ntyped: {name}\nany: {name}\n"


def test_task_group_and_all_failed_errors_list_their_errors():
    assert output('''
        use "std/async"
        try
            await async.race_ok([fun () raise "first" end, fun () raise ValueErr.new("second") end])
        catch e: async.AllFailedError
            puts(e.message(), ": ", e.errors().map(fun (x) x.type() .. " " .. x.message() end))
        end
        async fun careless()
            async.spawn(fun () raise "x" end)
            async.spawn(fun () raise "y" end)
            await async.sleep(1)
        end
        try
            await careless()
        catch e: async.TaskGroupError
            puts(e.message(), ": ", e.errors().map(fun (x) x.message() end))
        end
    ''') == ("All 2 tasks failed: [RuntimeErr first, ValueErr second]\n"
             "2 tasks failed: [x, y]\n")


def test_an_uncaught_task_group_error_reports_each_error_with_its_place():
    assert error_report('''
        use "std/async"
        let a = async.spawn(fun () raise "one" end)
        let b = async.spawn(fun () raise ValueErr.new("two") end)
        await async.sleep(1)
    ''') == '''\
TaskGroupError: 2 tasks failed
  [1] prog.q:2:28: RuntimeErr: one
      Quest stack (innermost last):
        at <anonymous> (prog.q:2)
          let a = async.spawn(fun () raise "one" end)
                                     ^
  [2] prog.q:3:28: ValueErr: two
      Quest stack (innermost last):
        at <anonymous> (prog.q:3)
          let b = async.spawn(fun () raise ValueErr.new("two") end)
                                     ^'''


def test_block_on_from_sync_code_in_a_task_suspends_only_that_task():
    assert output('''
        use "std/async"
        let ticks = []
        async fun slow() await async.sleep(1) "slow result" end
        fun helper()
            async.block_on(fun () slow() end)
        end
        let ticker = async.spawn(fun ()
            for i in 0 until 4
                await async.sleep(0.3)
                ticks.push(i)
            end
        end)
        let t = async.spawn(fun () helper() end)
        puts(await t, " ", ticks)
        await ticker
    ''') == "slow result [0, 1, 2]\n"


def test_block_on_from_a_worker_thread_runs_in_the_loop():
    assert output('''
        use "std/async"
        async fun in_loop(x) await async.sleep(1) x * 2 end
        let got = await async.run_in_thread(fun () async.block_on(fun () in_loop(21) end) end)
        puts(got)
    ''') == "42\n"


def test_async_misuse_is_reported_as_quest_errors():
    assert error_report('''
        use "std/async"
        async.spawn(5)
    ''').startswith("prog.q:2:1: TypeErr: async.spawn() expects a function, got Int\n")
    assert error_report('''
        use "std/async"
        await async.select([async.channel(), 3])
    ''').startswith("prog.q:2:1: TypeErr: select() expects channels, got Int\n")
    assert error_report('''
        use "std/async"
        await async.sleep("soon")
    ''').startswith("prog.q:2:1: TypeErr: async.sleep() expects a number of seconds, got Str\n")
    assert error_report('''
        use "std/async"
        async.channel(capacity: -1)
    ''').startswith("prog.q:2:1: ValueErr: Channel capacity must be an Int >= 0, got -1\n")
    assert error_report('''
        use "std/async"
        await async.join_all(5)
    ''').startswith("prog.q:2:1: TypeErr: async.join_all() expects an Array of tasks\n")


def test_block_on_takes_an_awaitable_as_well_as_a_function():
    assert output('''
        use "std/async"
        async fun f() await async.sleep(1) 5 end
        fun from_sync() async.block_on(f()) end
        puts(from_sync(), " ", async.block_on(f()), " ", async.block_on(fun () f() end))
    ''') == "5 5 5\n"
    assert error_report('''
        use "std/async"
        async.block_on(3)
    ''').startswith("prog.q:2:1: TypeErr: async.block_on() expects a function, got Int\n")
    assert error_report('''
        use "std/async"
        async fun f() 1 end
        async.block_on(f, 2)
    ''').startswith("prog.q:3:1: ArgErr: async.block_on() expects 1 argument, got 2\n")
