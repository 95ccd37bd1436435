"""The REPL, driven through a pseudo-terminal (pexpect): multi-line input,
top-level await, background tasks between prompts, :tasks, Ctrl-C, Ctrl-D,
history and completion.  The REPL runs on the real clock; every wait below
is for output, and the programs only sleep for hundredths of a second."""

import os
import re
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

FRESH = r"\n(?:\x1b\[\?25h)?\rquest> "  # a new prompt after output (redraws start with \r)


@pytest.fixture
def repl(tmp_path):
    env = dict(os.environ, TRIOQUEST_HISTORY=str(tmp_path / "history"), TERM="xterm",
               COLUMNS="200", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "trioquest"], cwd=str(tmp_path), env=env,
                          encoding="utf-8", timeout=30, dimensions=(50, 200))
    child.expect(FRESH)
    yield child
    child.close(force=True)


def styled(text: str) -> str:
    """A regex for `text` as the terminal shows it: with any styles between."""
    return "(?:\x1b\\[[0-9;]*m)*".join(re.escape(ch) for ch in text)


def enter(child, line: str, *expected: str) -> None:
    child.sendline(line)
    for text in expected:
        child.expect(styled(text))      # (not up to its newline: FRESH wants that)
    child.expect(FRESH)


def test_values_multi_line_definitions_and_top_level_await(repl):
    enter(repl, "40 + 2", "\r\n42")
    enter(repl, "nil")
    repl.send("fun add(a,\r")
    repl.expect_exact("  ..> ")
    repl.send("        b)\r")
    repl.expect_exact("  ..> ")
    repl.send("a + b end\r")
    repl.expect(FRESH)
    enter(repl, "add(20, 1) * 100", "\r\n2100")
    enter(repl, 'async fun later(x) await async.sleep(0.01) "later " .. x end')
    enter(repl, "await later(7)", '\r\n"later 7"')


def test_a_background_task_keeps_running_between_prompts(repl):
    enter(repl, "let n = 0")
    enter(repl, 'let t = async.spawn(fun () while true await async.sleep(0.005) n += 1 end end, '
                'name: "tick" .. "er")')
    enter(repl, "let before = n")
    enter(repl, "await async.sleep(0.05)")
    enter(repl, "n > before", "\r\ntrue")
    repl.sendline(":tasks")
    repl.expect(styled("\r\ntasks"))
    repl.expect(styled("the REPL session"))
    repl.expect(r'task 1[^\r]*"ticker"[^\r]*running[^\r]*at repl-2:1[^\r]*age [0-9.]+s'
                r'[^\r]*spawned at repl-2:1')
    repl.expect(FRESH)


def test_ctrl_c_cancels_the_running_input_only(repl):
    enter(repl, "let n = 0")
    enter(repl, "let t = async.spawn(fun () while true await async.sleep(0.005) n += 1 end end)")
    repl.sendline('puts("sle" .. "eping") await async.sleep(100) puts("not " .. "reached")')
    repl.expect_exact("\r\nsleeping\r\n")
    repl.sendintr()
    repl.expect(styled("cancelled (Ctrl-C)"))
    repl.expect(FRESH)
    enter(repl, "let before = n")
    enter(repl, "await async.sleep(0.05)")
    enter(repl, "[n > before, t.is_cancelled()]", "\r\n[true, false]")


def test_errors_are_shown_and_the_session_goes_on(repl):
    enter(repl, "1 / 0", "repl-1:1:1: RuntimeErr: Division by zero")
    enter(repl, "let x = )", "SyntaxErr: unexpected ')'")
    enter(repl, ":nonsense", "unknown command :nonsense")
    enter(repl, "2 * 21", "\r\n42")


def test_ctrl_c_at_the_prompt_discards_the_line_and_ctrl_d_leaves(repl):
    repl.send("puts(1")
    repl.send("\x03")
    repl.expect_exact("^C")
    repl.expect(FRESH)
    enter(repl, 'async.spawn(fun () await async.sleep(100) end, name: "sleeper")')
    repl.sendeof()
    repl.expect_exact("1 task cancelled at scope exit")
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0


def test_history_and_completion(repl, tmp_path):
    enter(repl, "let remembered = 5")
    repl.send("\x1b[A")            # up: the previous line comes back
    repl.expect_exact("remembered")
    repl.send("\x15")              # Ctrl-U: kill it
    repl.send("remem\t")           # Tab completes the name
    repl.expect_exact("remembered")
    repl.send(" * 2\r")
    repl.expect(styled("\r\n10"))
    repl.expect(FRESH)
    repl.send("async.spa\t")
    repl.expect_exact("async.spawn")
    repl.send("\x03")
    repl.expect(FRESH)
    repl.sendline(":quit")
    repl.expect(pexpect.EOF)
    history = (tmp_path / "history").read_text()
    assert "let remembered = 5\n" in history and "remembered * 2\n" in history


def test_input_is_highlighted_as_it_is_typed(tmp_path):
    env = dict(os.environ, TRIOQUEST_HISTORY=str(tmp_path / "history"), TERM="xterm")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "trioquest"], cwd=str(tmp_path), env=env,
                          encoding="utf-8", timeout=30, dimensions=(50, 200))
    child.expect(FRESH)
    child.send("let s")
    child.expect_exact("\x1b[34mlet\x1b[39;49;00m")   # the keyword, coloured by the lexer
    child.sendeof()
    child.send("\x15\x04")
    child.expect(pexpect.EOF)


def test_tasks_live_refreshes_until_enter_and_leaks(repl):
    enter(repl, 'let t = async.spawn(fun () await async.sleep(100) end, name: "slee" .. "per")')
    repl.sendline(":tasks live")
    repl.expect(styled("(Enter stops)"))
    repl.expect(styled('"sleeper"'))
    repl.send("\r")
    repl.expect(FRESH)
    enter(repl, "t.cancel()")
    enter(repl, "async.spawn(fun () await async.sleep(100) end)")
    enter(repl, "await async.sleep(0)")
    repl.sendline(":leaks")
    repl.expect(styled("Task leak report: nothing leaked"))
    repl.expect(FRESH)


def test_methods_complete_after_a_dot(repl):
    enter(repl, 'let s = "abc"')
    repl.send("s.upp\t")
    repl.expect_exact("s.upper")
    repl.send("()\r")
    repl.expect(styled('"ABC"'))
    repl.expect(FRESH)


def test_a_background_failure_is_shown_above_the_prompt_and_counted(repl):
    enter(repl, 'let t = async.spawn(fun () await async.sleep(0.05) raise "bg " .. "boom" end, '
                'name: "b" .. "g")')
    # printed when it happens (after the grace period), not when the session ends
    repl.expect(styled('trioquest: task 1 (bg) failed and nothing has awaited it'))
    repl.expect(styled("repl-1:1:"))
    repl.expect(styled("RuntimeErr: bg boom"))
    repl.sendline(":tasks")
    repl.expect(styled('task 1 "bg"  failed  RuntimeErr: bg boom at repl-1:1'))
    repl.expect(FRESH)
    repl.sendline(":leaks")
    repl.expect(styled("Task leak report: 1 unobserved failure"))
    repl.expect(FRESH)
    repl.sendeof()
    repl.expect(styled("trioquest: 1 unobserved failure (--leaks=report shows them)"))
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 0     # shown already: leaving is no error, and no crash


def test_a_deadlock_at_the_prompt_is_reported_and_the_session_goes_on(repl):
    enter(repl, "let ch = async.channel()")
    repl.sendline("await ch.recv()")
    repl.expect(styled("trioquest: deadlock: what each task waits on"))
    repl.expect(styled("main program  recv on channel (unbounded) from repl-1:1 at repl-2:1"))
    repl.expect(styled("repl-2:1:1: DeadlockError: every task is waiting"))
    repl.expect(FRESH)
    enter(repl, "6 * 7", "\r\n42")


def test_sigterm_ends_the_session(repl):
    import signal

    enter(repl, "let n = 1")
    repl.kill(signal.SIGTERM)
    repl.expect(pexpect.EOF)
    repl.close()
    assert repl.exitstatus == 143


def test_a_module_typed_at_the_prompt_is_shown_like_any_value(repl):
    enter(repl, "async", "\r\n<module async>")
    enter(repl, 'use "std/math"')
    enter(repl, "math", "\r\n<module math>")
    enter(repl, "math._rep()", '\r\n"<module math>"')
    enter(repl, "math.nope", "repl-5:1:1: AttrErr: Module math has no public member 'nope'")
    enter(repl, "[math, async]", "\r\n[<module math>, <module async>]")
    assert repl.isalive()
