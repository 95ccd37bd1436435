"""Where the runtime's reports go while a program runs.

The runtime notices some things at a moment of its own choosing: a task
failed and nobody has looked at its error (`failures`), the program is
deadlocked (`deadlock`).  It records them in the run's diagnostics and
tells the run's `Reporter`, which shows them to the user at once.  This
layer knows no rendering: the command line and the REPL install reporters
of their own (`use_reporter`); the default one shows nothing, so programs
run as a library only get the diagnostics.
"""

from __future__ import annotations


class Reporter:
    shows = False   # does it show reports to the user (else they are only recorded)?

    def task_failed(self, task) -> None:
        """`task` failed and stayed unobserved for the grace period."""

    def deadlock(self, tree, message: str) -> None:
        """The program is deadlocked: `tree` is the task tree at that moment."""


_CURRENT = [Reporter()]


def use_reporter(reporter: Reporter) -> Reporter:
    """Make `reporter` the one new runs use; returns the previous one."""
    previous, _CURRENT[0] = _CURRENT[0], reporter
    return previous


def current_reporter() -> Reporter:
    return _CURRENT[0]
