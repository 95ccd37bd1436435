"""``std/sys`` (LANGUAGE.md §12): argv, exit, eval, load_module, streams and
redirection, and the depth helpers.

``sys.eval(code)`` runs `code` with the caller's variables visible; since
compiled Quest code keeps its variables in Python fast locals, assignments
made by the evaluated code to the caller's variables are not written back
(new ``let`` bindings stay local to the evaluated code).
"""

from __future__ import annotations

import os
import sys

from .. import __version__
from ..errors import RuntimeErr, TypeErr
from ..eval.runtime import write_output
from ..eval.values.exceptions import QUEST_SOURCES, quest_name
from ..eval.values.forms import to_str, type_name
from ..eval.values.methods import register
from ..eval.values.modules import QModule
from ..source import Source


class QStream:
    """``sys.stdout`` / ``sys.stderr`` / ``sys.stdin`` as Quest values (each
    one's type name is its own: ``sys.stdout.cls()`` is "stdout")."""

    _q_name = "SystemStream"   # what method errors call the three

    def __init__(self, name: str) -> None:
        self.name = name
        self._q_name = name

    def python_stream(self):
        return getattr(sys, self.name)

    def write(self, text) -> int:
        text = to_str(text)
        write_output(self.python_stream(), text)
        return len(text)

    def flush(self) -> None:
        self.python_stream().flush()

    def _q_str(self) -> str:
        return f"<{self.name}>"


register(QStream, {
    "write": QStream.write, "flush": QStream.flush,
    "read": lambda s: sys.stdin.read(), "readline": lambda s: sys.stdin.readline(),
    "cls": lambda s: s.name,
})


class _FileWriter:
    def __init__(self, path: str) -> None:
        self.file = open(path, "a", encoding="utf-8")

    def write(self, text: str) -> int:
        return self.file.write(text)

    def flush(self) -> None:
        self.file.flush()


class RedirectGuard:
    """What ``sys.redirect_stream`` returns: ``restore()`` puts the stream back."""

    _q_name = "RedirectGuard"

    def __init__(self, stream_name: str, target) -> None:
        self.stream_name = stream_name
        self.saved = getattr(sys, stream_name)
        self.target = target
        self.active = True
        setattr(sys, stream_name, target)

    def restore(self) -> None:
        if self.active:
            if isinstance(self.target, _FileWriter):
                self.target.file.close()
            setattr(sys, self.stream_name, self.saved)
            self.active = False

    def __bool__(self) -> bool:
        return self.active

    def _q_str(self) -> str:
        state = "active" if self.active else "restored"
        return f"<RedirectGuard {self.stream_name} ({state})>"


register(RedirectGuard, {
    "restore": lambda g: g.restore(), "is_active": lambda g: g.active,
    "_enter": lambda g: g, "_exit": lambda g: g.restore(),
})


def make_module(interpreter) -> QModule:
    module = QModule("sys", "System access: arguments, streams, exit, eval.")
    streams = {name: QStream(name) for name in ("stdout", "stderr", "stdin")}

    def exit_(code=0):
        from ..eval.interpreter import QuestExit

        if code.__class__ is not int:
            raise TypeErr(f"sys.exit() expects an Int, got {type_name(code)}")
        raise QuestExit(code)

    def fail(msg="Failure"):
        raise RuntimeErr(to_str(msg))

    def redirect_stream(stream, target):
        if not isinstance(stream, QStream) or stream.name == "stdin":
            raise TypeErr("redirect_stream() redirects sys.stdout or sys.stderr")
        if target.__class__ is str:
            target = _FileWriter(target)
        elif isinstance(target, QStream):
            target = target.python_stream()
        elif not hasattr(target, "write"):
            raise TypeErr(f"Cannot redirect a stream to {type_name(target)}")
        return RedirectGuard(stream.name, target)

    def eval_(code):
        if code.__class__ is not str:
            raise TypeErr(f"sys.eval() expects a Str, got {type_name(code)}")
        caller = sys._getframe(1)
        scope = _visible_scope(caller)
        source = Source(code, "<eval>")
        compiled = interpreter.compile(source, value_sink=True,
                                       predeclared={q: py for q, (py, _) in scope.items()})
        ns = interpreter.namespace()
        ns.update(compiled.globals)
        exec(compiled.code, ns)
        return ns["_Q_body"]({py: value for py, value in scope.values()})

    def call_depth():
        depth, frame = 0, sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename in QUEST_SOURCES and frame.f_code.co_name != "<module>":
                depth += 1
            frame = frame.f_back
        return depth

    module.__dict__.update({
        "argv": list(interpreter.argv), "argc": len(interpreter.argv),
        "version": __version__, "platform": {"win32": "windows"}.get(sys.platform, sys.platform),
        "executable": _executable(), "script_path": interpreter.script_path,
        "builtin_module_names": _builtin_names(),
        "INT_MIN": -(1 << 63), "INT_MAX": (1 << 63) - 1,
        **streams,
        "exit": exit_, "fail": fail, "eval": eval_,
        "load_module": interpreter.loader.load_module, "pid": os.getpid,
        "redirect_stream": redirect_stream,
        "get_call_depth": call_depth,
        "get_depth_limits": lambda: {"function_calls": 1000, "eval_recursion": 2000,
                                     "module_loading": 50},
        "get_scope_depth": lambda: call_depth() + 1,
    })
    return module


def _visible_scope(frame) -> dict:
    """Quest name -> (Python name, value) of the variables the calling Quest
    code can see: its own frame first, then the Quest frames that called it
    (an approximation of its lexical scope chain)."""
    scope: dict = {}
    while frame is not None and frame.f_code.co_filename in QUEST_SOURCES:
        ranked: dict = {}
        for py, value in frame.f_locals.items():
            if py.startswith("_Q"):
                continue
            q = quest_name(py)
            if q in scope:
                continue
            tail = py.rsplit("__", 1)[1] if "__" in py else ""
            rank = int(tail) if tail.isdigit() else 0
            if value.__class__.__name__ == "Cell":
                value = value.v
            if q not in ranked or rank > ranked[q][0]:
                ranked[q] = (rank, value)
        for q, (_, value) in ranked.items():
            scope[q] = ("_Q_v_" + q, value)
        frame = frame.f_back
    return scope


def _executable() -> str:
    path = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return path if "quest" in path else "trioquest"


def _builtin_names() -> list[str]:
    from . import STD_MODULES

    return sorted(p.split("/")[-1] for p in STD_MODULES)
