"""Running Quest programs: compile, execute, report uncaught errors.

One `Interpreter` is one Quest process: its module cache, argv and main
script.  `run_main` runs a program the way ``trioquest FILE.q`` does.
"""

from __future__ import annotations

from types import CoroutineType

from ..errors import ImportErr, QuestError, RuntimeErr
from ..nursery_bridge import portals
from ..parser import parse
from ..program_text import UnreadableProgram, read_source
from ..source import Source
from . import runtime
from .compiler import compile_program
from .loader import Loader
from .values.exceptions import QUEST_SOURCES, stack_frames, to_quest_error
from .values.modules import QModule


class QuestExit(BaseException):
    """``sys.exit(code)``: ends the program (never caught by Quest's ``catch``)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


class Interpreter:
    def __init__(self, argv: list[str] | None = None, *, script_path: str | None = None) -> None:
        self.argv = list(argv or [])
        self.script_path = script_path
        self.loader = Loader(self)
        self.diagnostics = None  # of the last async run (nursery_bridge.diagnostics)

    # -- compiling and executing --------------------------------------------------

    def read_source(self, path: str) -> Source:
        """A module's file (``use``, std modules written in Quest): a file
        that cannot be read is an ImportErr."""
        try:
            return read_source(path)
        except UnreadableProgram as e:
            raise ImportErr(str(e)[:1].upper() + str(e)[1:]) from None

    def namespace(self) -> dict:
        ns = runtime.namespace()
        ns["_Q_use"] = self.loader.use
        ns["_Q_use_async"] = self.loader.use_async
        ns["_Q_use_member"] = self.loader.use_member
        return ns

    def compile(self, source: Source, *, export_all: bool = False, value_sink: bool = False,
                predeclared: dict | None = None, shared: bool = False,
                taken: frozenset = frozenset()):
        """The `Compiled` program (code object, generated Python, extra globals)."""
        program = parse(source)
        QUEST_SOURCES[source.filename] = source
        return compile_program(program, source, export_all=export_all, value_sink=value_sink,
                               predeclared=predeclared, shared=shared, taken=taken)

    def prepare(self, source: Source, module: QModule, *, export_all: bool = False,
                value_sink: bool = False):
        """(module body function, Compiled) for a source."""
        compiled = self.compile(source, export_all=export_all, value_sink=value_sink)
        if compiled.doc is not None and module.__dict__.get("_q_module_doc") is None:
            module.__dict__["_q_module_doc"] = compiled.doc
        if compiled.needs_portals:
            portals.need_portals()
        ns = self.namespace()
        ns.update(compiled.globals)
        exec(compiled.code, ns)
        return ns["_Q_body"], compiled

    def start(self, source: Source, module: QModule, *, export_all: bool = False,
              value_sink: bool = False):
        """(result, Compiled) of running a module's body: for a body with
        top-level ``await``, the coroutine, for the caller to await."""
        body, compiled = self.prepare(source, module, export_all=export_all,
                                      value_sink=value_sink)
        return body(module.__dict__), compiled

    def execute(self, source: Source, module: QModule, *, export_all: bool = False,
                value_sink: bool = False):
        """Compile and run a module's body; exported names land in `module`.
        A body with top-level ``await`` runs to completion (block_on)."""
        result, compiled = self.start(source, module, export_all=export_all,
                                      value_sink=value_sink)
        if compiled.uses_async and result.__class__ is CoroutineType:
            from ..nursery_bridge.runner import block_on, can_block

            if not can_block():
                result.close()
                raise RuntimeErr(f"The top level of {source.filename} is async: load it with "
                                 "'use' in async code")
            result = block_on(lambda: result)
        return result

    def run_main(self, source: Source, *, clock=None, watch=None,
                 track_origins: bool = False, tasks_at_exit: bool = False, **options) -> None:
        """Run a program as the main script (errors propagate).  A program
        using async features runs inside one ``trio.run``; `options` go to
        `run_program` (deadlock=, failure_grace=, reporter=)."""
        module = QModule("__main__", path=source.filename)
        portals.reset()
        body, compiled = self.prepare(source, module)
        if not compiled.uses_async:
            body(module.__dict__)
            return
        from ..nursery_bridge.runner import run_program

        def keep(diagnostics):
            self.diagnostics = diagnostics

        run_program(lambda: body(module.__dict__), clock=clock, on_diagnostics=keep, watch=watch,
                    track_origins=track_origins, tasks_at_exit=tasks_at_exit,
                    leftovers=lambda: list(module.__dict__.values()), **options)


def format_uncaught(exc: BaseException) -> str:
    """``file:line:col: Type: message``, the Quest stack and the source line."""
    return "\n".join(text for _, text in uncaught_lines(exc))


def uncaught_lines(exc: BaseException) -> list[tuple[str, str]]:
    """The report of an uncaught error as (kind, text) lines, kind one of
    headline, stack, frame, source, caret (the renderer styles them)."""
    err = to_quest_error(exc)
    lines = [("headline", err.headline() if err.line else f"{err.type_name}: {err.reason}")]
    reported = getattr(err, "_q_reported_by", None)
    if reported is not None:   # shown whole when the task failed (nursery_bridge.failures)
        lines.append(("stack", f"  (the failure of {reported}, reported above)"))
        return lines
    inner = getattr(err, "errors", None)
    if inner:   # TaskGroupError, AllFailedError: each error, with its own place
        for i, e in enumerate(inner, 1):
            for j, (kind, text) in enumerate(uncaught_lines(e)):
                lines.append((kind, (f"  [{i}] " if j == 0 else "      ") + text))
    frames = stack_frames(err)
    if frames:
        lines.append(("stack", "Quest stack (innermost last):"))
        lines.extend(("frame", f"  at {name} ({path}:{line})") for name, path, line in frames)
    source = QUEST_SOURCES.get(err.filename)
    if source is not None and err.line:
        text = source.line_text(err.line)
        if text.strip():
            col = err.col or 1
            prefix = "".join("\t" if ch == "\t" else " " for ch in text[: col - 1])
            lines.append(("source", f"    {text}"))
            lines.append(("caret", f"    {prefix}^"))
    return lines


__all__ = ["Interpreter", "QuestExit", "QuestError", "format_uncaught"]
