"""`trioquest` running programs: every exit status, --leaks in each mode,
--tasks-on-exit, programs on stdin (signals: test_signals.py)."""

import json
import subprocess
import sys

import pytest

from cli_helpers import program, run  # noqa: F401 - program is a fixture
from trioquest.cli import main

LEAKY = '''use "std/async"
async fun fetch() 1 end
async.spawn(fun () while true await async.sleep(1) end end, name: "monitor")
fetch()
await async.yield_now()
puts("main done")
'''


def test_exit_status_0_1_and_sys_exit(program, capsys):
    assert run(capsys, program('puts("fine")\n')) == (0, "fine\n", "")
    status, out, err = run(capsys, program('use "std/async"\nawait async.sleep(0)\n'
                                           'raise ValueErr.new("no")\n'))
    assert (status, out) == (1, "")
    assert err.startswith("prog.q:3:1: ValueErr: no\n")
    assert run(capsys, program('use "std/sys"\nsys.exit(7)\n')) == (7, "", "")


def test_exit_status_2_for_unreadable_programs_and_usage(program, capsys, tmp_path):
    assert run(capsys, "missing.q") == (2, "", "trioquest: cannot read 'missing.q': no such file\n")
    (tmp_path / "dir.q").mkdir()
    assert run(capsys, "dir.q") == (2, "", "trioquest: cannot read 'dir.q': it is a directory\n")
    (tmp_path / "latin1.q").write_bytes(b'puts("caf\xe9")\n')
    assert run(capsys, "latin1.q") == (
        2, "", "trioquest: cannot read 'latin1.q': not UTF-8 text (byte 0xe9 on line 1)\n")
    with pytest.raises(SystemExit) as info:
        main(["--leaks=loud", "x.q"])
    assert info.value.code == 2
    assert "invalid choice: 'loud'" in capsys.readouterr().err


def test_leaks_summary_is_the_default_and_one_line(program, capsys):
    status, out, err = run(capsys, program(LEAKY))
    assert (status, out) == (0, "main done\n")
    assert err == ("trioquest: 1 task cancelled at scope exit; 1 awaitable never awaited "
                   "(--leaks=report shows them)\n")


def test_leaks_off_says_nothing_and_a_clean_program_never_does(program, capsys):
    assert run(capsys, "--leaks=off", program(LEAKY)) == (0, "main done\n", "")
    clean = program('use "std/async"\nputs(await async.spawn(fun () 2 end))\n', "clean.q")
    for mode in ("summary", "report", "error"):
        assert run(capsys, f"--leaks={mode}", clean) == (0, "2\n", "")


def test_leaks_report(program, capsys):
    status, out, err = run(capsys, "--leaks", "report", program(LEAKY))
    assert (status, out) == (0, "main done\n")
    lines = err.splitlines()
    assert lines[0] == "Task leak report: 1 task cancelled at scope exit; 1 awaitable never awaited"
    assert lines[1:4] == [
        "Tasks cancelled at scope exit (1)",
        '└── task 1 "monitor"  spawned at prog.q:3',
        '        async.spawn(fun () while true await async.sleep(1) end end, name: "monitor")']
    assert lines[4].startswith("    ├── in the module, after ")
    assert lines[5].startswith("    ├── was waiting: ")
    assert lines[6:] == ["    └── cancelled by the end of the module",
                         "Never awaited (1)", "└── fetch()  at prog.q:4", "        fetch()"]


def test_leaks_error_fails_the_run_with_status_3(program, capsys):
    status, out, err = run(capsys, "--leaks=error", program(LEAKY))
    assert (status, out) == (3, "main done\n")
    assert err.startswith("Task leak report: 1 task cancelled")
    # A program that failed keeps its own status.
    status, _, _ = run(capsys, "--leaks=error", program(LEAKY + 'raise "and then"\n'))
    assert status == 1


def test_leaks_json_is_printed_always_and_parses(program, capsys):
    status, out, err = run(capsys, "--leaks=json", program(LEAKY))
    assert (status, out) == (0, "main done\n")
    report = json.loads(err)
    assert report["summary"] == "1 task cancelled at scope exit; 1 awaitable never awaited"
    assert report["never_awaited"] == [{"count": 1, "what": "fetch()", "site": {
        "file": "prog.q", "line": 4, "source": "fetch()"}}]
    (leak,) = report["leaks"]
    assert {k: v for k, v in leak.items() if k not in ("ages", "waiting_on")} == {
        "count": 1, "task_ids": [1], "name": "monitor",
        "spawned_at": {"file": "prog.q", "line": 3, "source": 'async.spawn(fun () while true '
                       'await async.sleep(1) end end, name: "monitor")'},
        "scope": "the module", "cancelled_by": "the end of the module"}
    clean = program('use "std/async"\nawait async.sleep(0)\n', "clean.q")
    status, _, err = run(capsys, "--leaks=json", clean)
    assert json.loads(err) == {"version": 1, "summary": "", "leaks": [], "never_awaited": [],
                               "unobserved_failures": [], "blocked_channels": []}


def test_tasks_on_exit_prints_the_tree_before_leftovers_are_cancelled(program, capsys):
    status, out, err = run(capsys, "--tasks-on-exit", "--leaks=off", program('''use "std/async"
let ch = async.channel()
async.spawn(fun () await ch.recv() end, name: "reader")
await async.sleep(0)
await async.sleep(0)
await async.sleep(0)
'''))
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        "tasks when the program ended", "└── the module",
        '    └── task 1 "reader"  running  recv on channel (unbounded) from prog.q:2 '
        'at prog.q:3  age 0.0s  spawned at prog.q:3']


def test_a_program_on_stdin(program, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('use "std/async"\nputs(await async.spawn(fun () '
                                                 '"piped" end))\n'))
    assert run(capsys) == (0, "piped\n", "")


def test_an_internal_error_is_status_70_and_asks_for_a_report(program, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise LookupError("boom")

    monkeypatch.setattr("trioquest.eval.interpreter.Interpreter.run_main", broken)
    status, out, err = run(capsys, program("puts(1)\n"))
    assert (status, out) == (70, "")
    assert err == ("trioquest: internal error: LookupError: boom "
                   "(please report it; --debug shows the traceback)\n")


def test_help_documents_every_option_and_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for word in ("--leaks", "off", "summary", "report", "json", "error", "--tasks-on-exit",
                 "--debug", "--emit-python", "--version", "-c", "check", "run", "test", "repl",
                 "stdin", "130"):
        assert word in text, word


@pytest.mark.parametrize("in_task, writer", [(False, "puts"), (True, "puts"),
                                             (False, "sys.stdout.write")],
                         ids=["module", "task", "sys.stdout"])
def test_a_reader_that_leaves_ends_the_program_quietly_with_141(tmp_path, in_task, writer):
    body = '''let i = 0
try
    while true
        puts("line " .. i.str())
        i = i + 1
        await async.yield_now()
    end
catch e
    io.write("caught.txt", e.str())
ensure
    io.write("ensure.txt", "ran")
end
'''
    if in_task:
        body = "await async.spawn(fun ()\n" + body + "end)\n"
    if writer != "puts":
        body = body.replace('puts("line " .. i.str())', f'{writer}("line " .. i.str() .. "\\n")')
    (tmp_path / "prog.q").write_text('use "std/async"\nuse "std/io"\nuse "std/sys"\n' + body)
    child = subprocess.Popen([sys.executable, "-m", "trioquest", "prog.q"], cwd=tmp_path,
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline() == "line 0\n"
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=60) == 141
    assert err == ""
    assert (tmp_path / "ensure.txt").read_text() == "ran"
    assert not (tmp_path / "caught.txt").exists()   # no catch sees it


def test_a_std_coroutine_never_awaited_in_a_sync_program_gives_no_python_warning(tmp_path):
    (tmp_path / "prog.q").write_text('use "std/http/client"\nlet r = http.get("http://127.0.0.1:1/")\n'
                                     'puts(r.cls())\n')
    done = subprocess.run([sys.executable, "-m", "trioquest", "prog.q"], cwd=tmp_path,
                          text=True, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Awaitable\n", "")


@pytest.mark.parametrize("made", ["async.sleep(1)", "async.timeout(fun () 1 end, 5)",
                                  "async.timeout(fun () 1 end, -1)"])
def test_an_awaitable_alive_when_the_program_fails_leaves_only_the_quest_report(tmp_path, made):
    """The coroutine is finalised at interpreter shutdown, when no Python
    frame is left to look at (never_awaited.py): nothing but the report."""
    (tmp_path / "prog.q").write_text(f'use "std/async"\nlet c = {made}\nraise "x"\n')
    done = subprocess.run([sys.executable, "-m", "trioquest", "prog.q"], cwd=tmp_path,
                          text=True, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ('prog.q:3:1: RuntimeErr: x\nQuest stack (innermost last):\n'
                           '  at <module> (prog.q:3)\n    raise "x"\n    ^\n')
