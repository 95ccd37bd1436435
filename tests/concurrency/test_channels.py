"""CONCURRENCY.md §5 (channels, select) and §6 (block_on, threads), sync primitives."""

import pytest

from async_runner import output, run_async


def test_unbounded_channel_close_and_drain():
    assert output('''
        use "std/async"
        let ch = async.channel()
        await ch.send(1)
        await ch.send(2)
        puts(ch.len(), " ", ch.capacity, " ", ch.is_closed())
        ch.close()
        puts(await ch.recv(), " ", await ch.recv(), " ", await ch.recv(), " ", ch.is_closed())
        try
            await ch.send(3)
        catch async.ChannelClosedError as e
            puts("send after close: ", e.type())
        end
        puts(ch.try_send(4))
    ''') == "2 nil false\n1 2 nil true\nsend after close: ChannelClosedError\nfalse\n"


def test_send_nil_is_a_value_error():
    assert output('''
        use "std/async"
        let ch = async.channel()
        try await ch.send(nil) catch e: ValueErr puts(e.message()) end
    ''') == "Cannot send nil on a channel: nil means closed\n"


def test_bounded_channel_back_pressure_and_try_send_try_recv():
    assert output('''
        use "std/async"
        let ch = async.channel(capacity: 2)
        puts(ch.try_send("a"), ch.try_send("b"), ch.try_send("c"), " ", ch.len(), " ", ch.capacity)
        let sender = async.spawn(fun () await ch.send("d") "sent at " .. async.now() end)
        await async.sleep(5)
        puts(sender.is_finished(), " ", ch.try_recv())
        puts(await sender, " ", ch.try_recv(), ch.try_recv(), " ", ch.try_recv())
    ''') == "truetruefalse 2 2\nfalse a\nsent at 5 bd nil\n"


def test_rendezvous_channel_hands_over_directly():
    assert output('''
        use "std/async"
        let ch = async.channel(capacity: 0)
        puts(ch.try_send(1))
        let got = async.spawn(fun () await ch.recv() end)
        await ch.send("hand-over")
        puts(await got)
    ''') == "false\nhand-over\n"


def test_for_in_channel_receives_until_closed():
    assert output('''
        use "std/async"
        let ch = async.channel()
        async.spawn(fun ()
            let i = 0
            while i < 3
                await ch.send(i)
                await async.sleep(0.1)
                i = i + 1
            end
            ch.close()
        end)
        let got = []
        for msg in ch
            got.push(msg)
        end
        puts(got)
    ''') == "[0, 1, 2]\n"


def test_select_returns_channel_value_index_and_closed():
    assert output('''
        use "std/async"
        let a = async.channel()
        let b = async.channel()
        async.spawn(fun () await async.sleep(1) await b.send("from b") end)
        let r = await async.select([a, b])
        puts(r.index, " ", r.value, " ", r.closed, " ", r.channel == b)
        a.close()
        let c = await async.select([a])
        puts(c.index, " ", c.value, " ", c.closed)
        let t = await async.select([async.channel(), async.timeout_channel(2)])
        puts(t.index, " ", t.value, " at ", async.now())
    ''') == "1 from b false true\n0 nil true\n1 true at 3\n"


def test_qep_select_loop_with_timeout_channel():
    assert output('''
        use "std/async"
        async fun handle_messages()
            let chan1 = async.channel()
            let chan2 = async.channel()
            let timeout_chan = async.timeout_channel(5)
            async.spawn(fun () await chan1.send("one") await async.sleep(1) await chan2.send("two") end)
            while true
                let result = await async.select([
                    chan1,
                    chan2,
                    timeout_chan
                ])
                if result.index == 0
                    puts(f"Channel 1: {result.value}")
                elif result.index == 1
                    puts(f"Channel 2: {result.value}")
                elif result.index == 2
                    puts("Timeout!")
                    break
                end
            end
        end
        await handle_messages()
    ''') == "Channel 1: one\nChannel 2: two\nTimeout!\n"


def test_select_losers_give_values_back():
    # Two values arrive at once on two channels: select takes one, the other
    # stays in its channel, in order.
    assert output('''
        use "std/async"
        let a = async.channel()
        let b = async.channel()
        let firsts = []
        async.spawn(fun () await async.sleep(1) a.try_send("a1") a.try_send("a2") b.try_send("b1") end)
        let r = await async.select([a, b])
        firsts.push(r.value)
        let rest = []
        while a.len() + b.len() > 0
            rest.push((await async.select([a, b])).value)
        end
        puts((firsts + rest).sorted(), " ", a.try_recv(), " ", b.try_recv())
    ''') == "[a1, a2, b1] nil nil\n"


def test_block_on_at_top_level_from_sync_code_and_without_a_loop():
    assert output('''
        use "std/async"
        async fun fetch_data() await async.sleep(1) "data" end
        let ticks = []
        async.spawn(fun () let i = 0 while i < 3 await async.sleep(0.4) ticks.push(i) i += 1 end end)
        fun main()
            let result = async.block_on(fun () fetch_data() end)
            puts(result, " while ticking: ", ticks)
        end
        main()
        puts(async.block_on(fun () 7 end))
    ''') == "data while ticking: [0, 1]\n7\n"


def test_block_on_starts_a_loop_when_none_runs(tmp_path):
    from quest_runner import output as sync_output

    assert sync_output('''
        use "std/async"
        async fun f(x) await async.sleep(0) x * 3 end
        puts(async.block_on(fun () f(14) end))
    ''') == "42\n"


def test_run_in_thread():
    assert output('''
        use "std/async"
        let value = await async.run_in_thread(fun () 6 * 7 end)
        puts(value)
    ''') == "42\n"


def test_sync_primitives():
    assert output('''
        use "std/async"
        let lock = async.Lock()
        let log = []
        async fun critical(name)
            async with lock
                log.push(name .. " in")
                await async.sleep(1)
                log.push(name .. " out")
            end
        end
        await async.join_all([critical("a"), critical("b")])
        puts(log.len(), " ", log[0].split(" ")[0] == log[1].split(" ")[0], " ", lock.locked())
        let ev = async.Event.new()
        let waiter = async.spawn(fun () await ev.wait() "woken at " .. async.now() end)
        await async.sleep(3)
        ev.set()
        puts(await waiter, " ", ev.is_set())
        let sem = async.Semaphore(2)
        let limiter = async.CapacityLimiter(3)
        await sem.acquire()
        puts(sem.value(), " ", limiter.total_tokens(), " ", limiter.available_tokens())
        sem.release()
        puts(sem.value())
    ''') == "4 true false\nwoken at 5 true\n1 3 3\n2\n"


def test_for_over_a_channel_in_sync_code_explains_itself():
    from async_runner import error_report

    assert error_report('''
        use "std/async"
        let ch = async.channel()
        fun drain() for x in ch end end
        drain()
    ''').startswith("prog.q:3:13: TypeErr: Cannot iterate over a Channel here: 'for' over a "
                      "Channel needs an async function (one that uses await)\n")


def test_async_streams():
    assert output('''
        use "std/async"
        let lines = ["a", "b"]
        let i = 0
        let stream = async.stream(fun ()
            if i < lines.len()
                i += 1
                lines[i - 1]
            else
                nil
            end
        end)
        puts(await stream.next(), " ", await stream.next(), " ", await stream.next())
        let s2 = async.stream(fun () nil end)
        for x in s2 puts("never") end
        puts("done")
    ''') == "a b nil\ndone\n"


@pytest.mark.parametrize("capacity", ["", "capacity: 0", "capacity: 1"])
def test_every_value_delivered_once_in_order_with_several_consumers(capacity):
    out, interp = run_async(f'''
        use "std/async"
        let ch = async.channel({capacity})
        let producers = [1, 2].map(fun (p)
            async.spawn(fun ()
                for i in 1 to 50 await ch.send(p * 1000 + i) end
            end)
        end)
        async fun consume()
            let mine = []
            for v in ch mine.push(v) end
            mine
        end
        let consumers = [1, 2, 3].map(fun (c) async.spawn(fun () consume() end) end)
        await async.join_all(producers)
        ch.close()
        let results = await async.join_all(consumers)
        let all = results.reduce(fun (acc, xs) acc + xs end, [])
        puts(all.len(), " ", Set.new(all).len())
        for r in results
            let ones = r.filter(fun (v) v < 2000 end)
            puts(ones == ones.sorted())
        end
    ''')
    assert out == "100 100\ntrue\ntrue\ntrue\n"
