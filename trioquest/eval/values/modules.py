"""Quest module objects (LANGUAGE.md §11)."""

from __future__ import annotations

from ...errors import AttrErr
from .methods import register


class QModule:
    """A loaded module: its public members are attributes.

    Generated code exports a member by writing ``module.__dict__[name]``;
    Quest code cannot assign module attributes.
    """

    _q_name = "Module"

    def __init__(self, name: str, doc: str | None = None, path: str | None = None) -> None:
        d = self.__dict__
        d["_q_module_name"] = name
        d["_q_module_doc"] = doc
        d["_q_module_path"] = path

    def __setattr__(self, name, value):
        raise AttrErr(f"Cannot assign to member '{name}' of module {self._q_module_name}")

    def __getattr__(self, name):
        raise AttrErr(f"Module {self.__dict__['_q_module_name']} has no public member '{name}'")

    def _q_str(self) -> str:
        return f"<module {self._q_module_name}>"

    def _q_doc(self) -> str:
        return self._q_module_doc or f"Module: {self._q_module_name}"

    def _q_members(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_q_module_")}


def _member(name: str):
    def call(mod, *args, **kwargs):
        return getattr(mod, name)(*args, **kwargs)

    return call


register(QModule, {"_doc": QModule._q_doc}, fallback=_member)
