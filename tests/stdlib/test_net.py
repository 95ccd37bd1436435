"""std/net (issue #6 item 3): TCP streams and listeners on Trio.

Each program runs under the autojumping MockClock: a listener and its client
live in one Quest program (loopback data is readable at once, so virtual time
only moves when every task waits), or a Python Trio peer runs beside it
(`watch=`) on a socket bound before the run.
"""

from __future__ import annotations

import socket
import struct

import pytest
import trio

from async_runner import error_report, run_async

PRELUDE = '''use "std/net"
use "std/async"
'''

# A listener and a task that echoes every line it gets, upper-cased.
ECHO = PRELUDE + '''let listener = net.listen()
async fun serve_one()
    let s = await listener.accept()
    async with s
        while true
            let line = await s.recv_line()
            if line == nil
                break
            end
            await s.send(line.upper() .. "\\n")
        end
    end
end
'''

# ECHO with its server task started and a client Stream `c` connected to it.
ECHO_CLIENT = ECHO + '''async.spawn(serve_one)
let c = await net.connect("127.0.0.1", listener.port())
'''


def run(source: str, **kw) -> str:
    return run_async(source, **kw)[0]


def bound_socket() -> socket.socket:
    """A socket bound to a free loopback port and not listening: connecting
    to it is refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s


def python_peer(script):
    """(port, watch): a listening socket bound now, and a `watch` that
    accepts one connection and runs `script(stream)` on it."""
    sock = bound_socket()
    sock.listen()

    async def watch(bridge):
        listener = trio.SocketListener(trio.socket.from_stdlib_socket(sock))
        async with listener:
            stream = await listener.accept()
            async with stream:
                await script(stream)

    return sock.getsockname()[1], watch


def run_with_peer(script, source: str) -> str:
    """The output of PRELUDE + `source` run beside `python_peer(script)`:
    PORT in `source` is the peer's port, and the port is PORT in the output."""
    port, watch = python_peer(script)
    out = run(PRELUDE + source.replace("PORT", str(port)), watch=watch)
    return out.replace(str(port), "PORT")


# -- echo, lines, buffering, EOF ---------------------------------------------------------------


def test_echo_round_trips_lines_and_ends_at_eof():
    assert run(ECHO + '''
let server = async.spawn(serve_one)
let c = await net.connect("127.0.0.1", listener.port())
await c.send("héllo\\n")
puts(await c.recv_line())
await c.send(b"two\\nthree\\n")
puts(await c.recv_line(), " ", await c.recv_line())
await c.send_eof()
puts(await c.recv_line(), " ", await c.recv(10))
await server
puts(server.is_finished(), " ", c.is_closed())
c.close()
puts(c.is_closed(), " ", async.now())
''') == "HÉLLO\nTWO THREE\nnil nil\ntrue false\ntrue 0\n"


def test_bytes_after_a_line_stay_for_the_next_read():
    async def script(stream):
        await stream.send_all(b"first\r\nsecond\nrest of it")
        await trio.sleep(1)
        await stream.send_all(b" and more\nlast line, no newline")

    assert run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
puts(await s.recv_line(), "|", await s.recv_line(), "|", await s.recv(4))
puts(await s.recv_line(), "|", async.now())
puts(await s.recv_line(), "|", await s.recv_line(), "|", await s.recv(1))
''') == ("first|second|b\"rest\"\n of it and more|1\n"
          "last line, no newline|nil|nil\n")


def test_recv_returns_at_most_max_and_recv_exactly_waits_for_all():
    async def script(stream):
        await stream.send_all(b"abcdef")
        await trio.sleep(2)
        await stream.send_all(b"ghij")

    assert run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
puts(await s.recv(2), " ", await s.recv(), " ", async.now())
puts(await s.recv_exactly(3), " ", async.now())
try
    await s.recv_exactly(5)
catch e: net.ConnectionError
    puts(e.message())
end
puts(await s.recv(100), " ", await s.recv(100))
''') == (
        'b"ab" b"cdef" 0\n'
        'b"ghi" 2\n'
        "Cannot recv_exactly on tcp 127.0.0.1:PORT: the stream ended after 1 of 5 bytes\n"
        'b"j" nil\n')


def test_recv_line_limit_leaves_the_bytes_for_recv():
    async def script(stream):
        await stream.send_all(b"0123456789\nok\n\xff\xfe\n")

    out = run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
try
    await s.recv_line(max: 4)
catch e
    puts(e)
end
puts(await s.recv_line(max: 10), " ", await s.recv_line())
try
    await s.recv_line()
catch e
    puts(e)
end
puts(await s.recv(10))
''')
    assert out == (
        "IOErr: Cannot recv_line on tcp 127.0.0.1:PORT: the line is longer than 4 bytes "
        "(its bytes are left for recv; a longer limit: recv_line(max: n))\n"
        "0123456789 ok\n"
        "IOErr: Cannot recv_line on tcp 127.0.0.1:PORT: the line is not UTF-8 text "
        "(its bytes are left for recv)\n"
        'b"\\xff\\xfe\\x0a"\n')



def test_recv_line_max_counts_the_line_without_its_crlf():
    async def script(stream):
        await stream.send_all(b"abcd\r\nefgh\r")
        await trio.sleep(1)
        await stream.send_all(b"\nabcde\r\n")

    out = run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
puts(await s.recv_line(max: 4), " ", await s.recv_line(max: 4), " ", async.now())
try
    await s.recv_line(max: 4)
catch e
    puts(e)
end
puts(await s.recv(10))
''')
    assert out == (
        "abcd efgh 1\n"
        "IOErr: Cannot recv_line on tcp 127.0.0.1:PORT: the line is longer than 4 bytes "
        "(its bytes are left for recv; a longer limit: recv_line(max: n))\n"
        'b"abcde\\x0d\\x0a"\n')


# -- listeners -----------------------------------------------------------------------------------


def test_listener_addresses_and_async_iteration_until_closed():
    out = run(PRELUDE + '''
let listener = net.listen("127.0.0.1", 0)
let port = listener.port()
puts(listener.host(), " ", listener.local() == {host: "127.0.0.1", port: port})
let seen = []
let server = async.spawn(fun ()
    for s in listener
        async with s
            seen.push(await s.recv_line())
            await s.send("bye\\n")
        end
    end
    seen.push("loop ended")
end)
for name in ["ann", "bob"]
    let c = await net.connect("127.0.0.1", port)
    async with c
        puts(c.peer() == {host: "127.0.0.1", port: port}, " ", c.local()["port"] != port)
        await c.send(name .. "\\n")
        puts(await c.recv_line())
    end
    puts(c.is_closed())
end
listener.close()
await server
puts(seen, " ", listener.is_closed())
puts(listener.str().replace(port.str(), "PORT"))
''')
    assert out == ("127.0.0.1 true\n"
                   "true true\nbye\ntrue\n"
                   "true true\nbye\ntrue\n"
                   "[ann, bob, loop ended] true\n"
                   "<Listener 127.0.0.1:PORT closed>\n")


def test_accept_on_a_closed_listener_and_two_accepters():
    out = run(PRELUDE + '''
let listener = net.listen()
let first = async.spawn(fun () await listener.accept() end)
await async.sleep(1)
try
    await listener.accept()
catch e
    puts(e.message().replace(listener.port().str(), "PORT"))
end
listener.close()
try
    await first
catch e
    puts(e.message().replace(listener.port().str(), "PORT"))
end
try
    await listener.accept()
catch e: IOErr
    puts("again: ", e.message().replace(listener.port().str(), "PORT"))
end
''')
    assert out == (
        "Cannot accept on tcp listener 127.0.0.1:PORT: another task is already accepting "
        "on this listener\n"
        "Cannot accept on tcp listener 127.0.0.1:PORT: the listener is closed\n"
        "again: Cannot accept on tcp listener 127.0.0.1:PORT: the listener is closed\n")


def test_listen_errors():
    taken = bound_socket()
    taken.listen()
    port = taken.getsockname()[1]
    try:
        out = run(f'''use "std/net"
for args in [["127.0.0.1", {port}], [8080], ["127.0.0.1", 70000], ["127.0.0.1", "80"],
             ["no such host.invalid", 0]]
    try
        net.listen(*args)
    catch e
        puts(e)
    end
end
''')
    finally:
        taken.close()
    lines = out.splitlines()
    assert lines[:4] == [
        f"IOErr: Cannot listen on 127.0.0.1:{port}: Address already in use "
        "(another program, or another listener, has this port)",
        "TypeErr: net.listen(host, port) expects a Str host, got Int: to listen on port 8080 "
        "of 127.0.0.1, write net.listen(port: 8080)",
        "ValueErr: Invalid port 70000: use 0 to 65535",
        "TypeErr: net.listen(host, port) expects an Int port, got Str",
    ]
    assert lines[4].startswith("IOErr: Cannot listen on no such host.invalid:0: ")
    assert len(lines) == 5


def test_an_invalid_host_name_is_worded_like_an_unknown_host():
    # Python's IDNA codec refuses these before the resolver sees them: the
    # error is net's own (ConnectionError / IOErr, as for an unknown host)
    # and names the host, not "encoding with 'idna' codec failed".
    long, label = "a" * 300, "b" * 64 + ".com"
    out = run(PRELUDE + f'''
for h in ["{long}", "{label}"]
    try
        await net.connect(h, 80)
    catch e: net.ConnectionError
        puts(e)
    end
    try
        net.listen(h, 0)
    catch e: IOErr
        puts(e)
    end
end
''')
    assert out.splitlines() == [
        f"ConnectionError: Cannot connect to {long}:80: Invalid host name (label too long)",
        f"IOErr: Cannot listen on {long}:0: Invalid host name (label too long)",
        f"ConnectionError: Cannot connect to {label}:80: "
        "Invalid host name (label empty or too long)",
        f"IOErr: Cannot listen on {label}:0: Invalid host name (label empty or too long)",
    ]


def test_an_empty_host_listens_on_every_interface():
    assert run(PRELUDE + '''
let l = net.listen("")
puts(l.host() == "0.0.0.0" or l.host() == "::", " ", l.port() > 0)
l.close()
''') == "true true\n"


def test_a_backlog_beyond_the_os_limit_is_capped():
    assert run(PRELUDE + '''
let l = net.listen(backlog: 100000000000000000000)
puts(l.port() > 0)
l.close()
''') == "true\n"


def test_listen_binds_127_0_0_1_by_default():
    assert run(PRELUDE + '''
let a = net.listen()
let b = net.listen(port: 0)
puts(a.host(), " ", b.host(), " ", a.port() != b.port())
''') == "127.0.0.1 127.0.0.1 true\n"


# -- errors --------------------------------------------------------------------------------------


def test_connection_refused_names_host_and_port_where_it_was_called():
    closed = bound_socket()
    port = closed.getsockname()[1]
    try:
        report = error_report(PRELUDE + f'\nlet s = await net.connect("127.0.0.1", {port})\n')
        out = run(PRELUDE + f'''
try
    await net.connect("127.0.0.1", {port})
catch e: net.ConnectionError
    puts(e.type(), " | ", e.message(), " | ", e.line())
end
''')
    finally:
        closed.close()
    assert report.splitlines()[0] == (
        f"prog.q:4:9: ConnectionError: Cannot connect to 127.0.0.1:{port}: Connection refused")
    assert out == f"ConnectionError | Cannot connect to 127.0.0.1:{port}: Connection refused | 5\n"


def test_connect_argument_errors():
    out = run(PRELUDE + '''
for args in [[1, 2], ["127.0.0.1", "80"], ["127.0.0.1", -1], ["", 80]]
    try
        net.connect(*args)
    catch e
        puts(e)
    end
end
try
    net.connect("127.0.0.1")
catch e: ArgErr
    puts("ArgErr")
end
''')
    assert out == ("TypeErr: net.connect(host, port) expects a Str host, got Int\n"
                   "TypeErr: net.connect(host, port) expects an Int port, got Str\n"
                   "ValueErr: Invalid port -1: use 0 to 65535\n"
                   'ValueErr: net.connect(host, port) expects a non-empty host: write '
                   '"127.0.0.1" (or "localhost") for this machine\n'
                   "ArgErr\n")


def test_reset_by_the_peer_is_a_connection_error():
    async def script(stream):
        await stream.receive_some(10)
        stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        stream.socket.close()       # with linger 0: a RST, not a FIN

    out = run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
await s.send("hi")
await async.sleep(1)
for op in ["recv", "send"]
    try
        if op == "recv"
            await s.recv(10)
        else
            await s.send("more")
        end
    catch e: net.ConnectionError
        puts(e.message())
    end
end
''')
    assert out == (
        "Cannot recv on tcp 127.0.0.1:PORT: Connection reset by peer\n"
        "Cannot send on tcp 127.0.0.1:PORT: Broken pipe\n")


def test_using_a_closed_stream_is_an_ioerr():
    out = run(ECHO_CLIENT + '''
let reader = async.spawn(fun () await c.recv(10) end)
await async.sleep(1)
c.close()
await c.close()
for op in ["reader", "send", "recv", "recv_line", "send_eof"]
    try
        match op
        in "reader"
            await reader
        in "send"
            await c.send("x")
        in "recv"
            await c.recv(1)
        in "recv_line"
            await c.recv_line()
        in "send_eof"
            await c.send_eof()
        end
    catch e: IOErr
        puts(e.message().replace(listener.port().str(), "PORT"))
    end
end
puts(c.str().replace(listener.port().str(), "PORT"))
''')
    assert out == ("Cannot recv on tcp 127.0.0.1:PORT: the stream is closed\n"
                   "Cannot send on tcp 127.0.0.1:PORT: the stream is closed\n"
                   "Cannot recv on tcp 127.0.0.1:PORT: the stream is closed\n"
                   "Cannot recv_line on tcp 127.0.0.1:PORT: the stream is closed\n"
                   "Cannot send_eof on tcp 127.0.0.1:PORT: the stream is closed\n"
                   "<Stream tcp 127.0.0.1:PORT closed>\n")


def test_send_after_send_eof():
    out = run(ECHO_CLIENT + '''
await c.send_eof()
try
    await c.send("late")
catch e: IOErr
    puts(e.message().replace(listener.port().str(), "PORT"))
end
puts(await c.recv_line())
''')
    assert out == ("Cannot send on tcp 127.0.0.1:PORT: the stream was shut down for sending "
                   "(send_eof)\nnil\n")


def test_two_tasks_receiving_at_once_is_a_clear_error():
    out = run(ECHO_CLIENT + '''
let first = async.spawn(fun () await c.recv_line() end)
await async.sleep(1)
for op in ["recv", "recv_line", "recv_exactly"]
    try
        match op
        in "recv"
            await c.recv(1)
        in "recv_line"
            await c.recv_line()
        in "recv_exactly"
            await c.recv_exactly(1)
        end
    catch e: IOErr
        puts(e.message().replace(listener.port().str(), "PORT"))
    end
end
await c.send("still works\\n")
puts(await first)
''')
    busy = "Cannot {} on tcp 127.0.0.1:PORT: another task is already {} on this stream " \
           "(use one task for it, or an async.Lock)\n"
    assert out == (busy.format("recv", "receiving") + busy.format("recv_line", "receiving")
                   + busy.format("recv_exactly", "receiving") + "STILL WORKS\n")


def test_a_second_sender_while_a_send_is_blocked():
    async def script(stream):      # never reads: the first send fills the buffers and waits
        await trio.sleep(100)

    out = run_with_peer(script, '''
let c = await net.connect("127.0.0.1", PORT)
let big = async.spawn(fun () await c.send("x".repeat(64 * 1024 * 1024)) end)
await async.sleep(1)
try
    await c.send("y")
catch e: IOErr
    puts(e.message(), " ", big.is_finished())
end
big.cancel()
c.close()
''')
    assert out == ("Cannot send on tcp 127.0.0.1:PORT: another task is already sending on this "
                   "stream (use one task for it, or an async.Lock) false\n")



def test_a_send_while_send_eof_runs_is_a_clear_error(monkeypatch):
    real = trio.SocketStream.send_eof

    async def slow_send_eof(self):      # Trio's send_eof holds the stream over a checkpoint
        await trio.sleep(1)
        await real(self)

    monkeypatch.setattr(trio.SocketStream, "send_eof", slow_send_eof)
    out = run(ECHO_CLIENT + '''
let eof = async.spawn(fun () await c.send_eof() end)
await async.sleep(0.5)
try
    await c.send("x")
catch e: IOErr
    puts(e.message().replace(listener.port().str(), "PORT"))
end
await eof
puts(await c.recv_line())
''')
    assert out == ("Cannot send on tcp 127.0.0.1:PORT: another task is already sending on this "
                   "stream (use one task for it, or an async.Lock)\nnil\n")


def test_send_takes_bytes_or_str():
    out = run(ECHO_CLIENT + '''
try
    await c.send(42)
catch e
    puts(e)
end
await c.send("")
await c.send(b"")
await c.send("ok\\n")
puts(await c.recv_line())
''')
    assert out == "TypeErr: Stream.send() expects Bytes or Str, got Int\nOK\n"


# -- async with, timeouts, cancellation, leaks -----------------------------------------------


def test_async_with_closes_the_stream_also_when_the_body_fails():
    async def script(stream):
        assert await stream.receive_some(10) == b"x"
        assert await stream.receive_some(10) == b""      # closed by the Quest side

    out = run_with_peer(script, '''
let kept = nil
try
    async with net.connect("127.0.0.1", PORT) as s
        kept = s
        await s.send("x")
        raise ValueErr.new("body failed")
    end
catch e
    puts(e, " ", kept.is_closed())
end
await async.sleep(1)
''')
    assert out == "ValueErr: body failed true\n"


def test_timeout_on_recv_loses_nothing():
    async def script(stream):
        await stream.send_all(b"par")
        await trio.sleep(10)
        await stream.send_all(b"tial line\n")

    out = run_with_peer(script, '''
let s = await net.connect("127.0.0.1", PORT)
try
    await async.timeout(s.recv_line(), 5)
catch e: async.TimeoutError
    puts(e.message(), " at ", async.now())
end
puts(await s.recv_line(), " at ", async.now())
''')
    assert out == "Timed out after 5 seconds at 5\npartial line at 10\n"


def test_timeout_on_recv_from_a_silent_peer():
    out = run(ECHO + '''
let c = await net.connect("127.0.0.1", listener.port())
try
    await async.timeout(c.recv(10), 3)
catch e: async.TimeoutError
    puts("recv: ", e.message(), " at ", async.now())
end
c.close()
''')
    assert out == "recv: Timed out after 3 seconds at 3\n"


def test_a_leaked_task_says_what_it_waited_on():
    out, interp = run_async(ECHO + '''
async fun main()
    async.spawn(serve_one, name: "server")
    let c = await net.connect("127.0.0.1", listener.port())
    puts(listener.port(), " ", c.local()["port"])
    async.spawn(fun () await c.recv(10) end, name: "reader")
    async.spawn(fun () await listener.accept() end, name: "acceptor")
    await async.sleep(2)
end
await main()
''')
    server_port, client_port = out.split()
    assert {leak.name: leak.waiting_on for leak in interp.diagnostics.leaks} == {
        "server": f"recv_line on tcp 127.0.0.1:{client_port} at prog.q:8",
        "reader": f"recv on tcp 127.0.0.1:{server_port} at prog.q:21",
        "acceptor": f"accept on tcp listener 127.0.0.1:{server_port} at prog.q:22",
    }


def test_connect_never_awaited_is_reported():
    _, interp = run_async(PRELUDE + '''
net.connect("127.0.0.1", 9)
puts("done")
''')
    assert [(n.what, n.site.line) for n in interp.diagnostics.never_awaited] == \
        [("net.connect()", 4)]


@pytest.mark.parametrize("closer", ["c.close()", "await c.close()"])
def test_close_wakes_a_blocked_reader(closer):
    out = run(ECHO_CLIENT + f'''
let reader = async.spawn(fun ()
    try
        await c.recv_line()
    catch e: IOErr
        "reader: closed"
    end
end)
await async.sleep(1)
{closer}
puts(await reader, " at ", async.now())
''')
    assert out == "reader: closed at 1\n"


def test_a_task_blocked_connecting_says_so():
    # backlog 1: two connections fill the accept queue; a third connect waits
    out, interp = run_async(PRELUDE + '''
let listener = net.listen(backlog: 1)
let held = [await net.connect("127.0.0.1", listener.port()),
            await net.connect("127.0.0.1", listener.port())]
async fun main()
    async.spawn(fun () await net.connect("127.0.0.1", listener.port()) end, name: "third")
    async.spawn(fun ()
        async with net.connect("127.0.0.1", listener.port()) as s
        end
    end, name: "fourth")
    await async.sleep(2)
end
await main()
puts(listener.port())
''')
    port = out.strip()
    assert {leak.name: leak.waiting_on for leak in interp.diagnostics.leaks} == {
        "third": f"connect to 127.0.0.1:{port} at prog.q:8",
        "fourth": f"connect to 127.0.0.1:{port} at prog.q:10",
    }


def test_awaiting_a_connect_twice():
    out = run(ECHO + '''
let connecting = net.connect("127.0.0.1", listener.port())
puts(connecting.str().replace(listener.port().str(), "PORT"))
let s = await connecting
try
    await connecting
catch e
    puts(e.str().replace(listener.port().str(), "PORT"))
end
s.close()
''')
    assert out == ("<net.connect(127.0.0.1, PORT)>\n"
                   "RuntimeErr: net.connect(127.0.0.1, PORT) was already awaited: call it again "
                   "for another one\n")
