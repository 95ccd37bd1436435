"""The leak report fires only on what a user should look at (CONCURRENCY.md
§7): a task the program cancelled itself is not a leak, nor a sender whose
value was received, nor what a signal cancels (tests/test_signals.py)."""

from async_runner import run_async


def test_a_task_the_program_cancelled_itself_is_not_a_leak():
    _, interp = run_async('''
        use "std/async"
        let t = async.spawn(fun () await async.sleep(10) end, name: "cancelled")
        t.cancel()
        let u = async.spawn(fun () await async.sleep(10) end, name: "unwinding")
        await async.yield_now()
        u.cancel()
    ''')
    assert (interp.diagnostics.leaks, interp.diagnostics.anything()) == ([], False)


def test_a_sender_whose_value_was_received_is_not_blocked_nor_leaked():
    out, interp = run_async('''
        use "std/async"
        let ch = async.channel(capacity: 0)
        async fun main()
            async.spawn(fun () await ch.send(1) end, name: "sender")
            puts(await ch.recv())
        end
        await main()
    ''')
    assert out == "1\n"
    d = interp.diagnostics
    assert (d.leaks, d.blocked_channels, d.anything()) == ([], [], False)


def test_a_task_still_waiting_is_a_leak_with_its_channel():
    out, interp = run_async('''
        use "std/async"
        let ch = async.channel(capacity: 0)
        async fun main()
            async.spawn(fun () await ch.send(1) end, name: "sender 1")
            async.spawn(fun () await ch.send(2) end, name: "sender 2")
            puts(await ch.recv())
        end
        await main()
    ''')
    d = interp.diagnostics
    received = out.strip()      # Trio may park either sender first
    assert [leak.name for leak in d.leaks] == [f"sender {3 - int(received)}"]
    assert [(b.senders, b.receivers) for b in d.blocked_channels] == [(1, 0)]


def test_an_awaitable_still_held_when_the_program_ends_is_reported():
    out, interp = run_async('''
        use "std/async"
        let kept = async.sleep(1)
        puts("end")
    ''', track_origins=True)
    assert out == "end\n"
    assert [(n.what, str(n.site)) for n in interp.diagnostics.never_awaited] == [
        ("async.sleep()", "prog.q:2")]
