"""How an error report is printed: on stderr, styled with Rich on a terminal,
exactly the plain text elsewhere.

The report's lines are (kind, text) pairs, kind one of headline, stack,
frame, source, caret (`eval.interpreter.uncaught_lines` makes them).  A
leaf module, below the std modules and the CLI: std/http's server prints a
failing handler's error with it, the CLI and the REPL an uncaught one
(render.py re-exports it).  Rich is imported on first use (~0.1 s).
"""

from __future__ import annotations

ERROR_STYLES = {"headline": "bold red", "stack": "dim", "frame": "cyan", "source": "",
                "caret": "bold red"}


def stderr_console():
    """Where trioquest reports go: stderr, styled and fitted to the width on a
    terminal; elsewhere plain, and never wrapped or cropped."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if not console.is_terminal:
        console = Console(stderr=True, highlight=False, width=10_000)
    return console


def error(lines: list[tuple[str, str]]):
    """An error report, as a styled `rich.text.Text`."""
    from rich.text import Text

    text = Text()
    for i, (kind, line) in enumerate(lines):
        if i:
            text.append("\n")
        text.append(line, style=ERROR_STYLES.get(kind, ""))
    return text


def print_error(lines: list[tuple[str, str]], console=None) -> None:
    """On a terminal, styled; elsewhere exactly the plain text."""
    console = console or stderr_console()
    if console.is_terminal:
        console.print(error(lines))
    else:
        console.file.write("\n".join(line for _, line in lines) + "\n")
