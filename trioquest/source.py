"""Source text and the map from character offsets to line/column positions.

Every position trioquest reports is 1-based: the first character of a file is
at line 1, column 1.  Columns count characters (code points), not bytes; the
compiler converts to Python's UTF-8 byte offsets where it needs them.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_NEWLINE = re.compile(r"\n")


class Source:
    """A Quest source text with its file name and line table."""

    __slots__ = ("text", "filename", "line_starts")

    def __init__(self, text: str, filename: str = "<input>") -> None:
        self.text = text
        self.filename = filename
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.line_starts = starts

    def line_of(self, offset: int) -> int:
        """The 1-based line holding the character at `offset`."""
        return bisect_right(self.line_starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of the character at `offset`."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' if out of range)."""
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        text = self.text[start:] if end < 0 else self.text[start:end]
        return text.rstrip("\r")
