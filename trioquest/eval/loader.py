"""Modules: the `use` statement, the module search path and the module cache
(LANGUAGE.md §11).

``use "std/math"`` is a built-in module (`trioquest.stdlib`); any other path
names a file (``.q`` appended when missing).  A path starting with ``.`` is
relative to the importing file's directory (``../x`` is the parent
directory; the reference's bug of staying in the same directory is not
reproduced).  Other paths are searched in: the current directory, its
``lib/``, the main script's directory, each entry of ``QUEST_PATH`` (and
the reference's ``QUEST_INCLUDE``), and ``~/.quest/lib``.

A module runs once per process and is shared by every importer; importing a
module that is still loading is a circular import (ImportErr).
"""

from __future__ import annotations

import os
from types import CoroutineType

from ..errors import ImportErr
from ..stdlib import binding_name as _module_name
from .values.modules import QModule


class Loader:
    def __init__(self, interpreter) -> None:
        self.interpreter = interpreter
        self.cache: dict[str, QModule] = {}
        self.loading: list[str] = []

    # -- resolution ---------------------------------------------------------------

    def search_dirs(self) -> list[str]:
        dirs = [os.getcwd(), os.path.join(os.getcwd(), "lib")]
        script = self.interpreter.script_path
        if script:
            dirs.append(os.path.dirname(os.path.abspath(script)))
        for var in ("QUEST_PATH", "QUEST_INCLUDE"):
            dirs.extend(p for p in os.environ.get(var, "").split(os.pathsep) if p)
        dirs.append(os.path.join(os.path.expanduser("~"), ".quest", "lib"))
        return dirs

    def resolve(self, path: str, importer: str | None) -> str | None:
        """The file a non-std `use` path names, or None."""
        rel = path if path.endswith(".q") else path + ".q"
        if rel.startswith("."):
            base = os.path.dirname(os.path.abspath(importer)) if importer and \
                os.path.exists(importer) else os.getcwd()
            candidate = os.path.normpath(os.path.join(base, rel))
            return candidate if os.path.isfile(candidate) else None
        if os.path.isabs(rel):
            return rel if os.path.isfile(rel) else None
        for d in self.search_dirs():
            candidate = os.path.join(d, rel)
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
        return None

    # -- loading -------------------------------------------------------------------

    def use(self, path: str, importer: str | None = None) -> QModule:
        """The module a ``use "path"`` statement binds (in sync code: a
        module whose top level awaits runs to completion through block_on)."""
        found = self.find(path, importer)
        if found.__class__ is QModule:
            return found
        return self.load_file(found, name=_module_name(path))

    async def use_async(self, path: str, importer: str | None = None) -> QModule:
        """``use "path"`` in async code: a module whose top level awaits is
        awaited by the task running the ``use``, in the same Trio run."""
        found = self.find(path, importer)
        if found.__class__ is QModule:
            return found
        key, module, source = self.begin(found, _module_name(path))
        if source is None:
            return module
        try:
            result, _ = self.interpreter.start(source, module)
            if result.__class__ is CoroutineType:
                await result
        finally:
            self.loading.pop()
        self.cache[key] = module
        return module

    def find(self, path: str, importer: str | None):
        """A std module (loaded), or the file a path names."""
        from ..stdlib import load_std, std_key

        key = std_key(path)
        if key is not None:
            cached = self.cache.get(key)
            if cached is None:
                cached = self.cache[key] = load_std(key, self.interpreter)
            return cached
        file = self.resolve(path, importer)
        if file is None:
            raise ImportErr(f"Module not found: '{path}'")
        return file

    def begin(self, file: str, name: str):
        """(key, module, source) for loading `file`, pushed on the loading
        stack; (key, cached module, None) when it is loaded already."""
        key = os.path.realpath(file)
        cached = self.cache.get(key)
        if cached is not None:
            return key, cached, None
        if key in self.loading:
            chain = " -> ".join(os.path.basename(p) for p in self.loading + [key])
            raise ImportErr(f"Circular import: {chain}")
        source = self.interpreter.read_source(file)
        self.loading.append(key)
        return key, QModule(name, path=file), source

    def load_file(self, file: str, *, name: str, export_all: bool = False) -> QModule:
        key, module, source = self.begin(file, name)
        if source is None:
            return module
        try:
            self.interpreter.execute(source, module, export_all=export_all)
        finally:
            self.loading.pop()
        self.cache[key] = module
        return module

    def use_member(self, module: QModule, name: str, path: str):
        """``use "path" {name}``: a public member, else ImportErr (§11)."""
        members = module.__dict__
        if name not in members or name.startswith("_q_module_"):
            raise ImportErr(f"Module '{path}' has no public member '{name}'")
        return members[name]

    def load_module(self, path: str) -> QModule:
        """``sys.load_module(path)``: by path from the current directory, with
        every top-level name visible (§11).  A file already loaded by `use`
        is not run again: its module (public names only) is returned."""
        if not os.path.isfile(path):
            raise ImportErr(f"Module not found: '{path}'")
        return self.load_file(os.path.normpath(path), name=_module_name(path), export_all=True)
