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
}


def load_std(path: str, interpreter):
    target = STD_MODULES[path]
    if target.endswith(".q"):
        from ..eval.values.modules import QModule

        file = os.path.join(os.path.dirname(__file__), target)
        module = QModule(path.rsplit("/", 1)[-1], path=file)
        interpreter.execute(interpreter.read_source(file), module)
        return module
    return importlib.import_module(target).make_module(interpreter)
