"""The command line's front end: --emit-python, -c and stdin programs that are
not UTF-8, and `check` finding every error `run` finds before running."""

import io
import subprocess
import sys

from cli_helpers import program, run  # noqa: F401 - program is a fixture


UNCLOSED = "\nputs(1)\nlet x = (\n"
UNCLOSED_REPORT = ("prog.q:3:9: SyntaxErr: '(' is never closed: expected ')' before the end "
                   "of the input\n    let x = (\n            ^\n")


def test_emit_python_reports_a_syntax_error_like_run(program, capsys):
    path = program(UNCLOSED)
    assert run(capsys, path) == (1, "", UNCLOSED_REPORT)
    assert run(capsys, "--emit-python", path) == (1, "", UNCLOSED_REPORT)


def test_emit_python_reports_a_compile_time_error_like_run(program, capsys):
    path = program("\nfun f()\n  await g()\nend\n")
    report = ("prog.q:3:3: SyntaxErr: 'await' in fun 'f', which is not async: declare it "
              "'async fun f'\n      await g()\n      ^^^^^\n")
    assert run(capsys, path) == (1, "", report)
    assert run(capsys, "--emit-python", path) == (1, "", report)


def test_emit_python_of_a_good_program_prints_python(program, capsys):
    status, out, err = run(capsys, "--emit-python", program("puts(1)\n"))
    assert (status, err) == (0, "")
    assert "def _Q_body(_Q_ns):" in out and "puts(1)" in out


def test_a_c_program_that_is_not_utf8_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "trioquest", "-c", b'puts(1)\nputs("caf\xe9")'],
                          capture_output=True)
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == (b"trioquest: cannot read the program given with -c: not UTF-8 text "
                           b"(byte 0xe9 on line 2)\n")


def test_a_stdin_program_that_is_not_utf8_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "trioquest"], capture_output=True,
                          input=b'puts(1)\n\nputs("\xff")\n')
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr == (b"trioquest: cannot read the program from stdin: not UTF-8 text "
                           b"(byte 0xff on line 3)\n")


def test_a_binary_stdin_in_process(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'puts("\xc3\xa9t\xc3\xa9")\n')))
    assert run(capsys) == (0, "\u00e9t\u00e9\n", "")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfputs(2)\n\x80")))
    assert run(capsys) == (2, "", "trioquest: cannot read the program from stdin: not UTF-8 "
                                  "text (byte 0x80 on line 2)\n")


def test_a_byte_order_mark_is_dropped_from_c_and_stdin_programs(capsys, monkeypatch):
    assert run(capsys, "-c", "\ufeffputs(3)") == (0, "3\n", "")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfputs(4)\n")))
    assert run(capsys) == (0, "4\n", "")


def test_check_finds_the_compile_time_errors_run_finds(program, capsys):
    path = program('\nputs("before")\nfun f()\n  let x = 1\n  await g(x)\n  await h()\nend\n')
    report = ("prog.q:5:3: SyntaxErr: 'await' in fun 'f', which is not async: declare it "
              "'async fun f'\n      await g(x)\n      ^^^^^\n")
    assert run(capsys, path) == (1, "", report)
    assert run(capsys, "check", path) == (1, "", report)
    assert run(capsys, "check", "--ast", path) == (1, "", report)


def test_check_reports_async_with_in_a_sync_fun_and_too_deep_code(program, capsys):
    bad = program("fun f()\n  async with g()\n  end\nend\n", "with.q")
    status, out, err = run(capsys, "check", bad)
    assert (status, out) == (1, "")
    assert err.startswith("with.q:2:3: SyntaxErr: 'async with' in fun 'f', which is not async")
    deep = program("puts(" + "[" * 12000 + "1" + "]" * 12000 + ")\n", "deep.q")
    status, out, err = run(capsys, "check", deep)
    assert (status, out) == (1, "")
    assert err.startswith("deep.q:1:12005: SyntaxErr: expression nested too deeply\n")


def test_check_leaves_run_time_errors_to_run(program, capsys):
    path = program('let x = 1\nlet x = 2\ny = 3\nbreak\nuse "no/such/module"\n')
    assert run(capsys, "check", path) == (0, "", "")
    status, out, err = run(capsys, path)
    assert status == 1 and "NameErr: Variable 'x' is already declared" in err
