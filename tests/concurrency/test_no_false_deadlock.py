"""The deadlock detector never fires on a program that something outside
can still wake (CONCURRENCY.md §8): each case is a .q program run as a real
`trioquest` process with a task parked on a channel beside the wait under
test.  With TRIOQUEST_DEADLOCK_TRACE the detector writes each verdict to
stderr; the test waits until it has looked at the waiting program several
times (no sleeping), then lets the outside event happen, and the program
ends normally."""

from __future__ import annotations

import http.server
import socket
import threading

from deadlock_trace import finish, start, verdicts_while_waiting


def test_a_server_in_accept(tmp_path):
    child = start(tmp_path, '''use "std/http/server"
let server = http.server("127.0.0.1:0")
puts(server.port())
let request = await server.accept()
await request.send_response({status: 200, body: "hello"})
server.close()
await ch.send("done")
puts(await parked)
''')
    port = int(child.stdout.readline())
    verdicts_while_waiting(child, "io")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n") and reply.endswith(b"hello")
    assert finish(child) == (0, "done\n", [])


def test_run_in_thread(tmp_path):
    child = start(tmp_path, '''use "std/sys"
puts("ready")
let line = await async.run_in_thread(fun () sys.stdin.readline() end)
await ch.send(line.trim())
puts(await parked)
''')
    assert child.stdout.readline() == "ready\n"
    verdicts_while_waiting(child, "wakeable")
    child.stdin.write("from the thread\n")
    child.stdin.flush()
    assert finish(child) == (0, "from the thread\n", [])


def test_a_pending_sleep_and_a_pending_timeout(tmp_path):
    child = start(tmp_path, '''let other = async.channel()
try
    await async.timeout(other.recv(), 0.3)
catch e: async.TimeoutError
    puts("timed out")
end
await async.sleep(0.2)
await ch.send("slept")
puts(await parked)
''')
    verdicts_while_waiting(child, "deadline")
    assert finish(child) == (0, "timed out\nslept\n", [])


def test_a_program_reading_stdin(tmp_path):
    child = start(tmp_path, '''use "std/sys"
puts("ready")
await ch.send(sys.stdin.readline().trim())
puts(await parked)
''')
    assert child.stdout.readline() == "ready\n"
    child.stdin.write("typed\n")
    child.stdin.flush()
    assert finish(child) == (0, "typed\n", [])


class _HeldHandler(http.server.BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self):
        self.release.wait(60)
        body = b"answered"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_http_request_in_flight(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HeldHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        child = start(tmp_path, '''use "std/http/client"
use "std/sys"
let response = await http.get(sys.argv[1])
await ch.send(await response.text())
puts(await parked)
''', f"http://127.0.0.1:{server.server_address[1]}/")
        verdicts_while_waiting(child, "io")
        _HeldHandler.release.set()
        assert finish(child) == (0, "answered\n", [])
    finally:
        server.shutdown()


def test_a_sqlite_statement_waiting_for_a_lock(tmp_path):
    import sqlite3

    path = tmp_path / "data.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin immediate")
    holder.execute("insert into t values (1)")
    child = start(tmp_path, '''use "std/db/sqlite"
use "std/sys"
let db = await sqlite.connect(sys.argv[1])
await db.execute("insert into t values (2)")
let n = await db.fetch_value("select count(*) from t")
await ch.send(n.str())
puts(await parked)
''', str(path))
    verdicts_while_waiting(child, "wakeable")
    holder.execute("commit")
    holder.close()
    assert finish(child) == (0, "2\n", [])
