"""std/io: files, globbing and StringIO."""

from quest_runner import output, run


def q(path) -> str:
    return '"' + str(path).replace("\\", "/") + '"'


def test_file_functions(tmp_path):
    f, g, d = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "dir"
    out = output(f'''
        use "std/io"
        io.write({q(f)}, "héllo\\n")
        io.append({q(f)}, "world")
        puts(io.read({q(f)}))
        puts(io.exists({q(f)}), io.is_file({q(f)}), io.is_dir({q(f)}), " ", io.size({q(f)}))
        io.copy({q(f)}, {q(g)})
        io.remove({q(f)})
        puts(io.exists({q(f)}), io.read({q(g)}).len())
        io.move({q(g)}, {q(f)})
        puts(io.exists({q(g)}), io.exists({q(f)}))
    ''')
    assert out == "héllo\nworld\ntruetruefalse 12\nfalse12\nfalsetrue\n"
    d.mkdir()
    (d / "x.q").write_text("")
    (d / "y.txt").write_text("")
    out = output(f'''
        use "std/io"
        puts(io.glob({q(d)} .. "/*.q").map(fun (p) p.split("/").last() end))
        puts(io.glob_match("src/main.q", "src/*.q"), " ", io.glob_match("a.txt", "*.q"))
        io.remove({q(d)})
        puts(io.exists({q(d)}))
    ''')
    assert out == "[x.q]\ntrue false\nfalse\n"


def test_io_errors_name_the_path(tmp_path):
    missing = tmp_path / "missing.txt"
    out, err, status = run(f'use "std/io"\nio.read({q(missing)})\n')
    assert status == 1
    assert err.startswith(f"-c:2:1: IOErr: Cannot read '{missing}': No such file or directory\n")
    out, err, status = run(f'use "std/io"\nio.remove({q(missing)})\n')
    assert f"IOErr: Cannot remove '{missing}'" in err


def test_stringio():
    assert output('''
        use "std/io"
        let b = io.StringIO.new("line1\\nline2\\nline3")
        puts(b.readline().trim(), "|", b.tell(), "|", b.read(3), "|", b.readlines())
        b.seek(0)
        puts(b.read(), "|", b.len(), "|", b.char_len(), "|", b.empty())
        b.clear()
        puts(b.empty(), " ", b.str().len() > 0)
        b.write("abc")
        b.seek(1)
        b.write("X")
        b.writelines(["1", "2"])
        puts(b.getvalue(), " ", b.truncate(2), " ", b.get_value())
        let e = io.StringIO.new()
        if e puts("truthy") else puts("empty is falsy") end
        b.close()
        puts(b.closed())
    ''') == ("line1|6|lin|[e2\n, line3]\nline1\nline2\nline3|17|17|false\n"
             "true true\naX12 2 aX\nempty is falsy\ntrue\n")


def test_stringio_with_and_redirection():
    assert output('''
        use "std/io"
        use "std/sys"
        let buf = io.StringIO.new()
        with sys.redirect_stream(sys.stdout, buf) as guard
            puts("hidden")
            print("also")
        end
        puts(buf.get_value().split("\\n"))
        with io.StringIO.new("x") as s
            puts(s.read())
        end
    ''') == "[hidden, also]\nx\n"


def test_closed_stringio_is_an_error():
    out, err, status = run('use "std/io"\nlet b = io.StringIO.new()\nb.close()\nb.write("x")\n')
    assert "ValueErr: I/O operation on a closed StringIO" in err
