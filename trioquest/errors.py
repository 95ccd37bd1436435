"""Errors that reach the user as Quest errors, with their place in the source.

A user error carries file, line, column and a one-line reason.  Anything else
escaping trioquest's own code is a bug and is reported as an internal error.
"""

from __future__ import annotations

from collections.abc import Iterable


class QuestError(Exception):
    """Quest's ``Err``: the base of every error a Quest program can see.

    The Quest type hierarchy is flat (LANGUAGE.md §7.1): a catch clause matches
    when its type name equals the error's, or when it is ``Err``.  Python
    subclassing is only used for sharing code.  ``filename``/``line``/``col``
    locate where the error was raised (None until known).
    """

    type_name = "Err"

    def __init__(self, message: str = "", *, filename: str | None = None,
                 line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.reason = message
        self.filename = filename
        self.line = line
        self.col = col

    @property
    def message(self) -> str:
        """The reason, without location: what ``e.message()`` gives in Quest."""
        return self.reason

    def headline(self) -> str:
        where = f"{self.filename}:{self.line}:{self.col}: " if self.line else ""
        return f"{where}{self.type_name}: {self.reason}"

    def __str__(self) -> str:
        return f"{self.type_name}: {self.reason}"


class OutputClosed(BaseException):
    """Standard output's reader went away (``trioquest x.q | head``).

    Not a Quest error: no ``catch`` can take it, ``ensure`` blocks still run,
    and the command leaves quietly with status 141, as a program killed by
    SIGPIPE would.
    """


def _quest_error_type(name: str, doc: str) -> type[QuestError]:
    return type(name, (QuestError,), {"type_name": name, "__doc__": doc})


RuntimeErr = _quest_error_type("RuntimeErr", "An error without a more specific type.")
IndexErr = _quest_error_type("IndexErr", "An index or position out of range.")
TypeErr = _quest_error_type("TypeErr", "A value of the wrong type.")
ValueErr = _quest_error_type("ValueErr", "A value of the right type but unacceptable.")
ArgErr = _quest_error_type("ArgErr", "Wrong arguments to a call.")
# Also an AttributeError: Python's getattr(obj, name, default) and hasattr
# treat a Quest object's "no such member" (a module's __getattr__, say) as the
# absence it is, instead of letting it escape as an internal error.
AttrErr = type("AttrErr", (QuestError, AttributeError), {
    "type_name": "AttrErr", "__doc__": "A missing or private field or method."})
NameErr = _quest_error_type("NameErr", "An undefined, undeclared or redeclared name.")
IOErr = _quest_error_type("IOErr", "A failed input/output operation.")
ImportErr = _quest_error_type("ImportErr", "A module that cannot be found or loaded.")
KeyErr = _quest_error_type("KeyErr", "A missing key or element.")
ConfigurationErr = _quest_error_type("ConfigurationErr", "Invalid configuration.")


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
        filename: str | None = None,
        line: int | None = None,
        col: int | None = None,
        *,
        width: int = 1,
        source_line: str = "",
        expected: Iterable[str] = (),
    ) -> None:
        super().__init__(reason, filename=filename, line=line, col=col)
        self.width = max(1, width)
        self.source_line = source_line
        self.expected = tuple(expected)

    @classmethod
    def at(cls, source, offset: int, reason: str, width: int = 1):
        """The error for character `offset` of a `Source`."""
        line, col = source.position(offset)
        return cls(reason, source.filename, line, col,
                   width=width, source_line=source.line_text(line))

    def caret_line(self) -> str:
        """Spaces (tabs kept, so the caret lines up) and carets under the token."""
        text = self.source_line
        prefix = "".join("\t" if ch == "\t" else " " for ch in text[: self.col - 1])
        room = max(1, len(text) - (self.col - 1))
        return prefix + "^" * min(self.width, room)

    def __str__(self) -> str:
        if not self.source_line.strip():
            return self.headline() if self.line else super().__str__()
        return f"{self.headline()}\n    {self.source_line}\n    {self.caret_line()}"


class IncompleteInputError(QuestSyntaxError):
    """The input ended inside an open construct (a block, bracket or string).

    The REPL uses this to ask for another line instead of reporting an error.
    """
