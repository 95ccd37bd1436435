"""Random graphs of tasks awaiting tasks (hypothesis): a task whose chain of
awaits reaches a cycle ends with DeadlockError (the cycle's closing task
gets it, the others through what they await), every other task finishes,
and nothing hangs (MockClock: a missed cycle would be a global deadlock)."""

from hypothesis import given, settings, strategies as st

from async_runner import run_async


def reaches_cycle(targets: list, i: int) -> bool:
    seen = set()
    while targets[i] is not None:
        if i in seen:
            return True
        seen.add(i)
        i = targets[i]
    return False


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6).flatmap(
    lambda n: st.lists(st.none() | st.integers(0, n - 1), min_size=n, max_size=n)),
    st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_exactly_the_tasks_that_reach_a_cycle_fail_with_deadlock(targets, yields):
    n = len(targets)
    lines = ['use "std/async"', "let tasks = {}"]
    for i, target in enumerate(targets):
        steps = " ".join(["await async.yield_now()"] * yields[i])
        wait = f'await tasks["{target}"]' if target is not None else "nil"
        lines.append(f'tasks["{i}"] = async.spawn(fun () {steps} await async.yield_now() '
                     f'{wait} {i} end)')
    lines.append("let all = await async.try_join_all("
                 + "[" + ", ".join(f'tasks["{i}"]' for i in range(n)) + "])")
    lines.append('for e in all["err"] puts(e.type()) end')
    lines.append('puts(all["ok"].len())')
    out, _ = run_async("\n".join(lines) + "\n", dedent=False)
    failing = sum(reaches_cycle(targets, i) for i in range(n))
    assert out == "DeadlockError\n" * failing + f"{n - failing}\n"
