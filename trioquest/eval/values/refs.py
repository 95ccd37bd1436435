"""Method references: ``value.name`` without a call, on a non-struct value."""

from __future__ import annotations

from .forms import type_name


class MethodRef:
    """What ``"abc".upper`` evaluates to: a `Fun` that calls the method."""

    __slots__ = ("receiver", "name")
    _q_name = "Fun"

    def __init__(self, receiver, name: str) -> None:
        self.receiver = receiver
        self.name = name

    def __call__(self, *args, **kwargs):
        from .methods import call_method

        return call_method(self.receiver, self.name, *args, **kwargs)

    def _q_str(self) -> str:
        return f"<fun {type_name(self.receiver)}.{self.name}>"
