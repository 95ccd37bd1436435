"""`trioquest check`: exit statuses, output and every bad-input case."""

import subprocess
import sys

import pytest

from trioquest import __version__
from trioquest.cli import main


@pytest.fixture
def write(tmp_path):
    def write(name, content):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)
    return write


def test_check_is_silent_on_success(write, capsys):
    good = write("good.q", "let x = 1\nputs(x)\n")
    assert main(["check", good, good]) == 0
    assert capsys.readouterr() == ("", "")


def test_check_reports_each_error_and_exits_1(write, capsys):
    bad1 = write("bad1.q", "\nlet x = )\n")
    good = write("good.q", "1\n")
    bad2 = write("bad2.q", "if x\n")
    assert main(["check", bad1, good, bad2]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{bad1}:2:9: SyntaxErr: unexpected ')', expected an expression\n"
        "    let x = )\n"
        "            ^\n"
        f"{bad2}:1:1: SyntaxErr: 'if' is never closed: expected 'end' before the end of the input\n"
        "    if x\n"
        "    ^^\n"
    )


def test_check_ast(write, capsys):
    path = write("a.q", "\nlet x = -1\nputs(f\"{x:>3}\")\n")
    assert main(["check", "--ast", path]) == 0
    assert capsys.readouterr().out == (
        "Program @2:1-3:16\n"
        "  body[0]: Let @2:1-2:11\n"
        "    bindings[0]: Binding name='x' type=None @2:5-2:11\n"
        "      value: UnaryOp op='-' @2:9-2:11\n"
        "        operand: Int value=1 @2:10-2:11\n"
        "  body[1]: ExprStmt @3:1-3:16\n"
        "    value: Call @3:1-3:16\n"
        "      func: Name id='puts' @3:1-3:5\n"
        "      args[0]: Arg @3:6-3:15\n"
        "        value: FString @3:6-3:15\n"
        "          parts[0]: FormattedValue spec='>3' @3:8-3:14\n"
        "            value: Name id='x' @3:9-3:10\n"
    )


def test_check_ast_without_positions_and_several_files(write, capsys):
    a = write("a.q", "[1; 2]")
    b = write("b.q", "for k, v in d end")
    assert main(["check", "--ast", "--no-positions", a, b]) == 0
    assert capsys.readouterr().out == (
        f"# {a}\n"
        "Program\n"
        "  body[0]: ExprStmt\n"
        "    value: Array2D\n"
        "      rows[0][0]: Int value=1\n"
        "      rows[1][0]: Int value=2\n"
        f"# {b}\n"
        "Program\n"
        "  body[0]: For var='k' var2='v' body=()\n"
        "    iterable: Name id='d'\n"
    )


def test_ast_of_a_deeply_nested_expression(write, capsys):
    path = write("deep.q", "x = " + "-" * 3000 + "1")
    assert main(["check", "--ast", "--no-positions", path]) == 0
    assert capsys.readouterr().out.count("UnaryOp") == 3000


@pytest.mark.parametrize("setup, message", [
    (lambda w, d: str(d / "missing.q"), "no such file"),
    (lambda w, d: str(d), "it is a directory"),
    (lambda w, d: w("latin1.q", b"let s = \"caf\xe9\"\n"),
     "not UTF-8 text (byte 0xe9 on line 1)"),
])
def test_unreadable_files_exit_2(setup, message, write, tmp_path, capsys):
    path = setup(write, tmp_path)
    assert main(["check", path]) == 2
    assert capsys.readouterr().err == f"trioquest: cannot read '{path}': {message}\n"


def test_unreadable_file_wins_over_syntax_error_in_exit_status(write, tmp_path, capsys):
    bad = write("bad.q", "end")
    assert main(["check", bad, str(tmp_path / "nope.q")]) == 2


def test_byte_order_mark_and_crlf_are_accepted(write, capsys):
    path = write("bom.q", b"\xef\xbb\xbflet x = 1\r\nputs(x)\r\n")
    assert main(["check", path]) == 0


def test_no_program_reads_it_from_stdin_when_stdin_is_not_a_terminal(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('puts("from stdin")\nputs(1 / 0)\n'))
    assert main([]) == 1
    out, err = capsys.readouterr()
    assert out == "from stdin\n"
    assert err.startswith("stdin:2:6: RuntimeErr: Division by zero\n")


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2
    capsys.readouterr()
    # A word that is not a command is the program to run.
    assert main(["frobnicate"]) == 2
    assert capsys.readouterr().err == "trioquest: cannot read 'frobnicate': no such file\n"


def test_internal_errors_are_reported_not_dumped(write, monkeypatch, capsys):
    import trioquest.parser

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(trioquest.parser, "parse", boom)
    path = write("a.q", "1")
    assert main(["check", path]) == 70
    err = capsys.readouterr().err
    assert err == ("trioquest: internal error: RuntimeError: kaput "
                   "(please report it; --debug shows the traceback)\n")
    assert main(["--debug", "check", path]) == 70
    assert "Traceback" in capsys.readouterr().err


def test_console_entry_points():
    done = subprocess.run([sys.executable, "-m", "trioquest", "--version"],
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"trioquest {__version__}\n")
    done = subprocess.run([sys.executable, "-m", "trioquest", "check", "/nonexistent.q"],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (
        2, "trioquest: cannot read '/nonexistent.q': no such file\n")
