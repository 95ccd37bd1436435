"""A pytest plugin (entry point ``pytest11``): Quest test files
(``test_*.q``, ``*_test.q``) are collected beside Python tests, and every
``it`` of them is a pytest item with its own outcome and messages.

std/test runs each ``it`` when the file's top level calls it, so a file's
cases are known only by running it: the collector runs the file once (in
its own interpreter, quietly, recording each case), and each item reports
what its case did.  A file that fails to load is a collection error with the
Quest error report.  ``-p no:trioquest`` turns the plugin off.
"""

from __future__ import annotations

import os

import pytest


def pytest_collect_file(file_path, parent):
    name = file_path.name
    if file_path.suffix == ".q" and not name.startswith(".") and (
            name.startswith("test_") or name.endswith("_test.q")):
        return QuestFile.from_parent(parent, path=file_path)
    return None


class QuestLoadError(Exception):
    """The file failed before or between its cases."""


class QuestFile(pytest.File):
    def collect(self):
        records = self._run()
        seen: dict = {}
        for record in records:
            label = " > ".join([*record.path, record.name])
            seen[label] = seen.get(label, 0) + 1
            if seen[label] > 1:
                label += f" [{seen[label]}]"
            yield QuestItem.from_parent(self, name=label, record=record)

    def _run(self):
        from .eval.interpreter import Interpreter, QuestExit, format_uncaught
        from .eval.values.exceptions import raised_in_quest
        from .nursery_bridge import portals

        path = str(self.path)
        interp = Interpreter(["test", path])
        portals.need_portals()
        interp.loader.use("std/test")
        state = interp.test_state
        state.records, state.quiet, state.colors = [], True, False
        cwd = os.getcwd()
        os.chdir(self.path.parent)     # as `trioquest test` runs a file: from its folder
        try:
            interp.loader.load_module(path)
        except QuestExit as e:
            if e.code:
                raise QuestLoadError(f"{path}: sys.exit({e.code}) while loading") from None
        except Exception as e:
            if not raised_in_quest(e) and not hasattr(e, "type_name"):
                raise
            raise QuestLoadError(format_uncaught(e)) from None
        finally:
            os.chdir(cwd)
        return state.records

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(QuestLoadError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class QuestCaseFailed(Exception):
    pass


class QuestItem(pytest.Item):
    obj = None   # not a Python function (plugins such as pytest-trio look here)

    def __init__(self, *, record, **kwargs) -> None:
        super().__init__(**kwargs)
        self.record = record

    def runtest(self) -> None:
        if self.record.failures:
            raise QuestCaseFailed()

    def repr_failure(self, excinfo):
        if not excinfo.errisinstance(QuestCaseFailed):
            return super().repr_failure(excinfo)
        lines = [f"\u2717 {m}" for m in self.record.failures]
        if self.record.captured:
            lines.append("captured output:")
            lines.extend(f"  | {line}" for line in self.record.captured.rstrip("\n").split("\n"))
        return "\n".join(lines)

    def reportinfo(self):
        line = (self.record.line or 1) - 1
        return self.path, line, f"{self.record.name}"
