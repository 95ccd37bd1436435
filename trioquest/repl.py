"""The REPL: ``trioquest repl`` (or bare ``trioquest`` on a terminal).

Trio owns the main thread; the session is the program's top level, so it is
the scope every task spawned at the prompt belongs to, and those tasks keep
running between prompts.  Input is read in a worker thread (`LineEditor`),
each input is compiled as a chunk of the session's module and run in the
main task: top-level ``await`` works.  Input the parser calls incomplete
continues on a ``..>`` line.  Ctrl-C cancels the running input only (three
times: a KeyboardInterrupt); at the prompt it discards the line.  Ctrl-D
exits: the session's scope ends, cancelling background tasks, and the leak
summary follows.  ``async`` (std/async) is bound from the start.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import CoroutineType

import trio

from . import __version__, render, signals
from .errors import IncompleteInputError, QuestError
from .line_editor import WORD, LineEditor
from .source import Source

PROMPT, MORE = "quest> ", "  ..> "
HELP = """\
Quest with async/await on Trio. Top-level await works; tasks you spawn keep
running between prompts. std/async is bound as `async`.

  :tasks        the task tree: scopes and tasks, what each waits on
  :tasks live   the same, refreshing until you press Enter
  :leaks        what leaked so far (tasks cancelled at scope exit, ...)
  :help         this text
  :quit         leave (also Ctrl-D); background tasks are cancelled

Ctrl-C cancels the running input (at the prompt: discards the line)."""


def history_path() -> str:
    return os.environ.get("TRIOQUEST_HISTORY") or os.path.expanduser("~/.trioquest_history")


class Session:
    def __init__(self, interp, console, editor: LineEditor) -> None:
        self.interp = interp
        self.console = console
        self.editor = editor
        self.ns = interp.namespace()     # the globals every input runs in
        self.names: dict = {}           # Quest name -> its global in `ns`
        self.taken: set = set()         # every global name the session used
        self.count = 0
        self.running: trio.CancelScope | None = None
        self.interrupts = 0
        self.exit_code: int | None = None

    # -- the loop ------------------------------------------------------------------------

    async def main(self) -> None:
        from .nursery_bridge.runner import current_bridge

        from .nursery_bridge.task import ensure_portal

        self.bridge = current_bridge()
        self.bridge.root.label = "session"
        await ensure_portal()   # block_on from sync code typed at the prompt works too
        self.names["async"] = "async_"
        self.ns["async_"] = self.interp.loader.use("std/async")
        self.taken.add("async_")
        self.console.print(f"trioquest {__version__} REPL: Quest with async/await on Trio. "
                           ":help for help, Ctrl-D to leave.", highlight=False)
        with self._interrupts_cancel_the_input():
            while self.exit_code is None:
                try:
                    text = await self.read()
                except KeyboardInterrupt:
                    if signals.RECEIVED:    # SIGTERM / SIGHUP: the session ends
                        raise
                    continue
                except EOFError:
                    break
                stripped = text.strip()
                if not stripped:
                    continue
                if stripped.startswith(":"):
                    await self.command(stripped)
                else:
                    await self.run(text)

    async def read(self) -> str:
        """One input: more lines while the parser says it is incomplete."""
        from .parser import parse

        lines = [await self._line(PROMPT)]
        while True:
            text = "\n".join(lines)
            if text.strip().startswith(":"):
                return text
            try:
                parse(Source(text, "repl"))
                return text
            except IncompleteInputError:
                lines.append(await self._line(MORE))
            except QuestError:
                return text      # run() reports it with its place

    async def _line(self, prompt: str) -> str:
        return await trio.to_thread.run_sync(self.editor.read, prompt, abandon_on_cancel=True)

    # -- running input ------------------------------------------------------------------------

    async def run(self, text: str) -> None:
        from .eval.interpreter import QuestExit, uncaught_lines

        self.count += 1
        source = Source(text + "\n", f"repl-{self.count}")
        self.interrupts = 0
        result = None
        with trio.CancelScope() as scope:
            self.running = scope
            try:
                compiled = self.interp.compile(source, value_sink=True, shared=True,
                                               predeclared=dict(self.names),
                                               taken=frozenset(self.taken))
                self.ns.update(compiled.globals)
                exec(compiled.code, self.ns)
                self.names.update(compiled.top_level)
                self.taken.update(compiled.top_level.values())
                self.taken.update(_globals_of(compiled.code))
                result = self.ns["_Q_body"](self.ns)
                if result.__class__ is CoroutineType:
                    result = await result
            except QuestExit as e:
                self.exit_code = e.code
                return
            except KeyboardInterrupt:
                if signals.RECEIVED:        # SIGTERM / SIGHUP: the session ends
                    raise
                self.console.print("KeyboardInterrupt", style="red")
                return
            except Exception as e:
                self._show_error(e, uncaught_lines)
                return
            finally:
                self.running = None
        if scope.cancelled_caught:
            self.console.print("cancelled (Ctrl-C)", style="red", highlight=False)
        elif result is not None:
            from .eval.values.forms import to_rep

            try:
                shown = to_rep(result)
            except Exception as e:  # noqa: BLE001 - a value that cannot show itself
                self._show_error(e, uncaught_lines)
                return
            self.console.print(shown, highlight=True, markup=False)

    def _show_error(self, e, uncaught_lines) -> None:
        from .errors import QuestSyntaxError

        if isinstance(e, QuestSyntaxError):
            self.console.file.flush()
            print(e, file=sys.stderr)
        else:
            from .eval.values.exceptions import raised_in_quest

            if not isinstance(e, (QuestError, RecursionError)) and not raised_in_quest(e):
                # a bug of trioquest: say so, and let the session go on
                self.console.print(f"trioquest: internal error: {type(e).__name__}: {e} "
                                   "(please report it)", style="red", markup=False,
                                   highlight=False)
                return
            render.print_error(uncaught_lines(e))

    # -- commands ----------------------------------------------------------------------------

    async def command(self, text: str) -> None:
        from .nursery_bridge.diagnostics import snapshot

        words = text.split()
        if words == [":tasks"]:
            self.console.print(render.task_tree(snapshot(self.bridge, main=False)))
        elif words == [":tasks", "live"]:
            await self.live_tasks()
        elif words == [":leaks"]:   # so far: with the failures nobody has observed yet
            so_far = self.bridge.diagnostics.with_failures(self.bridge.failures.unobserved())
            self.console.print(render.leak_report(so_far))
        elif words in ([":help"], [":h"], [":?"]):
            self.console.print(HELP, highlight=False, markup=False)
        elif words in ([":quit"], [":q"], [":exit"]):
            self.exit_code = 0
        else:
            self.console.print(f"unknown command {words[0]}: :help lists them", style="red",
                               highlight=False, markup=False)

    async def live_tasks(self) -> None:
        """The task tree, refreshed twice a second until Enter."""
        from rich.live import Live

        from .nursery_bridge.diagnostics import snapshot

        entered = trio.Event()

        async def wait_for_enter():
            try:
                await trio.to_thread.run_sync(self.editor.read, "", abandon_on_cancel=True)
            except (EOFError, KeyboardInterrupt):
                pass
            entered.set()

        self.console.print("(Enter stops)", style="dim")
        async with trio.open_nursery() as nursery:
            with Live(render.task_tree(snapshot(self.bridge, main=False)), console=self.console,
                      auto_refresh=False) as live:
                nursery.start_soon(wait_for_enter)
                while not entered.is_set():
                    with trio.move_on_after(0.5):
                        await entered.wait()
                    live.update(render.task_tree(snapshot(self.bridge, main=False)), refresh=True)

    # -- Ctrl-C ----------------------------------------------------------------------------------

    def _interrupts_cancel_the_input(self):
        session = self
        token = trio.lowlevel.current_trio_token()

        class Handler:
            def __enter__(self):
                self.previous = None
                if threading.current_thread() is threading.main_thread():
                    self.previous = signal.signal(signal.SIGINT, self.handle)
                return self

            def handle(self, signum, frame):
                running = session.running
                if running is None:
                    return              # at the prompt the editor reads Ctrl-C as a key
                session.interrupts += 1
                if session.interrupts >= 3:
                    raise KeyboardInterrupt
                token.run_sync_soon(running.cancel)

            def __exit__(self, *exc):
                if self.previous is not None:
                    signal.signal(signal.SIGINT, self.previous)

        return Handler()

    # -- completion ------------------------------------------------------------------------------

    def complete(self, before: str) -> list[str]:
        """Names, keywords and builtins; after ``x.``, the members and methods of x."""
        from .eval.runtime import BUILTINS
        from .eval.values.methods import METHODS
        from .highlight import CONSTANTS, KEYWORDS, WORD_OPERATORS

        match = WORD.search(before)
        word = match.group(0) if match else ""
        if "." not in word:
            pool = set(self.names) | set(BUILTINS) | set(KEYWORDS) | set(WORD_OPERATORS) \
                | set(CONSTANTS)
            return [w for w in pool if w.startswith(word) and not w.startswith("_Q")]
        base, _, partial = word.rpartition(".")
        value = self._lookup(base)
        if value is _MISSING:
            return []
        members = set(METHODS.get(value.__class__, ()))
        if value.__class__ is dict:
            members |= {k for k in value if isinstance(k, str)}
        module_names = getattr(value, "__dict__", {})
        if value.__class__.__name__ == "QModule":
            members |= {k for k in module_names if not k.startswith("_")}
        return [f"{base}.{m}" for m in members if m.startswith(partial) and not m.startswith("_")]

    def _lookup(self, dotted: str):
        parts = dotted.split(".")
        py = self.names.get(parts[0])
        value = self.ns.get(py, _MISSING) if py is not None else _MISSING
        for part in parts[1:]:
            if value is _MISSING:
                break
            if value.__class__ is dict:
                value = value.get(part, _MISSING)
            else:
                value = getattr(value, "__dict__", {}).get(part, _MISSING)
        return value


_MISSING = object()


def _globals_of(code) -> set:
    """The global names a compiled input's body assigns (all of its variables)."""
    for const in code.co_consts:
        if hasattr(const, "co_names") and const.co_name == "<module>":
            return set(const.co_names)
    return set()


class _Above:
    """sys.stdout while the REPL runs: output of background tasks goes above
    the line being edited."""

    def __init__(self, editor: LineEditor, stream) -> None:
        self.editor = editor
        self.stream = stream

    def write(self, text: str) -> int:
        self.editor.print_above(text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", "utf-8")


def _highlighter():
    from pygments import highlight
    from pygments.formatters import TerminalFormatter

    from .highlight import QuestLexer

    lexer, formatter = QuestLexer(ensurenl=False, stripnl=False), TerminalFormatter()

    def paint(text: str) -> str:
        return highlight(text, lexer, formatter) if text else text
    return paint


def run_repl(args) -> int:
    from rich.console import Console

    from .cli import report_diagnostics
    from .eval.interpreter import Interpreter
    from .nursery_bridge.runner import run_program
    from .reports import ConsoleReporter

    from .nursery_bridge import portals

    interp = Interpreter(["repl"])
    portals.need_portals()  # and in the tasks spawned there
    real_stdout = sys.stdout
    colour = real_stdout.isatty() and not os.environ.get("NO_COLOR")
    editor = LineEditor(history_path=history_path(), stdout=real_stdout,
                        highlight=_highlighter() if colour else None)
    console = Console(file=_Above(editor, real_stdout), highlight=False,
                      width=None if real_stdout.isatty() else 10_000)
    session = Session(interp, console, editor)
    editor.complete = session.complete
    diagnostics = []
    sys.stdout = _Above(editor, real_stdout)
    status = None
    try:
        run_program(session.main, on_diagnostics=diagnostics.append,
                    deadlock=args.deadlock == "on", failure_grace=args.failure_grace,
                    reporter=ConsoleReporter(console))
    except KeyboardInterrupt:
        return signals.exit_status()
    except QuestError as e:     # failures of background tasks, raised as the session ends
        status = _failed_at_exit(e)
    finally:
        sys.stdout = real_stdout
    status = session.exit_code or status or 0
    return report_diagnostics(diagnostics[0] if diagnostics else None, args, status)


def _failed_at_exit(error) -> int | None:
    """Background tasks failed and nobody awaited them: shown above the
    prompt when they failed, so leaving the session only mentions them
    (the leak summary counts them); one never shown is reported now (1)."""
    from .eval.interpreter import uncaught_lines

    errors = getattr(error, "errors", None) or [error]
    if all(getattr(e, "_q_reported_by", None) for e in errors):
        return None
    render.print_error(uncaught_lines(error))
    return 1
