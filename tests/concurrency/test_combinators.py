"""CONCURRENCY.md §4: each combinator's success, failure and cancellation paths."""

import pytest

from async_runner import output

PRELUDE = '''
use "std/async"
let log = []
async fun after(secs, value)
    try
        await async.sleep(secs)
    ensure
        log.push("end " .. value)
    end
    value
end
async fun fail_after(secs, msg)
    await async.sleep(secs)
    raise ValueErr.new(msg)
end
'''


def run(body: str) -> str:
    return output(PRELUDE + body)


def test_join_all_returns_results_in_input_order():
    assert run('''
        let tasks = [async.spawn(fun () after(3, "a") end), async.spawn(fun () after(1, "b") end)]
        puts(await async.join_all(tasks), " ", await async.join_all([]))
        puts(await async.join_all([after(2, "c"), fun () after(1, "d") end]))
    ''') == "[a, b] []\n[c, d]\n"


def test_join_all_raises_the_first_error_and_cancels_the_rest():
    assert run('''
        let t1 = async.spawn(fun () after(10, "slow") end)
        let t2 = async.spawn(fun () fail_after(1, "broken") end)
        try
            await async.join_all([t1, t2])
        catch e
            puts(e.message(), " ", t1.is_cancelled(), " ", log)
        end
    ''') == "broken true [end slow]\n"


def test_join_all_cancelled_cancels_all_inputs():
    assert run('''
        let t1 = async.spawn(fun () after(10, "x") end)
        let t2 = async.spawn(fun () after(20, "y") end)
        try
            await async.timeout(async.join_all([t1, t2]), 1)
        catch async.TimeoutError
            puts("timed out ", t1.is_cancelled(), " ", t2.is_cancelled(), " ", log.sorted())
        end
    ''') == "timed out true true [end x, end y]\n"


def test_try_join_all_collects_successes_and_failures_in_order():
    assert run('''
        let r = await async.try_join_all([
            async.spawn(fun () after(2, 1) end),
            async.spawn(fun () fail_after(1, "bad") end),
            async.spawn(fun () after(3, 3) end)
        ])
        puts(r.ok, " ", r.err.map(fun (e) e.message() end), " ", r.ok.len(), " succeeded")
    ''') == "[1, 3] [bad] 2 succeeded\n"


def test_race_returns_the_first_and_cancels_the_losers():
    assert run('''
        let winner = await async.race([
            async.spawn(fun () after(3, "server1") end),
            async.spawn(fun () after(1, "server2") end),
            async.spawn(fun () after(2, "server3") end)
        ])
        puts(winner, " ", log.sorted())
    ''') == "server2 [end server1, end server2, end server3]\n"


def test_race_raises_a_first_error():
    assert run('''
        try
            await async.race([after(5, "late"), fail_after(1, "early failure")])
        catch e
            puts(e.message(), " ", log)
        end
    ''') == "early failure [end late]\n"


def test_race_ok_ignores_failures_until_one_succeeds():
    assert run('''
        let r = await async.race_ok([
            async.spawn(fun () fail_after(1, "primary down") end),
            async.spawn(fun () after(2, "backup") end),
            async.spawn(fun () after(9, "slow") end)
        ])
        puts(r, " ", log.sorted())
    ''') == "backup [end backup, end slow]\n"


def test_race_ok_all_failed():
    assert run('''
        try
            await async.race_ok([fail_after(1, "a"), fail_after(2, "b")])
        catch async.AllFailedError as e
            puts(e.message(), ": ", e.errors().map(fun (x) x.message() end))
        end
    ''') == "All 2 tasks failed: [a, b]\n"


def test_timeout_returns_the_value_or_raises_and_cancels_the_work():
    assert run('''
        puts(await async.timeout(after(1, "quick"), 5))
        let t = async.spawn(fun () after(10, "task") end)
        try
            await async.timeout(t, 2)
        catch async.TimeoutError as e
            puts(e.message(), " ", t.is_cancelled(), " ", log)
        end
        try
            await async.timeout(after(10, "coroutine"), 1)
        catch async.TimeoutError
            puts("coroutine cancelled: ", log.contains("end coroutine"))
        end
        puts(await async.timeout(fun () after(1, "fn") end, 3), " ", async.now())
    ''') == ("quick\nTimed out after 2 seconds true [end quick, end task]\n"
             "coroutine cancelled: true\nfn 5\n")


def test_qep_timeout_with_multiple_operations():
    assert run('''
        let task1 = async.spawn(fun () after(1, 1) end)
        let task2 = async.spawn(fun () after(2, 2) end)
        let task3 = async.spawn(fun () after(3, 3) end)
        let tasks = [task1, task2, task3]
        let results = await async.timeout(async.join_all(tasks), 10)
        puts(results)
    ''') == "[1, 2, 3]\n"


def test_sleep_and_retry_with_backoff():
    assert run('''
        let attempts = 0
        async fun flaky()
            attempts += 1
            if attempts < 3 raise "not yet" end
            "ok after " .. attempts
        end
        async fun retry_with_backoff(operation)
            let attempt = 0
            while attempt < 5
                try
                    return await operation()
                catch e
                    attempt = attempt + 1
                    if attempt < 5
                        let delay = 2 ** attempt
                        puts(f"Attempt {attempt} failed, retrying in {delay}s...")
                        await async.sleep(delay)
                    end
                end
            end
            raise "Max retries exceeded"
        end
        let start = async.now()
        puts(await retry_with_backoff(flaky), " after ", async.now() - start, "s")
    ''') == ("Attempt 1 failed, retrying in 2s...\nAttempt 2 failed, retrying in 4s...\n"
             "ok after 3 after 6s\n")


@pytest.mark.parametrize("combinator", ["join_all", "try_join_all", "race", "race_ok"])
def test_a_cancelled_combinator_cancels_all_its_inputs_and_waits_for_them(combinator):
    # Given tasks and awaitables alike; the TimeoutError is seen only after
    # every input has unwound (their ensure blocks ran).
    assert run(f'''
        let t = async.spawn(fun () after(10, "task") end)
        try
            await async.timeout(async.{combinator}([t, after(20, "awaitable")]), 1)
        catch async.TimeoutError
            puts(t.is_cancelled(), " ", t.state(), " ", log.sorted())
        end
    ''') == "true cancelled [end awaitable, end task]\n"
