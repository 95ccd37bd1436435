"""What the command line shows the moment the runtime notices it: a task
that failed with nobody looking, a deadlock (`nursery_bridge.reporting`).

Both go to stderr, rendered like uncaught errors and the task tree (a
terminal gets colour, anything else plain text).  The REPL passes its own
console, so the reports appear above the line being edited.
"""

from __future__ import annotations

from .nursery_bridge.reporting import Reporter


class ConsoleReporter(Reporter):
    shows = True

    def __init__(self, console=None) -> None:
        self.console = console

    def _console(self):
        from . import render

        return self.console or render.stderr_console()

    def task_failed(self, task) -> None:
        from . import render
        from .eval.interpreter import uncaught_lines

        head = (f"trioquest: {task.describe()} failed and nothing has awaited it "
                "(it is raised again when its scope ends):")
        lines = [("stack", head)] + uncaught_lines(task.error)
        render.print_error(lines, self._console())

    def deadlock(self, tree, message: str) -> None:
        from . import render

        self._console().print(render.task_tree(tree, "trioquest: deadlock: what each task waits on"))
