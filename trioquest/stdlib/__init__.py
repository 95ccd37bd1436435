"""The built-in ``std/...`` modules (LANGUAGE.md §12).

Each entry maps a module path to the Python module implementing it; that
module's ``make_module(interpreter)`` returns the `QModule`.  Modules written
in Quest live beside them as ``.q`` files and are listed with a ``.q`` value.
"""

from __future__ import annotations

import importlib
import os

STD_MODULES = {
    "std/math": "trioquest.stdlib.math_",
    "std/sys": "trioquest.stdlib.sys_",
    "std/test": "trioquest.stdlib.test_",
    "std/error": "error.q",
    "std/io": "trioquest.stdlib.io_",
    "std/encoding/json": "trioquest.stdlib.json_",
    "std/time": "trioquest.stdlib.time_",
    "std/async": "trioquest.stdlib.async_",
    "std/http": "trioquest.stdlib.http",
    "std/net": "trioquest.stdlib.net",
    "std/os": "trioquest.stdlib.os_",
    "std/db/sqlite": "trioquest.stdlib.db.sqlite",
    "std/db/postgres": "trioquest.stdlib.db.postgres",
}

# Paths that are views of another std module: ``use "std/http/client"`` and
# ``use "std/http/server"`` both load std/http and bind it as ``http``.
STD_ALIASES = {"std/http/client": "std/http", "std/http/server": "std/http"}


def std_key(path: str) -> str | None:
    """The std module a ``use`` path names (aliases followed), or None."""
    key = path[:-2] if path.endswith(".q") else path
    key = STD_ALIASES.get(key, key)
    return key if key in STD_MODULES else None


def binding_name(path: str) -> str:
    """The name ``use "path"`` binds without ``as``: the last part of the
    path, or of the std module an alias stands for (``http``)."""
    key = std_key(path) or path
    stem = key.rstrip("/").rsplit("/", 1)[-1]
    return stem[:-2] if stem.endswith(".q") else stem


def load_std(path: str, interpreter):
    target = STD_MODULES[path]
    if target.endswith(".q"):
        from ..eval.values.modules import QModule

        file = os.path.join(os.path.dirname(__file__), target)
        module = QModule(path.rsplit("/", 1)[-1], path=file)
        interpreter.execute(interpreter.read_source(file), module)
        return module
    from ..eval.values.callables import name_members

    module = importlib.import_module(target).make_module(interpreter)
    name_members(module._q_module_name, module.__dict__)
    return module
