"""The ``trioquest`` command line.

    trioquest [OPTIONS] FILE.q [ARGS...]     run a program (also: trioquest run FILE.q)
    trioquest [OPTIONS] -c CODE [ARGS...]    run a program given as text
    trioquest check [--ast] FILE...          parse without running

Exit statuses: 0 success, 1 an uncaught Quest error (or syntax errors for
``check``), 2 a usage error or an unreadable file, 70 an internal error of
trioquest, and whatever ``sys.exit`` asked for.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from . import __version__
from .errors import QuestError
from .source import Source

EXIT_OK, EXIT_QUEST_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
COMMANDS = ("check", "run", "test")


class UsageError(Exception):
    """A problem with how trioquest was invoked (exit status 2)."""


def read_source(path: str) -> Source:
    """Read a .q file as UTF-8; UsageError with a clear reason if that fails."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise UsageError(f"cannot read '{path}': no such file") from None
    except IsADirectoryError:
        raise UsageError(f"cannot read '{path}': it is a directory") from None
    except PermissionError:
        raise UsageError(f"cannot read '{path}': permission denied") from None
    except OSError as e:
        raise UsageError(f"cannot read '{path}': {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UsageError(
            f"cannot read '{path}': not UTF-8 text (byte 0x{data[e.start]:02x} on line {line})"
        ) from None
    return Source(text.removeprefix("\ufeff"), path)


def _check(args) -> int:
    from .ast_dump import dump
    from .parser import parse

    status = EXIT_OK
    for path in args.files:
        try:
            tree = parse(read_source(path))
        except UsageError as e:
            print(f"trioquest: {e}", file=sys.stderr)
            status = max(status, EXIT_USAGE)
            continue
        except QuestError as e:
            print(e, file=sys.stderr)
            status = max(status, EXIT_QUEST_ERROR)
            continue
        if args.ast:
            if len(args.files) > 1:
                print(f"# {path}")
            print(dump(tree, positions=not args.no_positions))
    return status


def _run(args) -> int:
    """Run a program: a file, or the text of -c."""
    from .eval.interpreter import Interpreter, QuestExit, format_uncaught

    if args.code is not None:
        source = Source(args.code, "-c")
        argv = ["-c", *args.args]
        script = None
    else:
        source = read_source(args.file)
        argv = [args.file, *args.args]
        script = args.file
    interp = Interpreter(argv, script_path=script)
    if args.emit_python:
        import ast

        print(ast.unparse(interp.compile(source).python))
        return EXIT_OK
    try:
        interp.run_main(source)
    except QuestExit as e:
        return e.code
    except QuestError as e:
        if args.debug:
            traceback.print_exc()
        print(format_uncaught(e) if not _is_syntax(e) else e, file=sys.stderr)
        return EXIT_QUEST_ERROR
    except RecursionError as e:
        print(format_uncaught(e), file=sys.stderr)
        return EXIT_QUEST_ERROR
    except Exception as e:
        from .eval.values.exceptions import raised_in_quest

        if not raised_in_quest(e):
            raise
        if args.debug:
            traceback.print_exc()
        print(format_uncaught(e), file=sys.stderr)
        return EXIT_QUEST_ERROR
    finally:
        sys.stdout.flush()
    return EXIT_OK


def _is_syntax(e) -> bool:
    from .errors import QuestSyntaxError

    return isinstance(e, QuestSyntaxError) and bool(e.source_line)


def build_arg_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="trioquest",
        description="Run Quest programs, with async/await on Trio.",
        usage="trioquest [OPTIONS] FILE.q [ARGS...] | -c CODE [ARGS...] | COMMAND ...",
    )
    ap.add_argument("--version", action="version", version=f"trioquest {__version__}")
    ap.add_argument("--debug", action="store_true",
                    help="show Python tracebacks of errors")
    ap.add_argument("--emit-python", action="store_true",
                    help="print the Python code generated for the program instead of running it")
    ap.add_argument("-c", dest="code", metavar="CODE", help="run CODE as the program")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check", help="parse Quest files without running them",
        description="Parse each FILE; print nothing and exit 0 when all are fine, "
                    "print each error and exit 1 otherwise.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--ast", action="store_true", help="print the syntax tree of each file")
    check.add_argument("--no-positions", action="store_true",
                       help="with --ast, leave out the line:col spans")
    check.set_defaults(handler=_check)
    run = sub.add_parser("run", help="run a Quest program: trioquest run FILE.q [ARGS...]")
    run.add_argument("file", metavar="FILE")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    run.set_defaults(handler=_run, code=None)
    test = sub.add_parser(
        "test", help="run Quest test files (test_*.q, *_test.q)",
        description="Discover test files under PATHS (default: test/ or .), run them "
                    "with std/test, and end with 'N passed, M failed'.")
    test.add_argument("paths", nargs="*", metavar="PATH")
    test.add_argument("-v", "--verbose", action="store_true", help="print every test")
    test.add_argument("--color", dest="color", action="store_true", default=None,
                      help="colour the output (default: when writing to a terminal)")
    test.add_argument("--no-color", dest="color", action="store_false")
    test.add_argument("--cap", "--capture", dest="capture", metavar="MODE",
                      help="capture test output: all (default), stdout, stderr, no")
    test.add_argument("--tag", action="append", help="run only tests with this tag")
    test.add_argument("--skip-tag", action="append", help="skip tests with this tag")
    test.set_defaults(handler=_test)
    return ap


def _test(args) -> int:
    from .testrunner import run_tests

    return run_tests(args)


def _split_program_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Options for trioquest, and the rest: FILE/-c CODE and the program's args."""
    for i, arg in enumerate(argv):
        if arg == "-c":
            return argv[: i + 2], argv[i + 2:]
        if not arg.startswith("-"):
            if arg in COMMANDS:
                return argv, []
            return argv[:i], argv[i:]
    return argv, []


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = build_arg_parser()
    head, rest = _split_program_args(argv)
    args = ap.parse_args(head)
    if args.command is None:
        if args.code is not None:
            args.file, args.args = None, rest
        elif rest:
            args.file, args.args = rest[0], rest[1:]
        else:
            ap.print_usage(sys.stderr)
            print("trioquest: error: a program is required: a FILE.q, -c CODE or a COMMAND",
                  file=sys.stderr)
            return EXIT_USAGE
        args.handler = _run
    try:
        return args.handler(args)
    except UsageError as e:
        print(f"trioquest: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in trioquest, never the user's fault
        if args.debug:
            traceback.print_exc()
        print(f"trioquest: internal error: {type(e).__name__}: {e} "
              "(please report it; --debug shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def entry_point() -> None:
    sys.exit(main())
