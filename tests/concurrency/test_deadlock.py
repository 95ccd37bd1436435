"""Deadlock detection (CONCURRENCY.md §8, docs/concurrency.md): each case is
a .q program in deadlock/ run through the CLI; exit status, stdout and
stderr exactly (task ages vary, so they read ``age Xs``)."""

import re
import threading
from pathlib import Path

import pytest
import trio

from async_runner import run_async
from trioquest.cli import main

PROGRAMS = Path(__file__).parent / "deadlock"


def run(capsys, monkeypatch, name, *options):
    monkeypatch.chdir(PROGRAMS)
    status = main([*options, name])
    out, err = capsys.readouterr()
    return status, out, re.sub(r"age \d+\.\ds", "age Xs", err)


def test_main_awaiting_a_task_that_waits_for_ever(capsys, monkeypatch):
    assert run(capsys, monkeypatch, "await_task.q") == (1, "waiting\nensure ran\n", '''\
trioquest: deadlock: what each task waits on
├── main program  await task 1 (reader) at await_task.q:6
└── the module
    └── task 1 "reader"  running  recv on channel (unbounded) from await_task.q:2 at \
await_task.q:3  age Xs  spawned at await_task.q:3
await_task.q:6:5: DeadlockError: every task is waiting and nothing can wake any of them \
(the main program waits here: await task 1 (reader))
Quest stack (innermost last):
  at <module> (await_task.q:6)
        await reader
        ^
trioquest: 1 task cancelled at scope exit; 1 channel with blocked tasks (--leaks=report shows them)
''')


def test_a_pool_whose_jobs_channel_is_never_closed(capsys, monkeypatch):
    assert run(capsys, monkeypatch, "pool.q") == (1, "results: 1\nresults: 2\nresults: 3\n", '''\
trioquest: deadlock: what each task waits on
├── main program  for-in on channel (unbounded) from pool.q:5 at pool.q:18
└── the module
    ├── task 1 "worker-1"  running  for-in on channel (unbounded) from pool.q:4 at pool.q:7  \
age Xs  spawned at pool.q:12
    └── task 2 "worker-2"  running  for-in on channel (unbounded) from pool.q:4 at pool.q:7  \
age Xs  spawned at pool.q:12
pool.q:18:1: DeadlockError: every task is waiting and nothing can wake any of them \
(the main program waits here: for-in on channel (unbounded) from pool.q:5)
Quest stack (innermost last):
  at <module> (pool.q:18)
    for r in results
    ^
trioquest: 2 tasks cancelled at scope exit; 1 channel with blocked tasks (--leaks=report shows them)
''')


def test_a_lock_held_by_a_task_waiting_for_an_event(capsys, monkeypatch):
    status, out, err = run(capsys, monkeypatch, "lock_event.q")
    assert (status, out) == (1, "")
    assert err.splitlines()[:4] == [
        "trioquest: deadlock: what each task waits on",
        "├── main program  acquire Lock held by task 1 (holder) at lock_event.q:11",
        "└── the module",
        '    └── task 1 "holder"  running  Event.wait at lock_event.q:6  age Xs  '
        "spawned at lock_event.q:9",
    ]
    assert err.splitlines()[4] == (
        "lock_event.q:11:1: DeadlockError: every task is waiting and nothing can wake any of "
        "them (the main program waits here: acquire Lock held by task 1 (holder))")


def test_deadlock_error_is_a_quest_error_the_program_may_catch(capsys, monkeypatch):
    assert run(capsys, monkeypatch, "caught.q") == (0, '''\
caught: every task is waiting and nothing can wake any of them (the main program waits here: \
send on channel (capacity 0) from caught.q:2)
the program goes on
''', '''\
trioquest: deadlock: what each task waits on
└── main program  send on channel (capacity 0) from caught.q:2 at caught.q:4
''')


def test_tasks_awaiting_each_other_fail_at_once_while_others_run(capsys, monkeypatch):
    cycle = ("DeadlockError: Task 2 (b) awaits task 1 (a), which awaits task 2 (b) at "
             "cycle_await.q:5: a cycle of waits that can never end")
    status, out, err = run(capsys, monkeypatch, "cycle_await.q", "--failure-grace=0.1")
    assert status == 0
    assert out == f"tick 1\ntick 2\ntick 3\nb: {cycle}\na: {cycle}\n"
    # reported after the grace period (0.1 s), before the ticker ends (0.3 s)
    assert err.splitlines()[:2] == [
        "trioquest: task 1 (a) failed and nothing has awaited it (it is raised again when "
        "its scope ends):",
        f"cycle_await.q:6:52: {cycle}"]


def test_a_task_awaiting_itself(capsys, monkeypatch):
    status, out, err = run(capsys, monkeypatch, "self_await.q")
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == ("self_await.q:3:25: DeadlockError: Task 1 (narcissus) "
                                   "awaits itself: it would wait for ever")


def test_lock_order_inversion_is_reported_as_it_forms(capsys, monkeypatch):
    status, out, err = run(capsys, monkeypatch, "lock_order.q", "--failure-grace=0.1")
    cycle = ("lock_order.q:15:9: DeadlockError: Task 2 (backward) waits to acquire a Lock held "
             "by task 1 (forward), which waits to acquire a Lock held by task 2 (backward) at "
             "lock_order.q:7: a cycle of waits that can never end")
    assert (status, out) == (1, "forward has both\nticker done\nfinished\nfailed\n")
    assert err == f'''\
trioquest: task 2 (backward) failed and nothing has awaited it (it is raised again when its \
scope ends):
{cycle}
Quest stack (innermost last):
  at backward (lock_order.q:15)
            async with first
            ^
{cycle}
  (the failure of task 2 (backward), reported above)
trioquest: 1 unobserved failure (--leaks=report shows them)
'''


def test_acquiring_a_lock_one_holds_already(capsys, monkeypatch, tmp_path):
    (tmp_path / "twice.q").write_text('use "std/async"\nlet lock = async.Lock()\n'
                                      'await lock.acquire()\nawait lock.acquire()\n')
    monkeypatch.chdir(tmp_path)
    assert main(["twice.q"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "twice.q:4:1: DeadlockError: The main program already holds this Lock: acquiring it "
        "again would wait for ever")


def test_the_detector_agrees_with_a_mock_clock():
    # MockClock(autojump_threshold=0): no deadline pending, nothing can wake
    # the program, so it is a deadlock; a far deadline is not.
    from trioquest.eval.values.exceptions import to_quest_error
    from trioquest.nursery_bridge.errors import DeadlockError

    with pytest.raises(DeadlockError) as info:
        run_async('''
            use "std/async"
            let ch = async.channel()
            async.spawn(fun () await async.sleep(5) end)
            await ch.recv()
        ''')
    error = to_quest_error(info.value)
    assert (error.line, error.reason) == (4, (
        "every task is waiting and nothing can wake any of them (the main program waits "
        "here: recv on channel (unbounded) from prog.q:2)"))
    out, interp = run_async('''
        use "std/async"
        let ch = async.channel()
        async.spawn(fun () await async.sleep(1000000) await ch.send("late") end)
        puts(await ch.recv())
    ''')
    assert (out, interp.diagnostics.deadlocks) == ("late\n", [])


def test_deadlock_off_starts_no_detector(capsys, monkeypatch, tmp_path):
    from trioquest.nursery_bridge import deadlock

    started = []

    class Recording(deadlock.Watchdog):
        def __init__(self, *args, **kwargs):
            started.append(True)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr("trioquest.nursery_bridge.runner.Watchdog", Recording)
    (tmp_path / "p.q").write_text('use "std/async"\nawait async.sleep(0)\nputs("ok")\n')
    monkeypatch.chdir(tmp_path)
    assert main(["--deadlock=off", "p.q"]) == 0
    assert started == []
    assert main(["p.q"]) == 0
    assert started == [True]
    assert not [t for t in threading.enumerate() if t.name == "trioquest-deadlock-watch"]
    assert capsys.readouterr().out == "ok\nok\n"


def test_a_python_subprocess_wait_is_not_a_deadlock():
    # No std module starts subprocesses yet (std/process is a later issue):
    # a child process is waited for through the kernel, which the detector
    # counts as something outside that can wake the program.
    import sys

    from trioquest.nursery_bridge.runner import run_program

    async def body():
        done = await trio.run_process([sys.executable, "-c", "import time; time.sleep(0.3)"])
        return done.returncode

    assert run_program(body) == 0


def test_a_wait_under_a_deadline_closes_no_cycle():
    # b's wait for a is bounded: it times out (which cancels a, the timed-out
    # work); d's wait for c too (which cancels only its own function), and c
    # then gets d's result
    out, _ = run_async('''
        use "std/async"
        let tasks = {}
        let a = async.spawn(fun () await tasks["b"] end, name: "a")
        let b = async.spawn(fun ()
            await async.yield_now()
            try
                await async.timeout(tasks["a"], 0.5)
            catch e: async.TimeoutError
                "b timed out"
            end
        end, name: "b")
        tasks["a"] = a
        tasks["b"] = b
        puts(await b)
        puts(a.state())
        let c = async.spawn(fun () await tasks["d"] end, name: "c")
        let d = async.spawn(fun ()
            await async.yield_now()
            try
                await async.timeout(fun () await tasks["c"] end, 0.5)
            catch e: async.TimeoutError
                "d timed out"
            end
        end, name: "d")
        tasks["c"] = c
        tasks["d"] = d
        puts(await c)
    ''')
    assert out == "b timed out\ncancelled\nd timed out\n"
