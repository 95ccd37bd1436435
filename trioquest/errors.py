"""Errors that reach the user as Quest errors, with their place in the source.

A user error carries file, line, column and a one-line reason.  Anything else
escaping trioquest's own code is a bug and is reported as an internal error.
"""

from __future__ import annotations

from collections.abc import Iterable


class QuestError(Exception):
    """Base of every error trioquest reports to the user as a Quest error."""

    type_name = "RuntimeErr"


class QuestSyntaxError(QuestError):
    """A program that cannot be parsed.

    ``str(err)`` renders the full report::

        demo.q:3:9: SyntaxErr: unexpected ')', expected an expression
            let x = )
                    ^
    """

    type_name = "SyntaxErr"

    def __init__(
        self,
        reason: str,
        filename: str,
        line: int,
        col: int,
        *,
        width: int = 1,
        source_line: str = "",
        expected: Iterable[str] = (),
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.filename = filename
        self.line = line
        self.col = col
        self.width = max(1, width)
        self.source_line = source_line
        self.expected = tuple(expected)

    @classmethod
    def at(cls, source, offset: int, reason: str, width: int = 1):
        """The error for character `offset` of a `Source`."""
        line, col = source.position(offset)
        return cls(reason, source.filename, line, col,
                   width=width, source_line=source.line_text(line))

    @property
    def message(self) -> str:
        """The reason, without location: what ``e.message()`` gives in Quest."""
        return self.reason

    def headline(self) -> str:
        return f"{self.filename}:{self.line}:{self.col}: {self.type_name}: {self.reason}"

    def caret_line(self) -> str:
        """Spaces (tabs kept, so the caret lines up) and carets under the token."""
        text = self.source_line
        prefix = "".join("\t" if ch == "\t" else " " for ch in text[: self.col - 1])
        room = max(1, len(text) - (self.col - 1))
        return prefix + "^" * min(self.width, room)

    def __str__(self) -> str:
        if not self.source_line.strip():
            return self.headline()
        return f"{self.headline()}\n    {self.source_line}\n    {self.caret_line()}"


class IncompleteInputError(QuestSyntaxError):
    """The input ended inside an open construct (a block, bracket or string).

    The REPL uses this to ask for another line instead of reporting an error.
    """
