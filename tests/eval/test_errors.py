"""Uncaught errors: the documented messages and locations (docs/errors.md)."""

from quest_runner import run


def report(source, tmp_path):
    out, err, status = run(source, tmp_path=tmp_path)
    assert status == 1
    return err.replace(str(tmp_path / "main.q"), "main.q")


def test_a_program_that_raises(tmp_path):
    assert report('''
        fun check(n)
            if n < 0
                raise ValueErr.new("negative: " .. n)
            end
        end
        check(-3)
    ''', tmp_path) == (
        "main.q:3:9: ValueErr: negative: -3\n"
        "Quest stack (innermost last):\n"
        "  at <module> (main.q:6)\n"
        "  at check (main.q:3)\n"
        '            raise ValueErr.new("negative: " .. n)\n'
        "            ^\n")


def test_raise_of_a_string_is_a_runtime_error(tmp_path):
    assert report('raise "boom"\n', tmp_path).startswith("main.q:1:1: RuntimeErr: boom\n")


def test_a_syntax_error(tmp_path):
    assert report('puts("a")\nlet x = (1 +\n', tmp_path) == (
        "main.q:2:9: SyntaxErr: '(' is never closed: expected ')' before the end of the input\n"
        "    let x = (1 +\n"
        "            ^\n")


def test_a_missing_module(tmp_path):
    assert report('let x = 1\nuse "nope"\n', tmp_path) == (
        "main.q:2:1: ImportErr: Module not found: 'nope'\n"
        "Quest stack (innermost last):\n"
        "  at <module> (main.q:2)\n"
        '    use "nope"\n'
        "    ^\n")


def test_a_method_that_does_not_exist(tmp_path):
    assert report('let n = 5\nputs(n.frobnicate(2))\n', tmp_path) == (
        "main.q:2:6: AttrErr: Unknown method 'frobnicate' on Int\n"
        "Quest stack (innermost last):\n"
        "  at <module> (main.q:2)\n"
        "    puts(n.frobnicate(2))\n"
        "         ^\n")


def test_name_errors(tmp_path):
    assert report("puts(nope)\n", tmp_path).startswith(
        "main.q:1:6: NameErr: Undefined variable: nope\n")
    assert report("nope(1)\n", tmp_path).startswith(
        "main.q:1:1: NameErr: Undefined function: nope\n")
    assert report("x = 1\n", tmp_path).startswith(
        "main.q:1:1: NameErr: Cannot assign to undeclared variable 'x'\n")
    assert report("let x = 1\nlet x = 2\n", tmp_path).startswith(
        "main.q:2:5: NameErr: Variable 'x' is already declared in this scope\n")
    assert report("const X = 1\nX = 2\n", tmp_path).startswith(
        "main.q:2:1: TypeErr: Cannot assign to constant 'X'\n")


def test_runtime_errors_from_operations(tmp_path):
    assert report("let a = 1\nputs(a / 0)\n", tmp_path).startswith(
        "main.q:2:6: RuntimeErr: Division by zero\n")
    assert report("let a = [1]\nputs(a[3])\n", tmp_path).startswith(
        "main.q:2:6: IndexErr: Index out of bounds")
    assert report("fun f(a) a end\nf(1, 2)\n", tmp_path).startswith(
        "main.q:2:1: ArgErr: f() expects 1 argument, got 2\n")


def test_debug_shows_the_python_traceback(tmp_path):
    path = tmp_path / "main.q"
    path.write_text('raise "boom"\n')
    from trioquest.cli import main
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["--debug", str(path)]) == 1
    assert "Traceback" in err.getvalue() and "RuntimeErr: boom" in err.getvalue()


def test_code_nested_too_deeply(tmp_path):
    text = report("puts(0)\nputs(" + "(-" * 12000 + "1" + ")" * 12000 + ")\n", tmp_path)
    assert text.splitlines()[0] == "main.q:2:24006: SyntaxErr: expression nested too deeply"
