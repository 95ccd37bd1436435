"""QEP-027 Examples 1, 3 and 7 as written (examples/), against the local
service of examples/services/api.q (the machines here have no internet).

Examples 1 and 3 run in-process under a mock clock, the service beside them
in the same run: a driver program starts it on a free port, points
QUEST_API_URL at it and `use`s the example file (its top level runs there).
The two command-line programs (examples/api_server.q, Example 7's server)
run as real processes.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from async_runner import run_async

EXAMPLES = Path(__file__).parents[2] / "examples"


def with_service(example: str, slow_first: int = 1):
    """(stdout, interpreter) of `example` run beside the API service."""
    driver = f'''use "std/async"
use "std/os"
use "std/http/server"
use "{EXAMPLES}/services/api" as api
api.slow_first({slow_first})
let server = http.server("127.0.0.1:0")
os.setenv("QUEST_API_URL", f"http://127.0.0.1:{{server.port()}}")
let service = async.spawn(fun () api.serve(server) end, name: "api service")
use "{EXAMPLES}/{example}" as example
server.close()
await service
'''
    return run_async(driver, dedent=False)


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    monkeypatch.delenv("QUEST_API_URL", raising=False)   # the driver sets it


def test_example_1_concurrent_http_requests():
    out, interp = with_service("qep_example1_http.q")
    assert out == "Fetched 10 users\n"
    assert interp.diagnostics.leaks == []


def test_example_3_times_out_once_then_succeeds():
    out, interp = with_service("qep_example3_retry.q", slow_first=1)
    assert out == "Timeout, retrying (1/3)...\nthe data you asked for\n"
    assert interp.diagnostics.leaks == []


def test_example_3_gives_up_after_three_timeouts():
    driver_out = None
    try:
        with_service("qep_example3_retry.q", slow_first=3)
    except Exception as exc:   # the example's own raise "Max retries exceeded"
        from trioquest.eval.interpreter import format_uncaught

        driver_out = format_uncaught(exc).splitlines()[0]
    assert driver_out == (f"{EXAMPLES}/qep_example3_retry.q:26:17: RuntimeErr: "
                          "Max retries exceeded")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(program: Path, env: dict) -> subprocess.Popen:
    """A trioquest program as a process; returns once it printed its first line."""
    child = subprocess.Popen([sys.executable, "-m", "trioquest", str(program)], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, **env})
    child.first_line = child.stdout.readline()
    return child


def _stop(child: subprocess.Popen) -> str:
    child.terminate()
    _, err = child.communicate(timeout=30)
    return err


def test_the_api_server_program_serves_example_1(tmp_path):
    port = _free_port()
    server = _start(EXAMPLES / "api_server.q", {"QUEST_API_ADDRESS": f"127.0.0.1:{port}"})
    try:
        assert server.first_line == f"API service on http://127.0.0.1:{port}\n"
        example = subprocess.run(
            [sys.executable, "-m", "trioquest", str(EXAMPLES / "qep_example1_http.q")],
            text=True, capture_output=True, timeout=60,
            env={**os.environ, "QUEST_API_URL": f"http://127.0.0.1:{port}"})
        assert (example.returncode, example.stdout, example.stderr) == (
            0, "Fetched 10 users\n", "")
        assert httpx.get(f"http://127.0.0.1:{port}/nope").status_code == 404
    finally:
        _stop(server)


def test_example_7_simple_web_server(tmp_path):
    port = _free_port()
    source = (EXAMPLES / "qep_example7_server.q").read_text()
    assert source.count("127.0.0.1:8080") == 3   # the only change: a free port
    program = tmp_path / "example7.q"
    program.write_text(source.replace("127.0.0.1:8080", f"127.0.0.1:{port}"))
    server = _start(program, {})
    try:
        assert server.first_line == f"Server listening on http://127.0.0.1:{port}\n"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:   # keep-alive
            hello, users, missing = client.get("/"), client.get("/users"), client.get("/x")
        assert (hello.status_code, hello.headers["content-type"], hello.text) == (
            200, "text/plain; charset=utf-8", "Hello, World!")
        # the QEP's `"body": json.stringify(users)` is sent as JSON
        assert (users.status_code, users.headers["content-type"], users.json()) == (
            200, "application/json",
            [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}, {"id": 3, "name": "Alan"}])
        assert (missing.status_code, missing.headers["content-type"], missing.text) == (
            404, "text/plain; charset=utf-8", "Not Found")
    finally:
        assert _stop(server) == ""
