"""The ``trioquest`` command line.

Exit statuses: 0 success, 1 a Quest error (syntax errors for ``check``),
2 a usage error or an unreadable file, 70 an internal error of trioquest.
"""

from __future__ import annotations

import argparse
import sys
import traceback

from . import __version__
from .errors import QuestError
from .source import Source

EXIT_OK, EXIT_QUEST_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


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


def build_arg_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="trioquest",
        description="Run Quest programs, with async/await on Trio.",
    )
    ap.add_argument("--version", action="version", version=f"trioquest {__version__}")
    ap.add_argument("--debug", action="store_true",
                    help="show Python tracebacks of trioquest's own errors")
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
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_arg_parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_usage(sys.stderr)
        print("trioquest: error: a command is required (try 'trioquest check FILE')",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
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
