"""Global options before or after the command (issue #11 item 2): `--debug`,
`--leaks`, `--tasks-on-exit`, `--emit-python` go anywhere before the program
file; everything after the file is the program's."""

import pytest

from trioquest import cli, cli_options
from trioquest.cli import main
from trioquest.cli_options import RUNNING, GlobalOption
from cli_helpers import program, run  # noqa: F401 - program is a fixture

ARGV = 'use "std/sys"\nputs(sys.argv)\n'
LEAKY = '''use "std/async"
async.spawn(fun () await async.sleep(100) end, name: "left")
await async.sleep(0)
puts("done")
'''
SUMMARY = "trioquest: 1 task cancelled at scope exit (--leaks=report shows them)\n"


@pytest.mark.parametrize("argv", [
    ["--leaks=off", "run", "prog.q"],
    ["run", "--leaks=off", "prog.q"],
    ["run", "--leaks", "off", "prog.q"],
    ["--leaks", "report", "run", "--leaks", "off", "prog.q"],   # the later one wins
    ["--leaks=off", "prog.q"],
])
def test_leaks_before_or_after_run(program, capsys, argv):
    program(LEAKY)
    assert run(capsys, *argv) == (0, "done\n", "")


def test_leaks_report_after_run(program, capsys):
    program(LEAKY)
    status, out, err = run(capsys, "run", "--leaks=report", "prog.q")
    assert (status, out) == (0, "done\n")
    assert err.splitlines()[:3] == [
        "Task leak report: 1 task cancelled at scope exit",
        "Tasks cancelled at scope exit (1)",
        '└── task 1 "left"  spawned at prog.q:2']
    assert run(capsys, "run", "--leaks=error", "prog.q")[0] == 3


@pytest.mark.parametrize("argv, program_argv", [
    (["run", "prog.q", "--leaks=off"], "[prog.q, --leaks=off]"),
    (["run", "--debug", "prog.q", "a", "--debug", "b"], "[prog.q, a, --debug, b]"),
    (["run", "prog.q", "--leaks", "off", "--", "-c"], "[prog.q, --leaks, off, --, -c]"),
    (["prog.q", "--tasks-on-exit", "run", "test"], "[prog.q, --tasks-on-exit, run, test]"),
    (["--leaks", "off", "prog.q", "--emit-python"], "[prog.q, --emit-python]"),
    (["-c", 'use "std/sys"\nputs(sys.argv)', "--leaks=off"], "[-c, --leaks=off]"),
])
def test_arguments_after_the_program_file_are_the_programs(program, capsys, argv,
                                                           program_argv):
    program(ARGV)
    assert run(capsys, *argv) == (0, program_argv + "\n", "")


def test_debug_after_run_shows_the_python_traceback(program, capsys):
    program('raise ValueErr.new("no")\n')
    status, out, err = run(capsys, "run", "--debug", "prog.q", "x")
    assert (status, out) == (1, "")
    assert err.startswith("Traceback (most recent call last):\n")
    assert "prog.q:1:1: ValueErr: no\n" in err


def test_emit_python_and_tasks_on_exit_after_run(program, capsys):
    program('puts(1)\n')
    status, out, err = run(capsys, "run", "--emit-python", "prog.q")
    assert (status, err) == (0, "")
    assert out.startswith("def _Q_body(_Q_ns):\n")
    program('use "std/async"\nawait async.sleep(0)\n')
    assert run(capsys, "run", "--tasks-on-exit", "prog.q") == (
        0, "", "tasks when the program ended\n└── no tasks running\n")


LEAKY_TEST = '''use "std/test" as t
use "std/async"
t.module("Leaky")
t.it("leaves a task behind", fun ()
    async.spawn(fun () await async.sleep(100) end, name: "left behind")
    await async.sleep(0)
    t.assert(true)
end)
'''


def test_test_takes_leaks_after_the_command(program, capsys, tmp_path):
    (tmp_path / "dir").mkdir()
    program(LEAKY_TEST, "dir/leak_test.q")
    status, out, err = run(capsys, "test", "-v", "--no-color", "--leaks=error", "dir/")
    assert status == 3      # all passed, but a test left a task behind
    assert out.startswith("Leaky\n    \u2713 leaves a task behind ")
    lines = err.splitlines()
    assert lines[:4] == [
        "Task leak report: 1 task cancelled at scope exit",
        "Tasks cancelled at scope exit (1)",
        '└── task 1 "left behind"  spawned at dir/leak_test.q:5',
        '        async.spawn(fun () await async.sleep(100) end, name: "left behind")']
    assert lines[4].startswith("    ├── in <anonymous>() called at dir/leak_test.q:4, after ")
    # (real time: whether the task had started its sleep, and so what it was
    # waiting on, depends on the scheduler)
    assert all(line.startswith("    ├── was waiting: ") for line in lines[5:-1])
    assert lines[-1] == "    └── cancelled by the end of <anonymous>() called at dir/leak_test.q:4"
    # the default is the one-line summary, also before the command
    assert run(capsys, "test", "--no-color", "dir")[::2] == (0, SUMMARY)
    assert run(capsys, "--leaks=off", "test", "--no-color", "dir")[::2] == (0, "")
    status, _, err = run(capsys, "test", "--leaks=off", "--tasks-on-exit", "--no-color", "dir")
    assert (status, err) == (0, "tasks when the program ended\n└── no tasks running\n")


@pytest.mark.parametrize("argv, message", [
    (["test", "--emit-python"], "--emit-python does not apply to 'trioquest test' "
                                "(only to: run)"),
    (["--emit-python", "test"], "--emit-python does not apply to 'trioquest test' "
                                "(only to: run)"),
    (["check", "--leaks=off", "prog.q"], "--leaks does not apply to 'trioquest check' "
                                         "(only to: run, test, repl)"),
    (["repl", "--tasks-on-exit"], "--tasks-on-exit does not apply to the REPL "
                                  "(only to: run, test)"),
])
def test_an_option_that_does_nothing_for_the_command_is_a_usage_error(program, capsys, argv,
                                                                      message):
    program("1\n")
    assert run(capsys, *argv) == (2, "", f"trioquest: {message}\n")


def test_check_takes_debug_after_the_command(program, capsys):
    program("1\n")
    assert run(capsys, "check", "--debug", "prog.q") == (0, "", "")


def test_a_new_global_option_is_one_line(program, capsys, monkeypatch):
    """The mechanism is generic: one more GlobalOption (say, --frobnicate)
    is parsed before and after every command and kept out of program args."""
    monkeypatch.setattr(cli_options, "GLOBAL_OPTIONS", cli_options.GLOBAL_OPTIONS + (
        GlobalOption("--frobnicate", "frobnicate the run", default="on", choices=("on", "off"),
                     metavar="on|off", commands=RUNNING),))
    seen = []
    monkeypatch.setattr(cli, "_run", lambda args: seen.append((args.frobnicate, args.args)) or 0)
    monkeypatch.setattr(cli, "_test", lambda args: seen.append((args.frobnicate, args.paths)) or 0)
    program(ARGV)
    for argv in (["run", "--frobnicate", "off", "prog.q", "a"], ["--frobnicate=off", "prog.q", "a"],
                 ["--frobnicate", "off", "run", "prog.q", "a"], ["run", "prog.q", "a"],
                 ["prog.q", "--frobnicate=off"], ["test", "--frobnicate", "off", "t"]):
        assert main(argv) == 0
    assert seen == [("off", ["a"]), ("off", ["a"]), ("off", ["a"]), ("on", ["a"]),
                    ("on", ["--frobnicate=off"]), ("off", ["t"])]
    assert run(capsys, "check", "--frobnicate=off", "prog.q") == (
        2, "", "trioquest: --frobnicate does not apply to 'trioquest check' "
               "(only to: run, test, repl)\n")
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "--frobnicate on|off   frobnicate the run" in capsys.readouterr().out
