"""``std/test`` (LANGUAGE.md §14): describe/it, assertions that record and
continue, output capture, counters and the runner's summary.

The state, the counters and what is printed are in test_state.py.  One
instance per interpreter: the ``trioquest test`` runner loads every test
file into the same process, so the counters accumulate over all files.

Decision: ``stats()`` returns the number of failures capped at 255 (0 when
all passed); the reference's typo that returns 0 for 1–255 failures is not
reproduced.
"""

from __future__ import annotations

import io
import os
import sys
import time

from ..errors import QuestError
from ..eval.values.exceptions import stack_frames, to_quest_error
from ..eval.values.forms import to_rep, to_str, type_name
from ..eval.values.modules import QModule
from .test_state import CHECK, COLORS, CROSS, CaseRecord, Group, TestState, format_time

def _run_body(fn):
    """Call a test body; an async one is awaited (block_on: the test runners
    give the loading task a greenback portal)."""
    value = fn()
    if hasattr(value.__class__, "__await__"):
        from ..nursery_bridge.runner import block_on

        value = block_on(lambda: value)
    return value


def make_module(interpreter) -> QModule:
    state = TestState()
    interpreter.test_state = state
    module = QModule("test", "Testing: describe/it blocks and assertions.")

    def module_(name):
        state.start_module(to_str(name))

    def describe(name, fn):
        tags, state.pending_tags = state.pending_tags, []
        name = to_str(name)
        saved_tags = state.describe_tags
        state.describe_tags = saved_tags + tags
        state.ensure_module()
        group = Group(name)
        state.describes.append(group)
        saved, state.describe = state.describe, group
        if not state.condensed:
            state.out(f"  {state.color('cyan', name)}")
        try:
            _run_body(fn)
        finally:
            state.describe = saved
            state.describe_tags = saved_tags

    def it(name, fn):
        tags, state.pending_tags = state.pending_tags, []
        name = to_str(name)
        if not state.tags_allow(tags):
            return None
        state.ensure_module()
        state.total += 1
        for g in state.groups():
            g.total += 1
        state.in_test = True
        state.test_failures = []
        out_buf, err_buf = io.StringIO(), io.StringIO()
        saved_out, saved_err = sys.stdout, sys.stderr
        if state.capture in ("all", "stdout"):
            sys.stdout = out_buf
        if state.capture in ("all", "stderr"):
            sys.stderr = err_buf
        unexpected = None
        started = time.perf_counter()
        caller = sys._getframe(1)
        try:
            _run_body(fn)
        except Exception as exc:  # a failing test body; cancellation and exit propagate
            unexpected = to_quest_error(exc)
        finally:
            sys.stdout, sys.stderr = saved_out, saved_err
            state.in_test = False
        elapsed = (time.perf_counter() - started) * 1000
        captured = out_buf.getvalue() + err_buf.getvalue()
        if state.records is not None:
            shown = [f.text() for f in state.test_failures]
            if unexpected is not None:
                shown.append(f"Unexpected {unexpected.type_name}: {unexpected.reason}" + "".join(
                    f"\n  at {f} ({p}:{n})" for f, p, n in stack_frames(unexpected)))
            state.records.append(CaseRecord(
                state.path(), name, caller.f_code.co_filename, caller.f_lineno, shown, captured))
        state.finish_case(name, unexpected, captured, elapsed)
        return None

    def skip(name, reason=None):
        state.ensure_module()
        state.total += 1
        state.skipped += 1
        for g in state.groups():
            g.total += 1
            g.skipped += 1
        if not state.condensed:
            why = f" ({to_str(reason)})" if reason is not None else ""
            state.out(f"    {state.color('yellow', '-')} {to_str(name)} skipped{why}")

    def tag(t):
        state.pending_tags = [to_str(x) for x in t] if isinstance(t, list) else [to_str(t)]

    def _msg(base: str, msg) -> str:
        return base if msg is None else f"{base}: {to_str(msg)}"

    def assert_(cond, msg=None):
        if not cond:
            state.record_failure(to_str(msg) if msg is not None else "Assertion failed")

    from ..eval import ops

    def assert_eq(actual, expected, msg=None):
        if not ops.eq(actual, expected):
            state.record_failure(_msg(f"Expected {to_rep(expected)} but got {to_rep(actual)}", msg))

    def assert_neq(actual, expected, msg=None):
        if ops.eq(actual, expected):
            state.record_failure(_msg(f"Expected {to_rep(actual)} to differ from "
                                      f"{to_rep(expected)}", msg))

    def _ordered(sign, test):
        def check(actual, expected, msg=None):
            if not test(actual, expected):
                state.record_failure(_msg(f"Expected {to_rep(actual)} {sign} {to_rep(expected)}",
                                          msg))
        return check

    def assert_nil(value, msg=None):
        if value is not None:
            state.record_failure(_msg(f"Expected nil but got {to_rep(value)}", msg))

    def assert_not_nil(value, msg=None):
        if value is None:
            state.record_failure(_msg("Expected a value but got nil", msg))

    def assert_type(value, name, msg=None):
        if type_name(value) != name:
            state.record_failure(_msg(f"Expected type {name} but got {type_name(value)}", msg))

    def assert_near(actual, expected, tolerance, msg=None):
        try:
            ok = abs(actual - expected) <= tolerance
        except TypeError:
            ok = False
        if not ok:
            state.record_failure(_msg(f"Expected {to_rep(expected)} \u00b1 {to_rep(tolerance)} "
                                      f"but got {to_rep(actual)}", msg))

    def assert_raises(exc_type, fn, msg=None):
        wanted = getattr(exc_type, "type_name", None) or getattr(exc_type, "_q_name", None) \
            or to_str(exc_type)
        try:
            fn()
        except QuestError as err:
            if wanted == "Err" or err.type_name == wanted:
                return
            state.record_failure(_msg(f"Expected {wanted} but got {err.type_name}: {err.reason}",
                                      msg))
            return
        except Exception as exc:
            err = to_quest_error(exc)
            if wanted == "Err" or err.type_name == wanted:
                return
            state.record_failure(_msg(f"Expected {wanted} but got {err.type_name}: {err.reason}",
                                      msg))
            return
        state.record_failure(_msg(f"Expected {wanted} to be raised, but nothing was raised", msg))

    def fail(msg="Test failed"):
        state.record_failure(to_str(msg))

    def before_all(fn):
        fn()

    def noop(fn=None):
        return None

    def set_colors(flag):
        state.colors = bool(flag)

    def set_condensed(flag):
        state.condensed = bool(flag)

    def set_capture(mode):
        mode = to_str(mode)
        state.capture = {"no": "none", "0": "none", "none": "none", "stdout": "stdout",
                         "stderr": "stderr"}.get(mode, "all")

    def set_filter_tags(tags):
        state.filter_tags = [to_str(t) for t in tags]

    def set_skip_tags(tags):
        state.skip_tags = [to_str(t) for t in tags]

    def find_tests(paths):
        found = []
        for p in paths:
            p = to_str(p)
            if os.path.isdir(p):
                found.extend(find_tests_dir(p))
            elif os.path.isfile(p):
                found.append(p)
        return found

    def find_tests_dir(directory):
        return discover(to_str(directory))

    def stats():
        state.flush_module()
        elapsed = (time.perf_counter() - state.started) * 1000
        state.out()
        if state.failed:
            state.out(f"Test Results: {state.color('red', CROSS + ' Some tests failed')}")
        else:
            state.out(f"Test Results: {state.color('green', CHECK + ' All tests passed!')}")
        state.out("\u2501" * 60)
        parts = [f"Total:   {state.total}"]
        if state.passed:
            parts.append(f"Passed:  {state.passed}")
        if state.failed:
            parts.append(f"Failed:  {state.failed}")
        if state.skipped:
            parts.append(f"Skipped: {state.skipped}")
        parts.append(f"Elapsed: {format_time(elapsed)}")
        state.out("  |  ".join(parts))
        return min(state.failed, 255)

    module.__dict__.update({
        "module": module_, "describe": describe, "it": it, "skip": skip, "tag": tag,
        "assert": assert_, "assert_eq": assert_eq, "assert_neq": assert_neq,
        "assert_gt": _ordered(">", ops.gt), "assert_lt": _ordered("<", ops.lt),
        "assert_gte": _ordered(">=", ops.ge), "assert_lte": _ordered("<=", ops.le),
        "assert_nil": assert_nil, "assert_not_nil": assert_not_nil,
        "assert_type": assert_type, "assert_near": assert_near,
        "assert_raises": assert_raises, "fail": fail,
        "before": noop, "after": noop, "after_all": noop, "before_all": before_all,
        "set_colors": set_colors, "set_condensed": set_condensed, "set_capture": set_capture,
        "set_filter_tags": set_filter_tags, "set_skip_tags": set_skip_tags,
        "find_tests": find_tests, "find_tests_dir": find_tests_dir, "stats": stats,
        **{name: (lambda n: lambda text: state.color(n, to_str(text)))(name) for name in COLORS},
        "format_time": lambda ms: format_time(ms),
    })
    for name, fn in module.__dict__.items():
        if callable(fn) and not name.startswith("_q_"):
            fn.__name__ = name
            fn.__qualname__ = f"test.{name}"
    return module


def is_test_file(name: str) -> bool:
    return not name.startswith(".") and name.endswith(".q") and (
        name.startswith("test_") or name.endswith("_test.q"))


def discover(directory: str) -> list[str]:
    """Test files under `directory`, recursively, in a stable order (§14)."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, f) for f in sorted(files) if is_test_file(f))
    return found
