"""The ``trioquest`` command line.

    trioquest [OPTIONS] FILE.q [ARGS...]     run a program (also: trioquest run FILE.q)
    trioquest [OPTIONS] -c CODE [ARGS...]    run a program given as text
    trioquest [OPTIONS] < FILE.q             run the program read from stdin
    trioquest                                the REPL, on a terminal (also: trioquest repl)
    trioquest check [--ast] FILE...          parse and compile without running
    trioquest test [PATHS]                   run Quest test files (exit 5: no tests found)

The global options (cli_options.py) may also come after the command; the
arguments after the program file are the program's.

Exit statuses: 0 success, 1 an uncaught Quest error (or syntax errors for
``check``), 2 a usage error or an unreadable file, 3 leaks under
``--leaks=error``, 5 no tests found (``test``), 70 an internal error of
trioquest, 130 / 143 / 129 ended by SIGINT (Ctrl-C) / SIGTERM / SIGHUP, and
whatever ``sys.exit`` asked for.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from . import __version__, signals
from .cli_options import add_global_options, check_applies, fill_defaults, split_program_args
from .errors import OutputClosed, QuestError
from .program_text import UnreadableProgram, decode_program, read_source
from .source import Source

EXIT_OK, EXIT_QUEST_ERROR, EXIT_USAGE, EXIT_LEAKS, EXIT_INTERNAL = 0, 1, 2, 3, 70
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class UsageError(Exception):
    """A problem with how trioquest was invoked (exit status 2)."""


def _program_text(text: str, what: str) -> str:
    """Text Python decoded for us (argv, a text stdin): bytes that were not
    UTF-8 arrive as lone surrogates (surrogateescape); report them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return decode_program(text.encode("utf-8", "surrogateescape"), what)
    return text.removeprefix("\ufeff")


def _read_stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is not None:
            return decode_program(buffer.read(), "the program from stdin")
        return _program_text(sys.stdin.read(), "the program from stdin")
    except (OSError, UnicodeError) as e:
        raise UsageError(f"cannot read the program from stdin: {e}") from None


def _check(args) -> int:
    """Parse, resolve and compile each file without running it: every error
    `run` reports before running, reported the same way."""
    from .ast_dump import dump
    from .eval.compiler import compile_program
    from .parser import parse

    status = EXIT_OK
    for path in args.files:
        try:
            source = read_source(path)
            tree = parse(source)
            compile_program(tree, source)
        except (UsageError, UnreadableProgram) as e:
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
    """Run a program: a file, the text of -c, or stdin; then report leaks."""
    from .eval.interpreter import Interpreter

    if args.code is not None:
        source = Source(_program_text(args.code, "the program given with -c"), "-c")
        argv = ["-c", *args.args]
        script = None
    elif args.file is None:
        source = Source(_read_stdin(), "stdin")
        argv = ["stdin", *args.args]
        script = None
    else:
        source = read_source(args.file)
        argv = [args.file, *args.args]
        script = args.file
    interp = Interpreter(argv, script_path=script)
    if args.emit_python:   # errors are reported as `run` reports them
        return run_reporting(lambda: _emit_python(interp, source), debug=args.debug)
    status = run_reporting(lambda: interp.run_main(
        source, track_origins=args.leaks in ("report", "json", "error"),
        tasks_at_exit=args.tasks_on_exit, deadlock=args.deadlock == "on",
        failure_grace=args.failure_grace), debug=args.debug)
    return report_diagnostics(interp.diagnostics, args, status)


def _emit_python(interp, source: Source) -> None:
    import ast

    from .eval.pyast import recursion_room

    compiled = interp.compile(source)
    with recursion_room(4 * compiled.depth):   # unparse recurses up to 4 frames a level
        text = ast.unparse(compiled.python)
    print(text)


def run_reporting(run, *, debug: bool = False) -> int:
    """Call `run()`; report an uncaught Quest error; the exit status."""
    from .eval.interpreter import QuestExit, uncaught_lines

    try:
        run()
    except QuestExit as e:
        return e.code
    except KeyboardInterrupt:
        return signals.exit_status()
    except Exception as e:
        from .eval.values.exceptions import raised_in_quest

        if not isinstance(e, (QuestError, RecursionError)) and not raised_in_quest(e):
            raise
        if debug:
            traceback.print_exc()
        if _is_syntax(e):
            print(e, file=sys.stderr)
        else:
            from .render import print_error

            print_error(uncaught_lines(e))
        return EXIT_QUEST_ERROR
    finally:
        sys.stdout.flush()
    return EXIT_OK


def report_diagnostics(diagnostics, args, status: int) -> int:
    """After a run: the task tree at Ctrl-C / at exit, and the leak report
    `--leaks` asks for; exit status 3 for leaks under ``--leaks=error``."""
    if diagnostics is None:   # a sync program: no tasks, nothing to report
        return status
    mode = args.leaks
    wanted = (status == EXIT_INTERRUPTED and diagnostics.at_interrupt is not None,
              args.tasks_on_exit and diagnostics.at_exit is not None,
              mode == "json" or (mode != "off" and diagnostics.anything()))
    if not any(wanted):
        return status
    from . import render

    console = render.stderr_console()
    if wanted[0]:
        console.print(render.task_tree(diagnostics.at_interrupt, "tasks at the interrupt"))
    if wanted[1]:
        console.print(render.task_tree(diagnostics.at_exit, "tasks when the program ended"))
    if mode == "json":
        import json

        console.file.write(json.dumps(diagnostics.to_json(), indent=2) + "\n")
    elif wanted[2] and mode == "summary":
        console.file.write(render.leak_summary(diagnostics) + "\n")
    elif wanted[2]:
        console.print(render.leak_report(diagnostics))
    if mode == "error" and diagnostics.anything() and status == EXIT_OK:
        return EXIT_LEAKS
    return status


def _is_syntax(e) -> bool:
    from .errors import QuestSyntaxError

    return isinstance(e, QuestSyntaxError) and bool(e.source_line)


def build_arg_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="trioquest",
        description="Run Quest programs, with async/await on Trio. With no program, "
                    "trioquest opens the REPL on a terminal, and runs the program read "
                    "from stdin otherwise.",
        usage="trioquest [OPTIONS] FILE.q [ARGS...] | -c CODE [ARGS...] | COMMAND ...",
        epilog="Exit statuses: 0 success, 1 an uncaught Quest error, 2 a usage error or an "
               "unreadable file, 3 leaks under --leaks=error, 5 no tests found (test), 70 an "
               "internal error of trioquest, 130/143/129 ended by SIGINT/SIGTERM/SIGHUP; "
               "sys.exit(n) exits with n. Global options may also follow the command.",
    )
    ap.add_argument("--version", action="version", version=f"trioquest {__version__}")
    add_global_options(ap)
    ap.add_argument("-c", dest="code", metavar="CODE", help="run CODE as the program")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", prog="trioquest")
    check = sub.add_parser(
        "check", help="check Quest files without running them",
        description="Parse and compile each FILE without running it, finding every error "
                    "running it would report before it runs; print nothing and exit 0 when "
                    "all are fine, print each error and exit 1 otherwise.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    add_global_options(check, "check")
    check.add_argument("--ast", action="store_true", help="print the syntax tree of each file")
    check.add_argument("--no-positions", action="store_true",
                       help="with --ast, leave out the line:col spans")
    check.set_defaults(handler=_check)
    run = sub.add_parser("run", help="run a Quest program: trioquest run FILE.q [ARGS...]",
                         usage="trioquest run [OPTIONS] FILE [ARGS...]",
                         description="Run FILE; every argument after FILE is the program's "
                                     "(sys.argv), also one that looks like an option.")
    run.add_argument("file", metavar="FILE")
    add_global_options(run, "run")
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
    add_global_options(test, "test")
    test.set_defaults(handler=_test)
    repl = sub.add_parser(
        "repl", help="the interactive REPL (also: trioquest with no program, on a terminal)",
        description="Read Quest input line by line and run it; top-level await works and "
                    "tasks keep running between prompts. :help lists the commands.")
    add_global_options(repl, "repl")
    repl.set_defaults(handler=_repl)
    return ap


def _repl(args) -> int:
    from .repl import run_repl

    return run_repl(args)


def _test(args) -> int:
    from .testrunner import run_tests

    return run_tests(args)


def _line_buffered() -> None:
    """Standard output is line-buffered, also into a pipe or a file, as the
    original Quest's (a Rust LineWriter): a line a program prints is out,
    whoever reads it, even if a signal ends the program next."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(line_buffering=True)
        except (ValueError, OSError):
            pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _line_buffered()
    ap = build_arg_parser()
    head, rest = split_program_args(argv)
    args = ap.parse_args(head)
    given = fill_defaults(args)
    if args.command == "run":
        args.args = rest or []
    elif args.command is None:
        args.command, args.handler = "run", _run
        if args.code is not None:
            args.file, args.args = None, rest
        elif rest:
            args.file, args.args = rest[0], rest[1:]
        elif sys.stdin is not None and sys.stdin.isatty():
            args.command, args.handler = "repl", _repl
        else:
            args.file, args.args = None, []   # the program is on stdin
    problem = check_applies(given, args.command)
    if problem is not None:
        print(f"trioquest: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return _guarded(args)


def _guarded(args) -> int:
    from .nursery_bridge.reporting import use_reporter
    from .reports import ConsoleReporter

    previous = use_reporter(ConsoleReporter())
    try:
        with signals.handling():
            return args.handler(args)
    except (UsageError, UnreadableProgram) as e:
        print(f"trioquest: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return signals.exit_status()
    except (BrokenPipeError, OutputClosed):   # `trioquest x.q | head`: the reader left
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as e:  # a bug in trioquest, never the user's fault
        if args.debug:
            traceback.print_exc()
        print(f"trioquest: internal error: {type(e).__name__}: {e} "
              "(please report it; --debug shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        use_reporter(previous)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def entry_point() -> None:
    sys.exit(main())
