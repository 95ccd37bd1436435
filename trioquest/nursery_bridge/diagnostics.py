"""What happened to tasks, kept as plain data for the task tree and the leak
report (CONCURRENCY.md §7).  Rendering lives in `trioquest.render` (issue #5).

Nothing here costs anything while a program runs normally: what a task waits
on is read off its coroutine stack when somebody asks (a snapshot, or a scope
cancelling leftover children), through the describers that the modules
defining waiting operations register with `describes`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..eval.values.exceptions import QUEST_SOURCES


@dataclass(frozen=True)
class Site:
    """A place in Quest source."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def site_of(pair) -> Site | None:
    return None if pair is None else Site(pair[0], pair[1])


@dataclass(frozen=True)
class TaskInfo:
    """One task as it was at a moment: the rows of the task tree."""

    id: int
    name: str | None
    state: str
    site: Site | None       # where it was spawned
    scope: str              # the scope that owns it, in Quest terms
    age: float              # seconds since it was spawned
    waiting_on: str | None  # e.g. "recv on channel (unbounded) from prog.q:3 at prog.q:9"
    cancelled_by: str | None
    main: bool = False      # the main program's own row (it has no Task)


@dataclass(frozen=True)
class ScopeNode:
    """A scope with children, and the tasks it owns (each with its scopes)."""

    label: str
    tasks: tuple[TaskNode, ...]


@dataclass(frozen=True)
class TaskNode:
    task: TaskInfo
    scopes: tuple[ScopeNode, ...]


@dataclass(frozen=True)
class Leak:
    """A task still running when its scope ended, cancelled by the scope."""

    task_id: int
    name: str | None
    site: Site | None
    scope: str
    age: float
    waiting_on: str | None
    cancelled_by: str


@dataclass(frozen=True)
class Unobserved:
    """A task failure raised at scope exit because nobody observed it."""

    task_id: int
    name: str | None
    site: Site | None
    error: str              # "Type: message"
    raised_at: Site | None


@dataclass(frozen=True)
class NeverAwaited:
    """An awaitable that was dropped without being awaited."""

    what: str               # e.g. "fetch()" or "Channel.send()"
    site: Site | None       # where it was dropped: the line that called it


@dataclass(frozen=True)
class BlockedChannel:
    """A channel that leaked tasks were blocked on when they were cancelled."""

    channel: str
    senders: int
    receivers: int


@dataclass
class Diagnostics:
    leaks: list[Leak] = field(default_factory=list)
    unobserved: list[Unobserved] = field(default_factory=list)
    never_awaited: list[NeverAwaited] = field(default_factory=list)
    blocked_channels: list[BlockedChannel] = field(default_factory=list)
    at_interrupt: tuple | None = None       # the task tree when Ctrl-C came
    at_exit: tuple | None = None            # the task tree when the main program ended
    deadlocks: list = field(default_factory=list)   # the task tree at each deadlock found

    def with_failures(self, tasks) -> Diagnostics:
        """These diagnostics, and the failures of `tasks` that no scope has
        recorded yet (what has leaked so far, while the program runs)."""
        recorded = {u.task_id for u in self.unobserved}
        extra = Diagnostics()
        extra.record_unobserved([t for t in tasks if t.id not in recorded])
        return dataclasses.replace(self, unobserved=self.unobserved + extra.unobserved)

    def anything(self) -> bool:
        return bool(self.leaks or self.unobserved or self.never_awaited or self.blocked_channels)

    def summary(self) -> str:
        parts = []
        if self.leaks:
            parts.append(_count(len(self.leaks), "task") + " cancelled at scope exit")
        if self.unobserved:
            parts.append(_count(len(self.unobserved), "unobserved failure"))
        if self.never_awaited:
            parts.append(_count(len(self.never_awaited), "awaitable") + " never awaited")
        if self.blocked_channels:
            parts.append(_count(len(self.blocked_channels), "channel") + " with blocked tasks")
        return "; ".join(parts)

    # -- recording ---------------------------------------------------------------------

    def leaks_of(self, tasks, scope) -> list:
        """What leaks if the end of `scope` cancels `tasks`, taken before it
        does (while their waits can be read): [(task, Leak, [BlockedChannel])].
        `record_leaks` keeps those the cancellation really cut short.  A task
        the program cancelled itself (``t.cancel()``) is not a leak, nor is
        anything cancelled because a signal (Ctrl-C, SIGTERM) ends the program."""
        from ..signals import RECEIVED
        from .runner import current_bridge

        if RECEIVED:
            return []
        now = current_bridge().now()
        label = scope.describe()
        found = []
        for t in tasks:
            if t.cancel_requested:
                continue
            waiting, channels = _waiting(t, now)
            leak = Leak(t.id, t.name, site_of(t.site), label, now - t.started, waiting,
                        f"the end of {label}")
            blocked = [b for b in (c.blocked() for c in channels) if b is not None]
            found.append((t, leak, blocked))
        return found

    def record_leaks(self, found) -> None:
        """The `leaks_of` whose task the cancellation cut short (a task that
        finished on its own meanwhile, such as a sender whose value was just
        received, did not leak)."""
        seen = {b.channel for b in self.blocked_channels}
        for task, leak, blocked in found:
            if task.state == "finished":
                continue
            self.leaks.append(leak)
            for b in blocked:
                if b.channel not in seen:
                    seen.add(b.channel)
                    self.blocked_channels.append(b)

    def record_unobserved(self, tasks) -> None:
        for t in tasks:
            err = t.error
            where = Site(err.filename, err.line) if err.line else None
            self.unobserved.append(Unobserved(t.id, t.name, site_of(t.site),
                                              f"{err.type_name}: {err.reason}", where))

    def record_never_awaited(self, what: str, site: Site | None) -> None:
        self.never_awaited.append(NeverAwaited(what, site))


    # -- the report, as data ----------------------------------------------------------------

    def grouped_leaks(self) -> list[LeakGroup]:
        """Identical leaks (same name, spawn site, scope, wait and canceller)
        as one group each, in the order of their first member."""
        groups: dict = {}
        for leak in self.leaks:
            key = (leak.name, leak.site, leak.scope, leak.waiting_on, leak.cancelled_by)
            group = groups.get(key)
            if group is None:
                groups[key] = LeakGroup(*key, [leak.task_id], [leak.age])
            else:
                group.task_ids.append(leak.task_id)
                group.ages.append(leak.age)
        return list(groups.values())

    def to_json(self) -> dict:
        """The leak report as JSON data (schema: docs/leak-report.md)."""
        never: dict = {}
        for item in self.never_awaited:
            never[(item.what, item.site)] = never.get((item.what, item.site), 0) + 1
        return {
            "version": 1,
            "summary": self.summary(),
            "leaks": [{
                "count": len(g.task_ids), "task_ids": g.task_ids, "name": g.name,
                "spawned_at": _site_json(g.site), "scope": g.scope,
                "ages": [round(a, 6) for a in g.ages], "waiting_on": g.waiting_on,
                "cancelled_by": g.cancelled_by,
            } for g in self.grouped_leaks()],
            "never_awaited": [{"count": n, "what": what, "site": _site_json(site)}
                              for (what, site), n in never.items()],
            "unobserved_failures": [{
                "task_id": u.task_id, "name": u.name, "spawned_at": _site_json(u.site),
                "error": u.error, "raised_at": _site_json(u.raised_at),
            } for u in self.unobserved],
            "blocked_channels": [{"channel": b.channel, "senders": b.senders,
                                  "receivers": b.receivers} for b in self.blocked_channels],
        }


@dataclass
class LeakGroup:
    """Leaks that differ only in task id and age."""

    name: str | None
    site: Site | None
    scope: str
    waiting_on: str | None
    cancelled_by: str
    task_ids: list
    ages: list


def _site_json(site: Site | None):
    if site is None:
        return None
    source = QUEST_SOURCES.get(site.file)
    text = source.line_text(site.line).strip() if source is not None else None
    return {"file": site.file, "line": site.line, "source": text}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# -- what a task waits on ------------------------------------------------------------------

# code object of a waiting operation -> describe(frame, now) -> (text, [channels])
WAITS: dict = {}


def describes(fn):
    """Register `describer(frame, now)` for the coroutine function `fn`."""
    def register(describer):
        WAITS[fn.__code__] = describer
        return describer
    return register


def quest_site(coro) -> Site | None:
    """The innermost Quest line in a suspended coroutine's await chain."""
    from .waits import frames

    site = None
    for frame in frames(coro):
        if frame.f_code.co_filename in QUEST_SOURCES:
            site = Site(frame.f_code.co_filename, frame.f_lineno)
    return site


def wait_of(coro, now: float, running=None):
    """(what a coroutine waits on in Quest terms, its Quest line, the
    channels it waits on).  `running` is the innermost frame of code running
    right now (a signal handler's), for a coroutine that is not suspended."""
    from .waits import frames

    if running is not None:
        line = _innermost_quest(running)
        if line is not None:
            return "running", line, []
    quest_line = None
    found = None
    for frame in frames(coro):
        code = frame.f_code
        if code.co_filename in QUEST_SOURCES:
            quest_line = Site(code.co_filename, frame.f_lineno)
        describer = WAITS.get(code)
        if describer is not None:
            found = describer(frame, now)
    if found is None:
        return (None if quest_line is None else "running"), quest_line, []
    text, channels = found
    return text, quest_line, channels


def _at_line(text, line, channels):
    """(``recv on channel ... at prog.q:9``, channels): a wait with its line."""
    if text is not None and line is not None:
        text = f"{text} at {line}"
    return text, channels


def _innermost_quest(frame) -> Site | None:
    while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
        frame = frame.f_back
    return None if frame is None else Site(frame.f_code.co_filename, frame.f_lineno)


def _waiting(task, now: float, running=None):
    """(what `task` waits on in Quest terms, the channels it waits on)."""
    if task.state == "pending":
        return "not started yet", []
    if task.state == "failed":      # nobody has observed it: what it failed with, and where
        err = task.error
        where = f" at {err.filename}:{err.line}" if err.line else ""
        return f"{err.type_name}: {err.reason}{where}", []
    coro = task.coro
    if coro is None or task.state != "running":
        return None, []
    return _at_line(*wait_of(coro, now, running))


def task_info(task, now: float, running=None) -> TaskInfo:
    waiting, _ = _waiting(task, now, running)
    return TaskInfo(task.id, task.name, task.state, site_of(task.site), task.scope.describe(),
                    now - task.started, waiting, task.cancelled_by)


def main_info(bridge, now: float, running=None) -> TaskInfo | None:
    """The main program as a row of the task tree (None once it has ended)."""
    main = bridge.main
    if main.coro is None or (running is None and getattr(main.coro, "cr_frame", None) is None):
        return None
    text, _ = _at_line(*wait_of(main.coro, now, running))
    return TaskInfo(None, None, "running", None, "the module", now - bridge.started, text,
                    None, main=True)


def live_tasks(bridge) -> list:
    """Every Quest task of the run that has not ended, in spawn order: those
    in Trio tasks of their own, the one whose first step runs now, and those
    the starter has not started yet."""
    from .deadlock import all_trio_tasks, task_coroutine
    from .task import Task

    found = list(bridge.starter.queue)
    if bridge.starter.current is not None:
        found.append(bridge.starter.current)
    main_code = Task.main.__code__
    for trio_task in all_trio_tasks():
        frame = getattr(task_coroutine(trio_task), "cr_frame", None)
        if frame is not None and frame.f_code is main_code:
            found.append(frame.f_locals["self"])
    found = [t for t in found if t.state in ("pending", "running")]
    found.extend(bridge.failures.unobserved())     # failed, and nobody has looked yet
    found.sort(key=lambda t: (t.id is None, t.id or 0))
    return found


def snapshot(bridge, frame=None, *, main: bool = True) -> tuple:
    """The task tree now: the main program's own row (unless `main` is
    false), then the scopes of the main program that own live tasks, each
    task with the scopes it runs that own live tasks, and so on.  `frame`
    is the innermost frame of the code running now (when a signal handler
    takes the snapshot): the running task's row shows its line."""
    from .task import CURRENT_TASK

    now = bridge.now()
    running = CURRENT_TASK.get() if frame is not None else None
    by_scope: dict = {}     # id(scope) -> (scope, [its live tasks])
    for t in live_tasks(bridge):
        by_scope.setdefault(id(t.scope), (t.scope, []))[1].append(t)
    scopes_of: dict = {}    # id(task), or None for the main task -> [scope]
    for scope, _ in by_scope.values():
        scopes_of.setdefault(None if scope.task is None else id(scope.task), []).append(scope)

    def scope_node(scope) -> ScopeNode:
        return ScopeNode(scope.describe(), tuple(task_node(t) for t in by_scope[id(scope)][1]))

    def task_node(t) -> TaskNode:
        info = task_info(t, now, frame if t is running else None)
        return TaskNode(info, tuple(scope_node(s) for s in scopes_of.get(id(t), ())))

    tree: list = []
    if main:
        info = main_info(bridge, now, frame if frame is not None and running is None else None)
        if info is not None:
            tree.append(TaskNode(info, ()))
    tree.extend(scope_node(s) for s in scopes_of.get(None, ()))
    return tuple(tree)
