"""An ensure block runs to its end whatever cancelled its task: its awaits
are shielded, and bounded by a grace period (5 s) when the block starts
while its task is being cancelled (CONCURRENCY.md §3, docs/concurrency.md).
Virtual time (MockClock) shows how long each cleanup took."""

import pytest

from async_runner import output

CLEANUP = '''
        try
            await async.sleep(10)
        ensure
            let began = async.now()
            await async.sleep(1)
            puts("cleanup ran for " .. (async.now() - began).str() .. " s")
        end
'''


def test_after_task_cancel():
    assert output('''
        use "std/async"
        let t = async.spawn(fun ()''' + CLEANUP + '''
        end)
        await async.sleep(0.5)
        t.cancel()
        try await t catch e puts(e.type()) end
    ''') == "cleanup ran for 1 s\nCancelledError\n"


def test_after_a_timeout():
    assert output('''
        use "std/async"
        try
            await async.timeout(fun ()''' + CLEANUP + '''
            end, 0.5)
        catch e
            puts(e.type())
        end
    ''') == "cleanup ran for 1 s\nTimeoutError\n"


def test_after_a_failing_nursery_sibling():
    assert output('''
        use "std/async"
        try
            await async.nursery(fun (n)
                n.spawn(fun ()''' + CLEANUP + '''
                end)
                n.spawn(fun () await async.sleep(0.5) raise "sibling failed" end)
            end)
        catch e
            puts(e.message())
        end
    ''') == "cleanup ran for 1 s\nsibling failed\n"


def test_after_scope_exit():
    assert output('''
        use "std/async"
        async fun main()
            async.spawn(fun ()''' + CLEANUP + '''
            end)
            await async.sleep(0.5)
        end
        await main()
        puts("main returned")
    ''') == "cleanup ran for 1 s\nmain returned\n"


def test_a_cancellation_during_the_block_waits_for_its_end():
    assert output('''
        use "std/async"
        let t = async.spawn(fun ()
            try
                nil
            ensure
                await async.sleep(2)
                puts("cleanup finished")
            end
            await async.sleep(10)
            puts("never")
        end)
        await async.sleep(1)
        t.cancel()
        try await t catch e puts(e.type() .. " at " .. async.now().str()) end
    ''') == "cleanup finished\nCancelledError at 2\n"


@pytest.mark.parametrize("grace", [5])
def test_a_stuck_cleanup_of_a_cancelled_task_is_cut_after_the_grace_period(grace):
    assert output('''
        use "std/async"
        let t = async.spawn(fun ()
            try
                await async.sleep(10)
            ensure
                puts("cleanup starts")
                await async.sleep(100)
                puts("never")
            end
        end)
        await async.sleep(1)
        t.cancel()
        try await t catch e puts(e.type() .. " at " .. async.now().str()) end
    ''') == f"cleanup starts\nCancelledError at {1 + grace}\n"


def test_a_sync_ensure_block_costs_nothing_and_a_sync_program_needs_no_trio():
    assert output('''
        try
            puts("body")
        ensure
            puts("ensure")
        end
    ''') == "body\nensure\n"
