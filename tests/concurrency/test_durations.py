"""One rule for the durations of async.sleep, async.timeout and
async.timeout_channel (docs/concurrency.md, "Durations"): checked before any
work starts; NaN a ValueErr, a non-number a TypeErr naming its type;
negative like 0; too long for a Float or infinite: for ever."""

import pytest

from async_runner import error_report, output

CALLS = {
    "sleep": "await async.sleep({d})",
    "timeout": "await async.timeout(work, {d})",
    "timeout_channel": "async.timeout_channel({d})",
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("duration, error", [
    ('"nan".to_float()', "ValueErr: async.{name}() expects a number of seconds, got NaN"),
    ('Decimal.new("NaN")', "ValueErr: async.{name}() expects a number of seconds, got NaN"),
    ('"1"', "TypeErr: async.{name}() expects a number of seconds, got Str"),
    ("nil", "TypeErr: async.{name}() expects a number of seconds, got Nil"),
    ("true", "TypeErr: async.{name}() expects a number of seconds, got Bool"),
    ("[1]", "TypeErr: async.{name}() expects a number of seconds, got Array"),
])
def test_a_duration_that_is_no_number_of_seconds_is_refused_before_any_work(name, duration,
                                                                           error):
    report = error_report(f'''
        use "std/async"
        let calls = [0]
        fun work() calls[0] += 1 end
        {CALLS[name].format(d=duration)}
    ''')
    assert report.startswith(f"prog.q:4:1: {error.format(name=name)}\n"), report


def test_timeout_never_calls_its_work_when_the_duration_is_wrong():
    assert output('''
        use "std/async"
        let calls = [0]
        fun work() calls[0] += 1 end
        try await async.timeout(work, "nan".to_float()) catch e: ValueErr puts(e.message()) end
        try await async.timeout(work, "soon") catch e: TypeErr puts(e.message()) end
        puts(calls[0])
    ''') == ("async.timeout() expects a number of seconds, got NaN\n"
             "async.timeout() expects a number of seconds, got Str\n0\n")


SLEEPS = '''
    use "std/async"
    let order = []
    async.spawn(fun () order.push("other task") end)
    await async.sleep({d})
    order.push("first sleep")
    await async.sleep({d})
    order.push("second sleep")
    puts(order.join(", "), " at ", async.now())
'''


@pytest.mark.parametrize("d", [-1, -0.5, 0])
def test_a_negative_sleep_is_a_checkpoint_like_sleep_0(d):
    """Two checkpoints let the spawned task run (Trio picks which of the
    first two goes first), and no time passes."""
    assert output(SLEEPS.format(d=d)) in ("first sleep, other task, second sleep at 0\n",
                                          "other task, first sleep, second sleep at 0\n")


def test_a_negative_timeout_times_out_at_the_first_checkpoint_of_the_work():
    assert output('''
        use "std/async"
        async fun slow() await async.sleep(1) "slow" end
        async fun instant() "instant" end
        try await async.timeout(slow, -5)
        catch e: async.TimeoutError puts(e.message(), " at ", async.now()) end
        puts(await async.timeout(instant, -5), " ", await async.timeout(fun () "sync" end, -5))
        let ch = async.channel()
        let got = await async.select([ch, async.timeout_channel(-2)])
        puts(got["index"], " ", got["value"], " at ", async.now())
    ''') == "Timed out after 0 seconds at 0\ninstant sync\n1 true at 0\n"


@pytest.mark.parametrize("duration", ["10 ** 400", "1e308 * 10", "BigInt.new(10 ** 400)",
                                      'Decimal.new("1e400")'])
def test_a_duration_too_long_for_a_float_waits_for_ever(duration):
    assert output(f'''
        use "std/async"
        try
            await async.timeout(fun () await async.sleep({duration}) end, 5)
        catch e: async.TimeoutError
            puts("sleep: ", e.message(), " at ", async.now())
        end
        async fun work() await async.sleep(3) "work done" end
        puts(await async.timeout(work, {duration}), " at ", async.now())
        let ch = async.channel()
        async.spawn(fun () await async.sleep(2) await ch.send("sent") end)
        let got = await async.select([ch, async.timeout_channel({duration})])
        puts(got["value"], " at ", async.now())
    ''') == "sleep: Timed out after 5 seconds at 5\nwork done at 8\nsent at 10\n"


def test_1e308_seconds_is_a_duration_like_any_other():
    assert output('''
        use "std/async"
        try await async.timeout(fun () await async.sleep(1e308) end, 5)
        catch e: async.TimeoutError puts(e.message()) end
        async fun work() await async.sleep(3) "work done" end
        puts(await async.timeout(work, 1e308))
    ''') == "Timed out after 5 seconds\nwork done\n"
