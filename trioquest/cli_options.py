"""The global options of the ``trioquest`` command, and where they may go.

A global option may come before or after the command (``trioquest --leaks=report
run x.q`` and ``trioquest run --leaks=report x.q`` are the same), but every
argument after the program file belongs to the program (``trioquest run x.q
--leaks=off`` passes ``--leaks=off`` to it).  A new global option is one
`GlobalOption` line in `GLOBAL_OPTIONS`: the parsers of every command get it,
the argument splitter learns whether it takes a value, and `check_applies`
refuses it for the commands it does nothing for.
"""

from __future__ import annotations

import argparse

COMMANDS = ("check", "run", "test", "repl")
RUNNING = ("run", "test", "repl")      # the commands that run Quest code
LEAK_MODES = ("off", "summary", "report", "json", "error")


class GlobalOption:
    """One option (a plain class: importing dataclasses costs start-up ~6 ms)."""

    __slots__ = ("flag", "help", "default", "choices", "metavar", "commands", "type")

    def __init__(self, flag: str, help: str, default: object = False,
                 choices: tuple[str, ...] | None = None, metavar: str | None = None,
                 commands: tuple[str, ...] = COMMANDS, type: object = None) -> None:
        self.flag = flag            # "--leaks"
        self.help = help
        self.default = default      # False: a flag; anything else: the option takes a value
        self.choices = choices
        self.metavar = metavar
        self.commands = commands    # the commands it has an effect on
        self.type = type            # converts the value (argparse's type=)

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def takes_value(self) -> bool:
        return not isinstance(self.default, bool)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


GLOBAL_OPTIONS = (
    GlobalOption("--debug", "show Python tracebacks of errors"),
    GlobalOption("--emit-python", "print the Python code generated for the program instead "
                 "of running it", commands=("run",)),
    GlobalOption("--leaks", "after the run, report tasks cancelled at scope exit, never-awaited "
                 "awaitables, unobserved failures and blocked channels: off; summary (default: "
                 "one line when anything leaked); report; json; error (the report, and exit "
                 "status 3)", default="summary", choices=LEAK_MODES, metavar="MODE",
                 commands=RUNNING),
    GlobalOption("--tasks-on-exit", "print the task tree as it is when the program's top "
                 "level ends", commands=("run", "test")),
    GlobalOption("--deadlock", "detect deadlocks: when no task can ever run again, raise "
                 "async.DeadlockError where the main program waits and print what every task "
                 "waits on (default: on)", default="on", choices=("on", "off"),
                 metavar="on|off", commands=RUNNING),
    GlobalOption("--failure-grace", "report a failed task on stderr once it has stayed "
                 "unobserved this long (default: 0.5; it is still raised when its scope ends)",
                 default=0.5, metavar="SECONDS", commands=RUNNING, type=_seconds),
)


def add_global_options(parser: argparse.ArgumentParser, command: str | None = None) -> None:
    """Give `parser` (the main one, or `command`'s) every global option; its
    help lists those that apply to `command`, and the others are parsed to be
    refused by `check_applies`.  No defaults here: `fill_defaults` knows then
    which ones were given."""
    for o in GLOBAL_OPTIONS:
        shown = o.help if command is None or command in o.commands else argparse.SUPPRESS
        if o.takes_value:
            parser.add_argument(o.flag, dest=o.dest, choices=o.choices, metavar=o.metavar,
                                default=argparse.SUPPRESS, help=shown, type=o.type)
        else:
            parser.add_argument(o.flag, dest=o.dest, action="store_true",
                                default=argparse.SUPPRESS, help=shown)


def fill_defaults(args: argparse.Namespace) -> set[str]:
    """Set the options not given to their defaults; the flags of those given."""
    given = set()
    for o in GLOBAL_OPTIONS:
        if hasattr(args, o.dest):
            given.add(o.flag)
        else:
            setattr(args, o.dest, o.default)
    return given


def check_applies(given: set[str], command: str) -> str | None:
    """The usage error for a given option that does nothing for `command`."""
    for o in GLOBAL_OPTIONS:
        if o.flag in given and command not in o.commands:
            where = "the REPL" if command == "repl" else f"'trioquest {command}'"
            return (f"{o.flag} does not apply to {where} "
                    f"(only to: {', '.join(o.commands)})")
    return None


def split_program_args(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """(what argparse parses, the program's arguments).

    The program's arguments are everything after the program file (``trioquest
    x.q ...``, ``trioquest run x.q ...``) or after ``-c CODE``; None when the
    command line names no program (another command, or the program is on
    stdin).  For ``run`` the file stays with argparse; at the top level it is
    the first program argument."""
    valued = {o.flag for o in GLOBAL_OPTIONS if o.takes_value}
    command = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "-c" and command is None:
            return argv[: i + 2], argv[i + 2:]
        if arg.startswith("-") and arg != "-":
            i += 2 if arg in valued else 1     # `--leaks report`: skip the value
            continue
        if command is None and arg in COMMANDS:
            if arg != "run":
                return argv, None              # its own parser takes the rest
            command = arg
            i += 1
            continue
        if command == "run":
            return argv[: i + 1], argv[i + 1:]
        return argv[:i], argv[i:]
    return argv, None
