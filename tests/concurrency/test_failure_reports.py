"""A failure never waits silently (CONCURRENCY.md §2): a failed task that
stays unobserved for the grace period is reported at once, once; it is still
raised at scope exit, and that report refers to the first.  A request whose
handler task failed gets 500 at once.  Virtual time (MockClock) shows when."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import trio

from async_runner import run_async
from trioquest.cli import main
from trioquest.nursery_bridge.reporting import Reporter

sys.path.insert(0, str(Path(__file__).parent.parent / "stdlib"))
from test_http_server import Client, server_port  # noqa: E402


class Recording(Reporter):
    def __init__(self):
        self.failed = []

    def task_failed(self, task):
        self.failed.append((task.id, task.error.reason, trio.current_time()))


def test_an_unobserved_failure_is_reported_after_the_grace_period_once():
    reporter = Recording()
    out, _ = run_async('''
        use "std/async"
        async fun main()
            async.spawn(fun () await async.sleep(1) raise "boom" end, name: "careless")
            let seen = async.spawn(fun () await async.sleep(1) raise "seen" end)
            try await seen catch e puts("observed: " .. e.message()) end
            await async.sleep(100)
            puts("still running")
        end
        try await main() catch e puts("at scope exit: " .. e.message()) end
    ''', reporter=reporter, failure_grace=0.5)
    assert out == "observed: seen\nstill running\nat scope exit: boom\n"
    assert reporter.failed == [(1, "boom", 1.5)]      # once; the observed one never


def test_the_grace_period_is_configurable_and_a_quick_observer_wins():
    reporter = Recording()
    out, _ = run_async('''
        use "std/async"
        let t = async.spawn(fun () raise "quick" end)
        await async.sleep(0.2)
        try await t catch e puts(e.message()) end
        let u = async.spawn(fun () raise "slow" end)
        await async.sleep(3)
        try await u catch e puts(e.message()) end
    ''', reporter=reporter, failure_grace=0.25)
    assert out == "quick\nslow\n"
    assert reporter.failed == [(2, "slow", pytest.approx(0.45))]


def test_on_the_command_line_the_scope_exit_report_refers_to_the_first(capsys, tmp_path,
                                                                       monkeypatch):
    (tmp_path / "prog.q").write_text('''use "std/async"
async.spawn(fun () raise ValueErr.new("lost") end, name: "careless")
await async.sleep(1)
puts("main done")
''')
    monkeypatch.chdir(tmp_path)
    assert main(["--failure-grace=0.1", "prog.q"]) == 1
    out, err = capsys.readouterr()
    assert out == "main done\n"
    assert err == '''\
trioquest: task 1 (careless) failed and nothing has awaited it (it is raised again when its \
scope ends):
prog.q:2:20: ValueErr: lost
Quest stack (innermost last):
  at <anonymous> (prog.q:2)
    async.spawn(fun () raise ValueErr.new("lost") end, name: "careless")
                       ^
prog.q:2:20: ValueErr: lost
  (the failure of task 1 (careless), reported above)
trioquest: 1 unobserved failure (--leaks=report shows them)
'''


EXAMPLE7 = Path(__file__).parent.parent.parent / "examples" / "qep_example7_server.q"


def buggy_example7() -> str:
    """QEP Example 7 as written, with a bug in handle_request for /boom."""
    text = EXAMPLE7.read_text()
    text = text.replace('''    if request.path == "/"''', '''    if request.path == "/boom"
        let broken = nil
        broken.frob()
    elif request.path == "/"''')
    return text.replace('"127.0.0.1:8080"', '"127.0.0.1:0"').replace(
        'async.block_on(fun () main() end)', 'await main()')


def test_example_7_answers_500_at_once_for_a_failed_handler_task():
    reporter = Recording()
    answers = []
    failed_at = []

    async def watch(bridge):
        while True:     # the example opens its SQLite database (a thread) first
            try:
                port = server_port(bridge)
                break
            except AssertionError:
                await trio.sleep(0.01)
        client = await Client.open(port)
        for path in ("/boom", "/"):
            sent = trio.current_time()
            answers.append((await client.get(path), trio.current_time() - sent))
        failed_at.append(trio.current_time())
        await trio.sleep(1)
        raise KeyboardInterrupt     # how a server ends: Ctrl-C

    try:
        run_async(buggy_example7(), watch=watch, reporter=reporter)
    except KeyboardInterrupt:
        pass
    boom, hello = answers
    assert boom == (b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; "
                    b"charset=utf-8\r\ncontent-length: 21\r\n\r\nInternal Server Error", 0)
    assert hello[0].endswith(b"Hello, World!") and hello[1] == 0
    assert [(i, why, round(when - failed_at[0], 6)) for i, why, when in reporter.failed] == [
        (1, "Unknown method 'frob' on Nil", 0.5)]   # reported 0.5 s after the 500


def test_example_7_reports_the_failure_on_stderr_while_it_serves(tmp_path):
    (tmp_path / "server.q").write_text(buggy_example7().replace(
        'puts("Server listening on http://127.0.0.1:8080")', 'puts(server.port())'))
    child = subprocess.Popen([sys.executable, "-m", "trioquest", "server.q"], cwd=tmp_path,
                             text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = int(child.stdout.readline())
    import socket

    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /boom HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    first = child.stderr.readline()     # printed while the server goes on serving
    assert first == ("trioquest: task 1 failed and nothing has awaited it (it is raised again "
                     "when its scope ends):\n")
    assert re.match(r"server\.q:\d+:9: AttrErr: Unknown method 'frob' on Nil\n",
                    child.stderr.readline())
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 143
    assert "cancelled at scope exit" not in err     # Ctrl-C / SIGTERM of a server: no leak
