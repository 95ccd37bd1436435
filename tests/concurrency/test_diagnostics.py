"""CONCURRENCY.md §7: the diagnostics records, kept as plain data: leaks
with what each task waited on, unobserved failures, never-awaited
awaitables, channels left with blocked tasks, and the task tree."""

from async_runner import NESTED, run_async, snapshot_at
from trioquest.nursery_bridge.diagnostics import (
    BlockedChannel, Leak, NeverAwaited, ScopeNode, Site, TaskInfo, TaskNode, Unobserved)

LEAKS = '''
use "std/async"
let inbox = async.channel()
let handoff = async.channel(capacity: 0)
let a = async.channel()
let b = async.channel(capacity: 2)
let ev = async.Event()

async fun main()
    async.spawn(fun () await async.sleep(100) end, name: "sleeper")
    async.spawn(fun () await inbox.recv() end, name: "reader")
    async.spawn(fun () await handoff.send(1) end, name: "writer")
    async.spawn(fun () await async.select([a, b]) end)
    let waiter = async.spawn(fun () await ev.wait() end)
    async.spawn(fun () await waiter end)
    async.spawn(fun () await async.yield_now() for x in a puts(x) end end)
    await async.sleep(2)
end

await main()
'''


def test_each_leak_says_what_the_task_was_waiting_on():
    _, interp = run_async(LEAKS)
    scope = "main() called at prog.q:19"
    by = f"the end of {scope}"
    assert interp.diagnostics.leaks == [
        Leak(1, "sleeper", Site("prog.q", 9), scope, 2.0, "sleep, 98 s left at prog.q:9", by),
        Leak(2, "reader", Site("prog.q", 10), scope, 2.0,
             "recv on channel (unbounded) from prog.q:2 at prog.q:10", by),
        Leak(3, "writer", Site("prog.q", 11), scope, 2.0,
             "send on channel (capacity 0) from prog.q:3 at prog.q:11", by),
        Leak(4, None, Site("prog.q", 12), scope, 2.0,
             "select on channel (unbounded) from prog.q:4, channel (capacity 2) from prog.q:5"
             " at prog.q:12", by),
        Leak(5, None, Site("prog.q", 13), scope, 2.0, "Event.wait at prog.q:13", by),
        Leak(6, None, Site("prog.q", 14), scope, 2.0, "await task 5 at prog.q:14", by),
        Leak(7, None, Site("prog.q", 15), scope, 2.0,
             "for-in on channel (unbounded) from prog.q:4 at prog.q:15", by),
    ]


def test_channels_left_with_blocked_tasks_are_listed_once_each():
    _, interp = run_async(LEAKS)
    assert interp.diagnostics.blocked_channels == [
        BlockedChannel("channel (unbounded) from prog.q:2", senders=0, receivers=1),
        BlockedChannel("channel (capacity 0) from prog.q:3", senders=1, receivers=0),
        BlockedChannel("channel (unbounded) from prog.q:4", senders=0, receivers=2),
        BlockedChannel("channel (capacity 2) from prog.q:5", senders=0, receivers=1),
    ]
    assert interp.diagnostics.summary() == \
        "7 tasks cancelled at scope exit; 4 channels with blocked tasks"


def test_a_clean_program_has_nothing_to_report():
    _, interp = run_async('''
        use "std/async"
        let t = async.spawn(fun () await async.sleep(1) "ok" end)
        puts(await t)
    ''')
    assert not interp.diagnostics.anything()
    assert interp.diagnostics.summary() == ""


def test_unobserved_failures_are_recorded_with_where_they_were_raised():
    _, interp = run_async('''
        use "std/async"
        async fun main()
            async.spawn(fun () raise ValueErr.new("lost?") end, name: "careless")
            await async.sleep(1)
        end
        try
            await main()
        catch e: ValueErr
            puts("raised at scope exit: ", e.message())
        end
    ''')
    assert interp.diagnostics.unobserved == [
        Unobserved(1, "careless", Site("prog.q", 3), "ValueErr: lost?", Site("prog.q", 3))]
    assert interp.diagnostics.summary() == "1 unobserved failure"


NEVER = '''
use "std/async"
async fun fetch() 1 end
let ch = async.channel()
fetch()
ch.send(1)
let kept = fetch()
async fun later()
    fetch()
end
await later()
'''


def test_never_awaited_awaitables_are_reported_where_they_were_dropped():
    out, interp = run_async(NEVER)
    assert out == ""  # and no Python warning either
    assert interp.diagnostics.never_awaited == [
        NeverAwaited("fetch()", Site("prog.q", 4)),
        NeverAwaited("Channel.send()", Site("prog.q", 5)),
        NeverAwaited("fetch()", Site("prog.q", 10)),  # later() returned it, line 10 dropped it
        NeverAwaited("fetch()", None),                # `kept`, dropped as the program ended
    ]


def test_with_origins_tracked_they_are_reported_where_they_were_made():
    _, interp = run_async(NEVER, track_origins=True)
    assert interp.diagnostics.never_awaited == [
        NeverAwaited("fetch()", Site("prog.q", 4)),
        NeverAwaited("Channel.send()", Site("prog.q", 5)),
        NeverAwaited("fetch()", Site("prog.q", 8)),
        NeverAwaited("fetch()", Site("prog.q", 6)),
    ]
    assert interp.diagnostics.summary() == "4 awaitables never awaited"


def test_the_task_tree_nests_scopes_and_tasks():
    _, tree = snapshot_at(NESTED, 1)
    inner = TaskInfo(3, "inner-1", "running", Site("prog.q", 4), "worker() defined at prog.q:3",
                     1.0, "recv on channel (unbounded) from prog.q:2 at prog.q:4", None)
    w1 = TaskInfo(2, "w1", "running", Site("prog.q", 8), "main() called at prog.q:12", 1.0,
                  "sleep, 9 s left at prog.q:5", None)
    top = TaskInfo(1, "top", "running", Site("prog.q", 11), "the module", 1.0,
                   "sleep, 2 s left at prog.q:11", None)
    main = TaskInfo(None, None, "running", None, "the module", 1.0,
                    "sleep, 4 s left at prog.q:9", None, main=True)
    assert tree == (
        TaskNode(main, ()),
        ScopeNode("the module", (TaskNode(top, ()),)),
        ScopeNode("main() called at prog.q:12", (
            TaskNode(w1, (ScopeNode("worker() defined at prog.q:3",
                                    (TaskNode(inner, ()),)),)),)),
    )


def test_combinator_children_take_no_task_ids():
    out, _ = run_async('''
        use "std/async"
        async fun f(x) await async.sleep(x) x end
        puts(await async.join_all([f(1), f(2), fun () f(3) end]))
        let t = async.spawn(fun () f(1) end)
        puts(t.id)
    ''')
    assert out == "[1, 2, 3]\n1\n"


def test_leaks_waiting_on_sync_primitives():
    _, interp = run_async('''
        use "std/async"
        let lock = async.Lock()
        let sem = async.Semaphore(0)
        let limiter = async.CapacityLimiter(1)
        async fun main()
            async.spawn(fun () async with lock await async.sleep(50) end end)
            async.spawn(fun () await async.sleep(1) await lock.acquire() end)
            async.spawn(fun () async with sem nil end end)
            async.spawn(fun () await limiter.acquire() await async.sleep(50) end)
            async.spawn(fun () await async.sleep(1) async with limiter nil end end)
            await async.sleep(2)
        end
        await main()
    ''')
    assert [leak.waiting_on for leak in interp.diagnostics.leaks] == [
        "sleep, 48 s left at prog.q:6", "acquire Lock held by task 1 at prog.q:7",
        "acquire Semaphore at prog.q:8", "sleep, 48 s left at prog.q:9",
        "acquire CapacityLimiter at prog.q:10"]


def test_the_task_tree_also_sees_tasks_with_greenback_portals():
    # A module that calls block_on from a sync function makes every task
    # start directly, with a portal (greenback wraps its coroutine).
    _, with_portals = snapshot_at(NESTED + "fun sync_helper() async.block_on(fun () 1 end) end\n", 1)
    _, plain = snapshot_at(NESTED, 1)
    assert with_portals == plain
    assert len(plain[2].tasks[0].scopes[0].tasks) == 1
