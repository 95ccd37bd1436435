"""The async functions of std/io (issue #6 item 4): whole-file calls, File
objects from open_async, one thread hop per call, errors worded as the sync
std/io words them, and cancellation (a FIFO stands for a file whose read or
write blocks, so that a timeout can catch the hop in the middle)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import trio

from async_runner import error_report, run_async
from trioquest.stdlib import thread_hop

PRELUDE = 'use "std/io"\nuse "std/async"\n'


def q(path) -> str:
    return '"' + str(path).replace("\\", "/") + '"'


def run(source: str, **kw) -> str:
    return run_async(PRELUDE + source, **kw)[0]


@pytest.fixture
def hops(monkeypatch):
    """The number of worker threads started (thread hops)."""
    count = [0]
    real = trio.lowlevel.start_thread_soon

    def counting(fn, deliver, name=None):
        count[0] += 1
        return real(fn, deliver, name)

    monkeypatch.setattr(trio.lowlevel, "start_thread_soon", counting)
    return count


def wait_for_workers() -> None:
    """Abandoned hops (after a cancellation) finish in their threads."""
    deadline = time.monotonic() + 5
    while thread_hop.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert thread_hop.running() == 0


# -- whole files ------------------------------------------------------------------------------


def test_whole_file_functions(tmp_path, hops):
    f = tmp_path / "a.txt"
    out = run(f'''
await io.write_async({q(f)}, "héllo\\n")
await io.append_async({q(f)}, "world ")
await io.append_async({q(f)}, 42)
puts(await io.read_async({q(f)}))
puts(io.read({q(f)}) == await io.read_async({q(f)}))
await io.write_async({q(f)}, "")
puts("[", await io.read_async({q(f)}), "]")
''')
    assert out == "héllo\nworld 42\ntrue\n[]\n"
    assert f.read_text(encoding="utf-8") == ""
    assert hops[0] == 7     # one per call


def test_whole_file_errors_are_the_sync_errors(tmp_path):
    missing = tmp_path / "missing.txt"
    nodir = tmp_path / "no" / "dir.txt"
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    out = run(f'''
let cases = [
    ["read", fun () io.read({q(missing)}) end, fun () io.read_async({q(missing)}) end],
    ["read dir", fun () io.read({q(tmp_path)}) end, fun () io.read_async({q(tmp_path)}) end],
    ["latin", fun () io.read({q(latin)}) end, fun () io.read_async({q(latin)}) end],
    ["write", fun () io.write({q(nodir)}, "x") end, fun () io.write_async({q(nodir)}, "x") end],
    ["append", fun () io.append({q(nodir)}, "x") end, fun () io.append_async({q(nodir)}, "x") end],
    ["path", fun () io.read(1) end, fun () io.read_async(1) end]
]
for c in cases
    let sync_err = nil
    let async_err = nil
    try
        c[1]()
    catch e
        sync_err = e.str()
    end
    try
        await c[2]()
    catch e
        async_err = e.str()
    end
    puts(c[0], ": ", sync_err == async_err, " ", async_err)
end
''')
    assert out == (
        f"read: true IOErr: Cannot read '{missing}': No such file or directory\n"
        f"read dir: true IOErr: Cannot read '{tmp_path}': Is a directory\n"
        f"latin: true IOErr: Cannot read '{latin}': not UTF-8 text\n"
        f"write: true IOErr: Cannot write '{nodir}': No such file or directory\n"
        f"append: true IOErr: Cannot append to '{nodir}': No such file or directory\n"
        "path: true TypeErr: Expected a path (Str), got Int\n")


def test_the_error_is_located_at_the_await(tmp_path):
    missing = tmp_path / "missing.txt"
    report = error_report(PRELUDE + f'\nlet text = await io.read_async({q(missing)})\n')
    assert report.splitlines()[0] == \
        f"prog.q:4:12: IOErr: Cannot read '{missing}': No such file or directory"


def test_sync_programs_do_not_load_trio():
    code = ("import sys\nfrom trioquest.cli import main\n"
            "main(['-c', 'use \"std/io\"\\nputs(io.exists(\"/\"))'])\n"
            "print('trio' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "true\nFalse\n"


# -- File: reading ----------------------------------------------------------------------------


def test_file_reads_lines_and_sizes(tmp_path):
    f = tmp_path / "lines.txt"
    f.write_bytes("héllo\r\nworld\rthird\nlast, no newline".encode())
    out = run(f'''
let f = await io.open_async({q(f)})
puts(await f.readline(), "|", await f.read(3), "|", await f.readline())
puts(await f.lines())
puts(await f.readline(), " ", await f.read(5), " [", await f.read(), "] ", await f.lines())
await f.close()
await f.close()
puts(f.is_closed())
''')
    assert out == "héllo|wor|ld\n[third, last, no newline]\nnil nil [] []\ntrue\n"


def test_file_str_path_and_mode(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("x")
    out = run(f'''
let f = await io.open_async({q(f)})
puts(f, " ", f.path(), " ", f.mode())
await f.close()
puts(f)
''')
    assert out == f"<File '{f}' r> {f} r\n<File '{f}' r closed>\n"


def test_reading_is_one_hop_per_call_at_most(tmp_path, hops):
    f = tmp_path / "many.txt"
    f.write_text("".join(f"line {i}\n" for i in range(1000)))
    out = run(f'''
let n = 0
async with io.open_async({q(f)}) as f
    for line in f
        n = n + 1
    end
end
puts(n)
''')
    assert out == "1000\n"
    assert hops[0] == 4     # open, one read-ahead (7.9 KB < 64 KiB), one that meets the end, close


def test_iteration_and_lines_agree_with_sync_io(tmp_path):
    f = tmp_path / "crlf.txt"
    f.write_bytes(b"a\r\nb\rc\n\nd\xc3\xa9\n")
    out = run(f'''
let sync_lines = io.read({q(f)}).split("\\n")
sync_lines.pop()
let seen = []
async with io.open_async({q(f)}) as f
    for line in f
        seen.push(line)
    end
end
async with io.open_async({q(f)}) as g
    puts(seen, " ", seen == sync_lines, " ", (await g.lines()) == seen)
end
''')
    assert out == "[a, b, c, , dé] true true\n"


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("")
    out = run(f'''
async with io.open_async({q(f)}) as f
    puts("[", await f.read(), "] ", await f.readline(), " ", await f.read(4), " ",
         await f.read(0) == "", " ", await f.lines())
end
''')
    assert out == "[] nil nil true []\n"


def test_binary_mode_gives_bytes(tmp_path):
    f = tmp_path / "b.bin"
    out = run(f'''
async with io.open_async({q(f)}, "wb") as w
    puts(await w.write(b"\\x00\\x01\\r\\n"), " ", await w.write("é\\n"))
end
async with io.open_async({q(f)}, "ab") as w
    await w.write(b"tail")
end
async with io.open_async({q(f)}, "rb") as r
    puts(await r.readline(), " ", await r.read(2), " ", await r.read())
end
async with io.open_async({q(f)}, "rb") as r
    puts(await r.lines())
    try
        await r.write(b"x")
    catch e
        puts(e)
    end
end
try
    async with io.open_async({q(f)}, "wb") as w
        await w.write(42)
    end
catch e
    puts(e)
end
''')
    assert f.read_bytes() == b""      # the failed block opened it with "wb"
    assert out == (
        '4 3\n'
        'b"\\x00\\x01\\x0d" b"\\xc3\\xa9" b"\\x0atail"\n'
        '[b"\\x00\\x01\\x0d", b"\\xc3\\xa9", b"tail"]\n'
        f"IOErr: Cannot write '{f}': it was opened for reading (mode 'rb')\n"
        "TypeErr: File.write() on a binary file expects Bytes or Str, got Int\n")


def test_a_non_utf8_file_fails_as_sync_io_does(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes(b"ok\ncaf\xe9\n")
    out = run(f'''
let f = await io.open_async({q(f)})
for i in 0 until 2
    try
        await f.readline()
    catch e
        puts(e)
    end
end
await f.close()
''')
    # the read that decodes the bad bytes fails (it read ahead past "ok"), and so does
    # every read after it: no text is skipped silently
    assert out == f"IOErr: Cannot read '{f}': not UTF-8 text\n" * 2


# -- File: writing ----------------------------------------------------------------------------


def test_writes_are_buffered_until_flush_or_close(tmp_path, hops):
    f = tmp_path / "w.txt"
    out = run(f'''
let f = await io.open_async({q(f)}, "w")
for i in 0 until 1000
    await f.write("line " .. i .. "\\n")
end
puts(await f.write("é"), " ", io.size({q(f)}))
await f.flush()
puts(io.size({q(f)}))
await f.write(["not", "a", "Str"])
await f.close()
puts(io.read({q(f)}).split("\\n").len(), " ", f.is_closed())
''')
    assert out == "1 0\n8892\n1001 true\n"
    assert f.read_text().endswith("line 999\né[not, a, Str]")
    assert hops[0] == 3     # open, flush, close: the 1,000 writes hopped not once


def test_large_writes_reach_the_file_in_chunks(tmp_path, hops):
    f = tmp_path / "big.txt"
    out = run(f'''
async with io.open_async({q(f)}, "w") as f
    for i in 0 until 100
        await f.write("x".repeat(10000))
    end
end
puts(io.size({q(f)}))
''')
    assert out == "1000000\n"
    assert 15 <= hops[0] <= 20     # open, a hop per 64 KiB pending (15), close


def test_append_and_exclusive_modes(tmp_path):
    f = tmp_path / "log.txt"
    f.write_text("one\n")
    out = run(f'''
async with io.open_async({q(f)}, "a") as f
    await f.write("two\\n")
end
puts(io.read({q(f)}))
try
    await io.open_async({q(f)}, "x")
catch e
    puts(e)
end
async with io.open_async({q(f)} .. ".new", "x") as f
    await f.write("fresh")
end
puts(io.read({q(f)} .. ".new"))
''')
    assert out == f"one\ntwo\n\nIOErr: Cannot open '{f}': File exists\nfresh\n"


def test_async_with_closes_the_file_also_when_the_body_fails(tmp_path):
    f = tmp_path / "partial.txt"
    out = run(f'''
let kept = nil
try
    async with io.open_async({q(f)}, "w") as f
        kept = f
        await f.write("written before the error")
        raise ValueErr.new("body failed")
    end
catch e
    puts(e, " ", kept.is_closed())
end
puts(io.read({q(f)}))
let g = await io.open_async({q(f)})
async with g
    puts(await g.read(7))
end
puts(g.is_closed())
''')
    assert out == "ValueErr: body failed true\nwritten before the error\nwritten\ntrue\n"


def test_a_file_dropped_without_close_still_gets_its_writes(tmp_path):
    f = tmp_path / "dropped.txt"
    out = run(f'''
async fun log()
    let f = await io.open_async({q(f)}, "w")
    await f.write("written by a File nobody closed")
end
await log()
puts("done")
''')
    assert out == "done\n"
    wait_for_workers()
    assert f.read_text() == "written by a File nobody closed"



def test_a_file_left_open_when_the_program_fails_still_gets_its_writes(tmp_path):
    f = tmp_path / "left_open.txt"
    prog = tmp_path / "prog.q"
    prog.write_text(PRELUDE + f'let f = await io.open_async({q(f)}, "w")\n'
                    'await f.write("pending when the program failed")\nraise "boom"\n')
    done = subprocess.run([sys.executable, "-m", "trioquest", str(prog)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, f"{prog}:5:1: RuntimeErr: boom")
    assert f.read_text() == "pending when the program failed"


def test_read_n_far_beyond_the_file_reads_to_its_end(tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("one\ntwo\n")
    out = run(f'''
let f = await io.open_async({q(f)})
puts((await f.read(10000000000000)).len(), " ", await f.read(1000000000000000000000))
let g = await io.open_async({q(f)}, "rb")
puts(await g.read(1000000000000000000000), " ", await g.read(10000000000000))
''')
    assert out == '8 nil\nb"one\\x0atwo\\x0a" nil\n'


# -- File: errors -----------------------------------------------------------------------------


def test_file_errors(tmp_path):
    f = tmp_path / "e.txt"
    f.write_text("x")
    missing = tmp_path / "missing.txt"
    out = run(f'''
let r = await io.open_async({q(f)})
let w = await io.open_async({q(tmp_path)} .. "/w.txt", "w")
let a = await io.open_async({q(tmp_path)} .. "/a.txt", "a")
let closed = await io.open_async({q(f)})
await closed.close()
let attempts = [
    fun () io.open_async({q(missing)}) end,
    fun () io.open_async({q(tmp_path)}, "w") end,
    fun () io.open_async({q(f)}, "r+") end,
    fun () io.open_async({q(f)}, 1) end,
    fun () io.open_async(nil) end,
    fun () r.write("x") end,
    fun () w.read() end,
    fun () w.readline() end,
    fun () closed.read() end,
    fun () closed.readline() end,
    fun () closed.write("x") end,
    fun () r.read(-1) end
]
for attempt in attempts
    try
        await attempt()
    catch e
        puts(e)
    end
end
await w.close()
await a.close()
await r.close()
''')
    assert out == (
        f"IOErr: Cannot open '{missing}': No such file or directory\n"
        f"IOErr: Cannot open '{tmp_path}': Is a directory\n"
        "ValueErr: Invalid mode 'r+' for io.open_async: use 'r', 'w', 'a' or 'x' (text), "
        "or 'rb', 'wb', 'ab' or 'xb' (Bytes)\n"
        "ValueErr: Invalid mode Int for io.open_async: use 'r', 'w', 'a' or 'x' (text), "
        "or 'rb', 'wb', 'ab' or 'xb' (Bytes)\n"
        "TypeErr: Expected a path (Str), got Nil\n"
        f"IOErr: Cannot write '{f}': it was opened for reading (mode 'r')\n"
        f"IOErr: Cannot read '{tmp_path}/w.txt': it was opened for writing (mode 'w')\n"
        f"IOErr: Cannot read '{tmp_path}/w.txt': it was opened for writing (mode 'w')\n"
        f"IOErr: Cannot read '{f}': the file is closed\n"
        f"IOErr: Cannot readline '{f}': the file is closed\n"
        f"IOErr: Cannot write '{f}': the file is closed\n"
        "ValueErr: File.read(n) expects an Int >= 0\n")


def test_never_awaited_calls_are_reported(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("x")
    _, interp = run_async(PRELUDE + f'''
io.read_async({q(f)})
io.open_async({q(f)})
''')
    assert [(n.what, n.site.line) for n in interp.diagnostics.never_awaited] == \
        [("io.read_async()", 4), ("io.open_async()", 5)]


# -- blocking files: busy, cancellation -------------------------------------------------------


def fifo_clock():
    """A MockClock that jumps only after 0.1 s of real idleness: a worker
    thread's result takes real time to come back, and an autojump_threshold
    of 0 may move virtual time past a deadline meanwhile."""
    return trio.testing.MockClock(autojump_threshold=0.1)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    yield path
    wait_for_workers()


def test_two_tasks_on_one_file_is_a_clear_error(fifo):
    async def writer(bridge):
        fd = await trio.to_thread.run_sync(os.open, fifo, os.O_WRONLY)
        await trio.sleep(5)
        os.write(fd, b"late line\n")
        os.close(fd)

    out = run(f'''
let f = await io.open_async({q(fifo)})
let first = async.spawn(fun () await f.readline() end)
await async.sleep(1)
try
    await f.readline()
catch e
    puts(e)
end
puts(await first)
await f.close()
''', watch=writer, clock=fifo_clock())
    assert out == (f"IOErr: Cannot readline '{fifo}': another task is already using this file "
                   "(readline)\nlate line\n")


def test_a_cancelled_read_async_returns_at_once(fifo):
    out = run(f'''
try
    await async.timeout(io.read_async({q(fifo)}), 2)
catch e: async.TimeoutError
    puts(e.message(), " at ", async.now())
end
''')
    assert out == "Timed out after 2 seconds at 2\n"
    assert thread_hop.running() == 1      # the hop still waits in open()
    fd = os.open(fifo, os.O_WRONLY)       # let it finish
    os.write(fd, b"dropped")
    os.close(fd)


def test_a_cancelled_write_async_is_completed_by_its_thread(fifo):
    out = run(f'''
try
    await async.timeout(io.write_async({q(fifo)}, "the whole text"), 2)
catch e: async.TimeoutError
    puts(e.message(), " at ", async.now())
end
''')
    assert out == "Timed out after 2 seconds at 2\n"
    fd = os.open(fifo, os.O_RDONLY)
    data = b""
    while chunk := os.read(fd, 100):
        data += chunk
    os.close(fd)
    assert data == b"the whole text"


def test_a_cancelled_file_call_closes_the_file(fifo):
    fds = []

    async def writer(bridge):
        fd = await trio.to_thread.run_sync(os.open, fifo, os.O_WRONLY)
        fds.append(fd)
        os.write(fd, b"one\nsec")
        await trio.sleep_forever()

    try:
        out = run(f'''
let f = await io.open_async({q(fifo)})
puts(await f.readline())
try
    await async.timeout(f.readline(), 3)
catch e: async.TimeoutError
    puts(e.message(), " at ", async.now(), " ", f.is_closed())
end
try
    await f.readline()
catch e
    puts(e)
end
''', watch=writer)
        assert thread_hop.running() == 1      # its thread still waits for the line
    finally:
        os.write(fds[0], b"ond\n")
        os.close(fds[0])
    assert out == ("one\nTimed out after 3 seconds at 3 true\n"
                   f"IOErr: Cannot readline '{fifo}': the file is closed\n")



def test_a_cancelled_call_served_from_the_buffers_takes_and_adds_nothing(tmp_path):
    src, dst = tmp_path / "lines.txt", tmp_path / "out.txt"
    src.write_text("one\ntwo\nthree\n")
    out = run(f'''
let f = await io.open_async({q(src)})
let w = await io.open_async({q(dst)}, "w")
puts(await f.readline())
await w.write("A")
for call in [fun () f.readline() end, fun () w.write("lost") end]
    try
        await async.timeout(call(), 0)
    catch e: async.TimeoutError
        puts(e.message())
    end
end
puts(await f.readline(), " ", f.is_closed(), " ", w.is_closed())
await w.write("B")
await w.close()
puts(io.read({q(dst)}))
''')
    assert out == ("one\nTimed out after 0 seconds\nTimed out after 0 seconds\n"
                   "two false false\nAB\n")


def test_a_buffered_write_meeting_a_close_by_another_task_says_so(tmp_path, monkeypatch):
    from trioquest.errors import IOErr
    from trioquest.stdlib.io_file import File

    path = tmp_path / "w.txt"
    f = File(open(path, "wb"), str(path), "w")

    async def closed_meanwhile(self):     # another task's close() at the checkpoint
        await trio.lowlevel.checkpoint()
        self._abandon()

    async def main():
        await f.write("kept")
        monkeypatch.setattr(File, "_from_buffer", closed_meanwhile)
        with pytest.raises(IOErr) as caught:
            await f.write("refused")
        return str(caught.value)

    assert trio.run(main) == f"IOErr: Cannot write '{path}': the file is closed"
    wait_for_workers()
    assert path.read_text() == "kept"


def test_leaving_async_with_by_cancellation_still_writes_and_closes(tmp_path):
    f = tmp_path / "cancelled.txt"
    out = run(f'''
let f = await io.open_async({q(f)}, "w")
try
    await async.timeout(fun ()
        async with f
            await f.write("kept")
            await async.sleep(10)
        end
    end, 1)
catch e: async.TimeoutError
    puts(e.message(), " ", f.is_closed())
end
''')
    assert out == "Timed out after 1 second true\n"
    wait_for_workers()
    assert f.read_text() == "kept"


def test_leaked_tasks_say_which_file_they_waited_on(fifo, tmp_path):
    other = tmp_path / "other_fifo"
    os.mkfifo(other)
    _, interp = run_async(PRELUDE + f'''
async fun main()
    async.spawn(fun () await io.read_async({q(fifo)}) end, name: "whole")
    async.spawn(fun () await io.open_async({q(other)}) end, name: "opening")
    await async.sleep(2)
end
await main()
''')
    for path in (fifo, other):      # let the two abandoned hops end
        os.close(os.open(path, os.O_WRONLY))
    assert {leak.name: leak.waiting_on for leak in interp.diagnostics.leaks} == {
        "whole": f"io.read_async('{fifo}') at prog.q:5",
        "opening": f"io.open_async('{other}', 'r') at prog.q:6",
    }
