"""What happened to tasks, kept as plain data for the task tree and the leak
report (CONCURRENCY.md §7).  Rendering lives in `trioquest.render` (issue #5).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class SpawnSite:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def quest_site(depth: int = 2) -> SpawnSite | None:
    """The innermost Quest frame calling into the runtime (file and line)."""
    from ..eval.values.exceptions import QUEST_SOURCES

    frame = sys._getframe(depth)
    while frame is not None:
        if frame.f_code.co_filename in QUEST_SOURCES:
            return SpawnSite(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


@dataclass
class Leak:
    """A task still running when its scope ended, cancelled by the scope."""

    task_id: int
    name: str | None
    site: SpawnSite | None
    scope: str
    age: float
    waiting_on: str | None


@dataclass
class Unobserved:
    """A task failure raised at scope exit because nobody observed it."""

    task_id: int
    name: str | None
    site: SpawnSite | None
    error: str


@dataclass
class NeverAwaited:
    what: str
    site: str | None


@dataclass
class Diagnostics:
    leaks: list[Leak] = field(default_factory=list)
    unobserved: list[Unobserved] = field(default_factory=list)
    never_awaited: list[NeverAwaited] = field(default_factory=list)
    blocked_channels: list[str] = field(default_factory=list)
    tasks: dict = field(default_factory=dict)   # id -> Task, while alive

    def anything(self) -> bool:
        return bool(self.leaks or self.unobserved or self.never_awaited or self.blocked_channels)

    def summary(self) -> str:
        parts = []
        if self.leaks:
            parts.append(f"{len(self.leaks)} task(s) cancelled at scope exit")
        if self.unobserved:
            parts.append(f"{len(self.unobserved)} unobserved failure(s)")
        if self.never_awaited:
            parts.append(f"{len(self.never_awaited)} awaitable(s) never awaited")
        if self.blocked_channels:
            parts.append(f"{len(self.blocked_channels)} channel(s) with blocked tasks")
        return "; ".join(parts)
