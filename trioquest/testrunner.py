"""``trioquest test [OPTIONS] [PATHS]``: discover and run Quest test files (§14).

Paths default to ``test/`` when it exists, else the current directory.  A
file is a test file when its name starts with ``test_`` or ends with
``_test.q`` and does not start with ``.``.  All files load into one process
(``sys.load_module``), so one std/test instance counts every test; a file
that fails to load stops the run.  Options may also come from the ``[test]``
table of ``quest.toml`` (colors, condensed, capture, paths, tags, skip_tags).
The run ends with std/test's statistics and the line ``N passed, M failed``
(``, K skipped`` when any), counting test cases.  Exit statuses (docs/cli.md):
0 all passed, 1 anything failed (or a file failed to load), 2 a missing
path, 3 leaks under ``--leaks=error``, 5 no tests found (pytest's convention).
The whole run is one Trio run, as a program is.
"""

from __future__ import annotations

import os
import sys

from .errors import QuestError

EXIT_NO_TESTS = 5   # pytest's "no tests collected"


def load_config() -> dict:
    if not os.path.isfile("quest.toml"):
        return {}
    import tomllib

    try:
        with open("quest.toml", "rb") as f:
            return tomllib.load(f).get("test", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"trioquest: ignoring quest.toml: {e}", file=sys.stderr)
        return {}


def run_tests(args) -> int:
    """Run the test files `args.paths` name; the exit status.  The whole run
    is one Trio run, as a program is: `--leaks` and `--tasks-on-exit` report
    on the tasks the tests left behind."""
    from .cli import report_diagnostics
    from .eval.interpreter import Interpreter
    from .nursery_bridge import portals
    from .nursery_bridge.runner import run_program
    from .stdlib.test_ import discover

    config = load_config()
    paths = args.paths or config.get("paths") or (["test"] if os.path.isdir("test") else ["."])
    if isinstance(paths, str):
        paths = [paths]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files.extend(discover(p))
        elif os.path.isfile(p):
            files.append(p)
        else:
            print(f"trioquest: no such test path: '{p}'", file=sys.stderr)
            return 2
    interp = Interpreter(["test", *paths])
    portals.need_portals()  # async test bodies are awaited from std/test's sync `it`
    interp.loader.use("std/test")
    configure(interp.test_state, args, config)
    diagnostics = []
    status = run_program(lambda: _run_files(interp, paths, files), on_diagnostics=diagnostics.append,
                         track_origins=args.leaks in ("report", "json", "error"),
                         tasks_at_exit=args.tasks_on_exit, deadlock=args.deadlock == "on",
                         failure_grace=args.failure_grace)
    return report_diagnostics(diagnostics[0] if diagnostics else None, args, status)


def configure(state, args, config: dict) -> None:
    """std/test's settings: the command line first, then quest.toml."""
    state.condensed = not args.verbose and config.get("condensed", True)
    state.colors = args.color if args.color is not None else config.get(
        "colors", sys.stdout.isatty())
    state.capture = {"no": "none", "0": "none"}.get(args.capture or config.get("capture", ""),
                                                    args.capture or "all")
    state.filter_tags = list(args.tag or config.get("tags", []))
    state.skip_tags = list(args.skip_tag or config.get("skip_tags", []))


def _run_files(interp, paths: list[str], files: list[str]) -> int:
    from .eval.interpreter import QuestExit, format_uncaught
    from .eval.values.exceptions import raised_in_quest

    state = interp.test_state
    for f in files:
        state.start_file(f)
        try:
            interp.loader.load_module(f)
        except QuestExit as e:
            return e.code
        except Exception as e:
            if not isinstance(e, QuestError) and not raised_in_quest(e):
                raise
            state.flush_module()
            print(f"\u2717 Failed to load module: {f}")
            print(format_uncaught(e))
            return 1
    if state.total == 0 and not state.failed:
        state.module = None     # no "[0/0]" line: the run found nothing to report
        where = ", ".join(f"'{p}'" for p in paths)
        n = len(files)
        print(f"no tests found in {where}: " + (
            "no test files (test_*.q, *_test.q)" if not n else
            f"{n} test file{'s' if n > 1 else ''}, no it() ran"))
        return EXIT_NO_TESTS
    interp.loader.use("std/test").stats()
    summary = f"{state.passed} passed, {state.cases_failed} failed"
    if state.skipped:
        summary += f", {state.skipped} skipped"
    if state.failed_outside:
        n = state.failed_outside
        summary += f", {n} assertion{'s' if n > 1 else ''} failed outside any test"
    print(summary)
    return 1 if state.failed or state.cases_failed else 0
