"""SIGINT, SIGTERM and SIGHUP end a program like Ctrl-C: everything is
cancelled, every ensure block runs, the exit status is 130 / 143 / 129; a
second signal exits at once; a signal the program was started with ignored
stays ignored (trioquest/signals.py, docs/cli.md).  Through real processes,
started from Python and from a shell script's background job; the tests
wait for the program's own output, never for time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

# "started" is printed by a task once the main program waits in its sleep
SERVER = '''use "std/async"
let ch = async.channel()
async.spawn(fun ()
    try
        puts("started")
        await ch.recv()
    ensure
        await async.sleep(0.01)
        puts("worker ensure ran")
    end
end, name: "worker")
try
    await async.sleep(100)
ensure
    await async.sleep(0.01)
    puts("main ensure ran")
end
'''


def start(tmp_path, text: str, ignore=()) -> subprocess.Popen:
    (tmp_path / "prog.q").write_text(text, encoding="utf-8")

    def dispositions():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for sig in ignore:
            signal.signal(sig, signal.SIG_IGN)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.Popen([sys.executable, "-m", "trioquest", "prog.q"], cwd=tmp_path,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=dispositions, env=env)


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_cancel_everything_and_run_every_ensure(tmp_path, sig, status):
    child = start(tmp_path, SERVER)
    assert child.stdout.readline() == "started\n"
    child.send_signal(sig)
    out, err = child.communicate(timeout=60)
    assert child.returncode == status
    assert sorted(out.splitlines()) == ["main ensure ran", "worker ensure ran"]
    assert err == ""    # no task tree (that is for Ctrl-C) and no leaks: a signal ended it


def test_sigint_prints_the_task_tree_and_is_not_a_leak(tmp_path):
    child = start(tmp_path, SERVER)
    assert child.stdout.readline() == "started\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert sorted(out.splitlines()) == ["main ensure ran", "worker ensure ran"]
    lines = err.splitlines()
    assert lines[:3] == ["tasks at the interrupt",
                         "├── main program  sleep, 100 s left at prog.q:13",
                         "└── the module"]
    assert lines[3].startswith('    └── task 1 "worker"  running  ')   # printing, or parked
    assert len(lines) == 4
    assert "leak" not in err


def test_a_sync_program_gets_sigterm_too(tmp_path):
    child = start(tmp_path, '''try
    puts("started")
    let i = 0
    while true
        i = i + 1
    end
ensure
    puts("ensure ran")
end
''')
    assert child.stdout.readline() == "started\n"
    child.send_signal(signal.SIGTERM)
    assert child.communicate(timeout=60) == ("ensure ran\n", "")
    assert child.returncode == 143


def test_a_second_signal_exits_at_once(tmp_path):
    child = start(tmp_path, '''use "std/async"
async.spawn(fun () puts("started") end)
try
    await async.sleep(100)
ensure
    puts("cleanup started")
    await async.sleep(4)
    puts("cleanup ended")
end
''')
    assert child.stdout.readline() == "started\n"
    child.send_signal(signal.SIGTERM)
    assert child.stdout.readline() == "cleanup started\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out) == (143, "")
    assert err == "trioquest: SIGINT again: exiting at once\n"


def test_a_signal_ignored_at_start_stays_ignored(tmp_path):
    child = start(tmp_path, SERVER, ignore=(signal.SIGHUP,))    # as under nohup
    assert child.stdout.readline() == "started\n"
    child.send_signal(signal.SIGHUP)
    child.send_signal(signal.SIGTERM)   # 129 had SIGHUP counted; 143: it was ignored
    child.communicate(timeout=60)
    assert child.returncode == 143


SCRIPT = '''set -u
mkfifo out
"$PYTHON" -m trioquest prog.q > out 2> err &
pid=$!
exec 3< out
read -r line <&3
echo "program said: $line"
kill -INT "$pid"    # a background job of a non-interactive shell ignores SIGINT
kill -TERM "$pid"
cat <&3
wait "$pid"
echo "status $?"
'''


def test_from_a_shell_script_background_job(tmp_path):
    (tmp_path / "prog.q").write_text(SERVER, encoding="utf-8")
    (tmp_path / "run.sh").write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(["sh", "run.sh"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={"PYTHON": sys.executable, "PATH": "/usr/bin:/bin"})
    lines = done.stdout.splitlines()
    assert lines[0] == "program said: started"
    assert sorted(lines[1:3]) == ["main ensure ran", "worker ensure ran"]
    assert lines[3:] == ["status 143"]
    assert (tmp_path / "err").read_text() == ""


def test_the_ctrl_c_tree_shows_the_main_wait_and_a_task_spinning_in_its_first_step(tmp_path):
    child = start(tmp_path, '''use "std/async"
let results = async.channel()
async.spawn(fun ()
    puts("spinning")
    let i = 0
    while true
        i = i + 1
    end
end, name: "spinner")
for r in results
    puts(r)
end
''')
    assert child.stdout.readline() == "spinning\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    lines = err.splitlines()
    assert lines[:3] == ["tasks at the interrupt",
                         "├── main program  for-in on channel (unbounded) from prog.q:2 at prog.q:10",
                         "└── the module"]
    assert re.match(r'    └── task 1 "spinner"  running  running at prog\.q:[4-7]  age ', lines[3])


def test_ctrl_c_of_a_server_is_not_a_leak(tmp_path):
    child = start(tmp_path, '''use "std/async"
use "std/http/server"
let server = http.server("127.0.0.1:0")
async.spawn(fun () puts(server.port()) end)
while true
    let request = await server.accept()
    async.spawn(fun () await request.send_response({status: 200, body: "hi"}) end)
end
''')
    int(child.stdout.readline())
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert err.startswith("tasks at the interrupt\n")
    assert "leak" not in err and "cancelled at scope exit" not in err
