"""``std/os``: the environment, the working directory and directories.

The subset of the reference's ``os`` module that programs here need: the
QEP examples read their service and database URLs with ``os.getenv``.
Failures are IOErr naming the path, as in std/io.
"""

from __future__ import annotations

import os

from ..errors import IOErr, TypeErr, ValueErr
from ..eval.values.modules import QModule
from .io_ import _io_error, _path


def _name(name) -> str:
    if name.__class__ is not str:
        raise TypeErr("An environment variable name must be a Str")
    return name


def getenv(name, default=None):
    """The variable's value, or `default` (nil) when it is not set."""
    return os.environ.get(_name(name), default)


def setenv(name, value) -> None:
    if value.__class__ is not str:
        raise TypeErr("os.setenv() expects a Str value")
    if not _name(name) or "=" in name:
        raise ValueErr(f"Invalid environment variable name '{name}': it must not be empty "
                       "or contain '='")
    os.environ[name] = value


def unsetenv(name) -> None:
    os.environ.pop(_name(name), None)


def environ() -> dict:
    return dict(os.environ)


def _on_path(action: str, fn):
    def call(p, *rest):
        path = _path(p)
        try:
            return fn(path, *rest)
        except OSError as e:
            raise _io_error(action, path, e) from None
    return call


def listdir(p) -> list:
    return sorted(_on_path("list", os.listdir)(p))


def getcwd() -> str:
    try:
        return os.getcwd()
    except OSError as e:    # the directory was removed under us
        raise IOErr(f"Cannot get the current directory: {e.strerror or e}") from None


def rename(a, b) -> None:
    src, dst = _path(a), _path(b)
    try:
        os.rename(src, dst)
    except OSError as e:
        raise IOErr(f"Cannot rename '{src}' to '{dst}': {e.strerror or e}") from None


def make_module(interpreter) -> QModule:
    module = QModule("os", "The environment, the working directory and directories.")
    members = {
        "getenv": getenv, "setenv": setenv, "unsetenv": unsetenv, "environ": environ,
        "getcwd": getcwd, "chdir": _on_path("change to", os.chdir),
        "listdir": listdir, "mkdir": _on_path("create", os.mkdir),
        "makedirs": _on_path("create", lambda p: os.makedirs(p, exist_ok=True)),
        "rmdir": _on_path("remove", os.rmdir), "rename": rename,
        "search_path": [p for p in os.environ.get("QUEST_INCLUDE", "").split(os.pathsep) if p],
    }
    for name, fn in members.items():
        if callable(fn):
            try:
                fn.__qualname__ = f"os.{name}"
            except (AttributeError, TypeError):
                pass
    module.__dict__.update(members)
    return module
