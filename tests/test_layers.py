"""Data flows one way: the std modules and everything under them never
import the upper layer's rendering (render.py, Rich's task tree and leak
report); they print error reports with error_report.py."""

import ast
from pathlib import Path

import trioquest

PACKAGE = Path(trioquest.__file__).parent
UPPER = {"cli", "cli_options", "repl", "render", "reports", "testrunner", "pytest_plugin",
         "__main__", "line_editor", "highlight"}


def _imported(path: Path) -> set[str]:
    """The trioquest modules `path` imports (absolute names, no prefix)."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[:len(parts) - node.level])
                name = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("trioquest"):
                name = node.module.removeprefix("trioquest").lstrip(".")
            else:
                continue
            found.add(name)
            found.update(f"{name}.{a.name}".lstrip(".") for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("trioquest.") for a in node.names
                         if a.name.startswith("trioquest."))
    return found


def _lower_modules_importing(name: str) -> list:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent == PACKAGE and path.stem in UPPER:
            continue
        imported = _imported(path)
        if name in imported or any(i.startswith(name + ".") for i in imported):
            offenders.append(str(path.relative_to(PACKAGE)))
    return offenders


def test_no_lower_module_imports_render():
    assert _lower_modules_importing("render") == []


def test_no_lower_module_imports_the_command_line():
    # eval/interpreter.py read module files through cli.py once
    assert _lower_modules_importing("cli") == []
    assert _lower_modules_importing("repl") == []


def test_the_check_resolves_relative_imports():
    # request.py's `from ...error_report import print_error` (inside a function)
    names = _imported(PACKAGE / "stdlib" / "http" / "request.py")
    assert {"error_report", "error_report.print_error", "eval.interpreter"} <= names
