"""CONCURRENCY.md §1: async functions and await."""

import pytest

from async_runner import error_report, output, run_async
from trioquest.errors import QuestSyntaxError


def test_calling_an_async_function_does_not_start_it_await_runs_it():
    assert output('''
        use "std/async"
        let log = []
        async fun work(x)
            log.push("ran " .. x)
            x * 2
        end
        let pending = work(1)
        log.push("called")
        let value = await pending
        puts(log, " ", value)
    ''') == "[called, ran 1] 2\n"


def test_async_methods_static_and_instance():
    assert output('''
        use "std/async"
        type Service
            pub base
            async fun compute(x) await async.sleep(1) self.base + x end
            static async fun make() await async.yield_now() Service.new(base: 10) end
            async fun self.other() 7 end
        end
        let s = await Service.make()
        puts(await s.compute(5), " ", await Service.other())
    ''') == "15 7\n"


def test_a_lambda_containing_await_is_async():
    assert output('''
        use "std/async"
        let f = fun (x) await async.sleep(0) x + 1 end
        puts(await f(1))
        let t = async.spawn(fun () await async.sleep(2) "slept" end)
        puts(await t)
    ''') == "2\nslept\n"


def test_await_of_a_value_that_is_not_awaitable_returns_it():
    assert output('''
        use "std/async"
        puts(await 5, " ", await "s", " ", await nil, " ", await [1])
    ''') == "5 s nil [1]\n"


def test_await_in_a_named_non_async_fun_is_a_compile_error():
    with pytest.raises(QuestSyntaxError) as info:
        run_async('''
            use "std/async"
            fun fetch()
                await async.sleep(1)
            end
        ''')
    err = info.value
    assert (err.line, err.col) == (3, 5)
    assert err.reason == ("'await' in fun 'fetch', which is not async: declare it "
                          "'async fun fetch'")


def test_top_level_await_and_spawn():
    assert output('''
        use "std/async"
        let t = async.spawn(fun () 40 + 2 end)
        puts(await t)
    ''') == "42\n"


def test_errors_propagate_through_await_and_are_catchable():
    assert output('''
        use "std/async"
        async fun might_fail() raise "Something went wrong" end
        async fun handle()
            try
                await might_fail()
            catch e
                puts("Caught: " .. e.message())
            end
        end
        await handle()
    ''') == "Caught: Something went wrong\n"


def test_uncaught_error_in_async_code_is_reported_with_location():
    report = error_report('''
        use "std/async"
        async fun boom() raise ValueErr.new("bad") end
        await boom()
    ''')
    assert report.startswith("prog.q:2:18: ValueErr: bad\n")


def test_async_with_uses_aenter_and_aexit_or_awaits_enter_and_exit():
    assert output('''
        use "std/async"
        let log = []
        type AsyncRes
            async fun _aenter() await async.sleep(1) log.push("aenter") self end
            async fun _aexit() log.push("aexit") end
        end
        type SyncRes
            fun _enter() log.push("enter") "value" end
            async fun _exit() await async.yield_now() log.push("exit") end
        end
        async with AsyncRes.new() as r
            log.push("body")
        end
        async with SyncRes.new() as v
            log.push(v)
        end
        puts(log)
    ''') == "[aenter, body, aexit, enter, value, exit]\n"


def test_async_type_and_async_trait_methods():
    assert output('''
        use "std/async"
        trait Repo
            async fun find(id)
        end
        async type Store
            impl Repo
                async fun find(id) await async.yield_now() "item " .. id end
            end
        end
        puts(await Store.new().find(3))
    ''') == "item 3\n"
