"""Stress: producers and consumers over channels of capacity 0, 1 and
unbounded, consumers using select with random timeouts, timed-out recv, and
random cancellation (CONCURRENCY.md §5).  Every value sent is delivered
exactly once, each producer's values arrive in the order it sent them, and no
task outlives its scope.  Hypothesis draws the plans; MockClock runs them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from async_runner import run_async

CAPACITIES = st.sampled_from(["nil", "0", "1", "3"])
DELAYS = st.sampled_from([0, 0.1, 0.5, 2])
TIMEOUTS = st.lists(st.sampled_from([0.05, 0.3, 1, 5]), min_size=1, max_size=3)


@st.composite
def plans(draw):
    channels = draw(st.lists(CAPACITIES, min_size=1, max_size=3))
    producers = draw(st.lists(
        st.tuples(st.integers(0, len(channels) - 1), st.integers(0, 12), DELAYS),
        min_size=1, max_size=4))
    # consumer 0 selects and is never cancelled, so everything is drained
    consumers = [("select", draw(TIMEOUTS))] + draw(st.lists(
        st.tuples(st.sampled_from(["select", "recv", "for"]), TIMEOUTS), max_size=3))
    kills = draw(st.lists(st.tuples(st.integers(1, 3), st.sampled_from([0, 0.2, 1, 3])),
                          max_size=3))
    return channels, producers, consumers, kills


def program(channels, producers, consumers, kills) -> str:
    caps = ", ".join(channels)
    plan = ", ".join(f"[{k}, {count}, {delay}]" for k, count, delay in producers)
    cons = ", ".join(f'["{kind}", {list(ts)}]' for kind, ts in consumers)
    kill = ", ".join(f"[{who}, {when}]" for who, when in kills if who < len(consumers))
    return f'''
use "std/async"
let chans = [{caps}].map(fun (c) if c == nil async.channel() else async.channel(capacity: c) end end)
let log = []
let sent = []

async fun producer(id, k, count, delay)
    for s in 0 until count
        let v = id * 1000 + s
        await chans[k].send(v)
        sent.push(v)
        if delay > 0 await async.sleep(delay) end
    end
end

async fun selecting(cid, timeouts)
    let open = chans.filter(fun (c) true end)
    let i = 0
    while open.len() > 0
        let r = await async.select(open + [async.timeout_channel(timeouts[i % timeouts.len()])])
        i = i + 1
        if r.index == open.len()
            nil
        elif r.closed
            open = open.filter(fun (c) c != r.channel end)
        else
            log.push(cid * 10000 + r.value)
        end
    end
end

async fun receiving(cid, timeouts)
    let i = 0
    let open = chans.filter(fun (c) true end)
    while open.len() > 0
        let ch = open[i % open.len()]
        i = i + 1
        try
            let v = await async.timeout(ch.recv(), timeouts[i % timeouts.len()])
            if v == nil
                open = open.filter(fun (c) c != ch end)
            else
                log.push(cid * 10000 + v)
            end
        catch async.TimeoutError
            nil
        end
    end
end

async fun iterating(cid, timeouts)
    for ch in chans
        for v in ch log.push(cid * 10000 + v) end
    end
end

let plan = [{plan}]
let cplan = [{cons}]
let kills = [{kill}]
await async.nursery(fun (n)
    let producers = []
    for p in 0 until plan.len()
        let spec = plan[p]
        producers.push(n.spawn(fun () producer(p, spec[0], spec[1], spec[2]) end))
    end
    for k in 0 until chans.len()
        let mine = []
        for p in 0 until plan.len()
            if plan[p][0] == k mine.push(producers[p]) end
        end
        n.spawn(fun ()
            await async.join_all(mine)
            chans[k].close()
        end)
    end
    let consumers = []
    for cid in 0 until cplan.len()
        let kind = cplan[cid][0], ts = cplan[cid][1]
        consumers.push(n.spawn(fun ()
            if kind == "select" await selecting(cid, ts)
            elif kind == "recv" await receiving(cid, ts)
            else await iterating(cid, ts)
            end
        end))
    end
    n.spawn(fun ()
        for k in kills
            await async.sleep(k[1])
            consumers[k[0]].cancel()
        end
    end)
end)
puts(log)
puts(sent)
'''


def _values(line: str) -> list[int]:
    inner = line.strip()[1:-1]
    return [int(x) for x in inner.split(", ")] if inner else []


def _received(line: str) -> list[tuple[int, int]]:
    """(consumer, value) in the order the consumers logged them."""
    return [divmod(x, 10000) for x in _values(line)]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plans())
def test_every_value_is_delivered_exactly_once_in_order(plan):
    out, interp = run_async(program(*plan), dedent=False)
    log_line, sent_line = out.splitlines()
    received, sent = _received(log_line), _values(sent_line)
    assert sorted(v for _, v in received) == sorted(sent)   # none lost, none twice
    assert len(sent) == sum(count for _, count, _ in plan[1])
    # Each consumer gets each producer's values in the order they were sent.
    for c in range(len(plan[2])):
        for p in range(len(plan[1])):
            mine = [v for who, v in received if who == c and v // 1000 == p]
            assert mine == sorted(mine)
    # everything ran inside the nursery and was waited for
    assert interp.diagnostics.leaks == []
    assert interp.diagnostics.unobserved == []


def test_cancelled_selects_on_rendezvous_channels_take_nothing():
    """Pinned down: two of three selecting consumers are cancelled while
    producers block on rendezvous channels; the third gets everything."""
    channels = ["0", "0"]
    producers = [(0, 5, 0), (1, 5, 0)]
    consumers = [("select", [5]), ("select", [0.05]), ("select", [0.05])]
    kills = [(1, 0), (2, 0)]
    out, _ = run_async(program(channels, producers, consumers, kills), dedent=False)
    log_line, sent_line = out.splitlines()
    everything = [0, 1, 2, 3, 4, 1000, 1001, 1002, 1003, 1004]
    assert sorted(v for _, v in _received(log_line)) == everything
    assert sorted(_values(sent_line)) == everything
