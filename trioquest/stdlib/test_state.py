"""std/test's state and report: the counters, the groups (module, describe),
each failure with the place of the failing assertion, and what is printed
(verbose as the tests run; condensed once per module).

A failure is shown with the test's name, the message and ``at file:line`` of
the assertion that failed (of the raise, for an unexpected error).  Tests in
a file that never calls ``test.module(...)`` belong to an implicit module
named after the file, so they are reported like any other.
"""

from __future__ import annotations

import sys
import time

from ..eval.values.exceptions import QUEST_SOURCES, stack_frames

CHECK, CROSS = "\u2713", "\u2717"
COLORS = {"red": 31, "green": 32, "yellow": 33, "cyan": 36, "bold": 1, "dimmed": 2}


class Failure:
    """One failed assertion, or the error that escaped a test body."""

    def __init__(self, message: str, where: str | None) -> None:
        self.message = message
        self.where = where          # "file:line", None when no Quest code is on the stack

    def text(self) -> str:
        """The message, and its place on a line of its own (for the pytest plugin)."""
        return self.message if self.where is None else f"{self.message}\n  at {self.where}"


def assertion_site() -> str | None:
    """``file:line`` of the innermost Quest frame: the assertion being made."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename in QUEST_SOURCES:
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def error_site(err) -> str | None:
    """``file:line`` where an error that escaped a test body was raised."""
    if err.line:
        return f"{err.filename}:{err.line}"
    frames = stack_frames(err)
    return f"{frames[-1][1]}:{frames[-1][2]}" if frames else None


class Group:
    def __init__(self, name: str, implicit: bool = False) -> None:
        self.name = name
        self.implicit = implicit    # a module named after its file (no test.module call)
        self.passed = 0
        self.total = 0
        self.skipped = 0
        self.failures: list[tuple[str | None, Failure]] = []   # (test name or None, failure)


class CaseRecord:
    """One `it` as it ran: where, its groups, and its failures (none: passed)."""

    def __init__(self, path: list[str], name: str, file: str | None, line: int | None,
                 failures: list[str], captured: str) -> None:
        self.path, self.name, self.file, self.line = path, name, file, line
        self.failures, self.captured = failures, captured


def format_time(ms) -> str:
    ms = float(ms)
    if ms >= 1000:
        return f"{ms / 1000:.2f}s"
    return f"{int(round(ms))}ms"


class TestState:
    def __init__(self) -> None:
        self.colors = True
        self.condensed = False
        self.capture = "all"
        self.filter_tags: list[str] = []
        self.skip_tags: list[str] = []
        self.pending_tags: list[str] = []
        self.describe_tags: list[str] = []
        self.total = self.passed = self.failed = self.skipped = 0
        self.cases_failed = 0
        self.failed_outside = 0            # assertions that failed outside any `it`
        self.started = time.perf_counter()
        self.module: Group | None = None
        self.describes: list[Group] = []
        self.describe: Group | None = None
        self.file: str | None = None       # the test file being loaded (trioquest test)
        self.in_test = False
        self.test_failures: list[Failure] = []
        self.records: list | None = None   # CaseRecord per `it`, for the pytest plugin
        self.quiet = False                 # print nothing (the plugin reports instead)

    # -- output ------------------------------------------------------------------

    def color(self, name: str, text: str) -> str:
        if not self.colors:
            return text
        return f"\x1b[{COLORS[name]}m{text}\x1b[0m"

    def out(self, text: str = "") -> None:
        if not self.quiet:
            sys.stdout.write(text + "\n")

    def cross(self) -> str:
        return self.color("red", CROSS)

    def show(self, indent: str, failure: Failure, name: str | None = None) -> None:
        """``✗ [name: ]message`` and, under it, ``at file:line``."""
        head = failure.message if name is None else f"{name}: {failure.message}"
        self.out(f"{indent}{self.cross()} {head}")
        if failure.where is not None:
            self.out(f"{indent}    {self.color('dimmed', 'at ' + failure.where)}")

    # -- groups --------------------------------------------------------------------

    def start_file(self, path: str) -> None:
        """A test file starts loading: its tests are not the previous file's module's."""
        self.flush_module()
        self.file = path

    def start_module(self, name: str, implicit: bool = False) -> None:
        self.flush_module()
        self.module = Group(name, implicit)
        self.describes = []
        self.describe = None
        if not self.condensed:
            self.out(self.color("bold", name))

    def ensure_module(self) -> None:
        """Tests with no test.module(...) before them: the module of their file."""
        if self.module is None:
            site = assertion_site()
            self.start_module(self.file or (site.rsplit(":", 1)[0] if site else "tests"),
                              implicit=True)

    def flush_module(self) -> None:
        m = self.module
        if m is None:
            return
        self.module = None
        if not self.condensed:
            return
        failing = m.failures or any(d.failures for d in self.describes)
        mark = self.cross() if failing or m.passed + m.skipped != m.total \
            else self.color("green", CHECK)
        self.out(f"{mark} [{m.passed}/{m.total}] {m.name}")
        for name, failure in m.failures:   # of its outside any describe
            self.show("    ", failure, name)
        for d in self.describes:
            if d.failures or d.skipped:
                dmark = self.color("yellow" if not d.failures else "red", CROSS)
                self.out(f"    {dmark} {d.name} [{d.passed}/{d.total}]")
                for name, failure in d.failures:
                    self.show("      ", failure, name)

    def groups(self):
        for g in (self.module, self.describe):
            if g is not None:
                yield g

    def path(self) -> list[str]:
        return [g.name for g in self.groups() if not g.implicit]

    def owner(self) -> Group | None:
        return self.describe if self.describe is not None else self.module

    # -- recording -------------------------------------------------------------------

    def record_failure(self, message: str) -> None:
        failure = Failure(message, assertion_site())
        self.failed += 1
        if self.in_test:
            self.test_failures.append(failure)
            return
        self.failed_outside += 1
        self.ensure_module()
        self.owner().failures.append((None, failure))
        if not self.condensed:
            self.show("  ", failure)

    def tags_allow(self, own: list[str]) -> bool:
        tags = set(own) | set(self.describe_tags)
        if self.skip_tags and tags & set(self.skip_tags):
            return False
        if self.filter_tags and not tags & set(self.filter_tags):
            return False
        return True

    def finish_case(self, name: str, unexpected, captured: str, elapsed: float) -> None:
        """Count and report an `it` that ran (`unexpected`: the QuestError that
        escaped its body, or None)."""
        failures = list(self.test_failures)
        if unexpected is not None:
            failures.append(Failure(f"Unexpected {unexpected.type_name}: {unexpected.reason}",
                                    error_site(unexpected)))
        if not failures:
            self.passed += 1
            for g in self.groups():
                g.passed += 1
            if not self.condensed:
                self.out(f"    {self.color('green', CHECK)} {name} "
                         f"{self.color('dimmed', format_time(elapsed))}")
            return
        self.cases_failed += 1
        if unexpected is not None:
            self.failed += 1
            self._report_unexpected(name, failures[-1], unexpected, captured)
        elif not self.condensed:
            self.out(f"    {self.cross()} {name}")
            for failure in failures:
                self.show("      ", failure)
            if captured:
                for line in captured.rstrip("\n").split("\n"):
                    self.out(f"      | {line}")
        self.owner().failures.extend((name, f) for f in failures)

    def _report_unexpected(self, name: str, failure: Failure, err, captured: str) -> None:
        """At once, also when condensed: the error, the output, the Quest stack."""
        if self.condensed:
            self.out(self.color("bold", self.module.name))
            if self.describe is not None:
                self.out(f"  {self.describe.name}")
        self.out(f"  {self.cross()} {name}")
        self.out(f"    {failure.message}")
        if captured:
            for line in captured.rstrip("\n").split("\n"):
                self.out(f"    | {line}")
        for fname, path, line in stack_frames(err):
            self.out(f"      at {fname} ({path}:{line})")
