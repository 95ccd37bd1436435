"""Rich rendering: uncaught errors, the task tree and the leak report.

The data comes from elsewhere (`eval.interpreter.uncaught_lines`,
`nursery_bridge.diagnostics`); this module only turns it into Rich
renderables.  Names and source text pass through `rich.markup.escape` (or
are plain `Text`), so a task called ``[bold]`` stays itself.  Imported only
when something is rendered (Rich costs ~0.1 s to import).  Error reports
are error_report.py's (re-exported here), so that std modules print them
without importing this module.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from rich.tree import Tree

from .error_report import ERROR_STYLES, error, print_error, stderr_console  # noqa: F401
from .eval.values.exceptions import QUEST_SOURCES


# -- the task tree -------------------------------------------------------------------------------


def _seconds(s: float) -> str:
    return f"{s:.1f}s" if s < 60 else f"{int(s // 60)}m{int(s % 60):02d}s"


def task_label(info) -> Text:
    """``task 3 "worker-1"  running  recv on ... at prog.q:9  age 1.0s  spawned at prog.q:4``"""
    text = Text()
    if info.main:   # the main program: what it waits on, nothing else
        text.append("main program", style="bold")
        text.append(f"  {info.waiting_on or 'running'}", style="yellow")
        return text
    text.append("task" if info.id is None else f"task {info.id}", style="bold")
    if info.name is not None:
        text.append(f' "{info.name}"', style="bold cyan")
    text.append(f"  {info.state}", style=_STATE_STYLES.get(info.state, ""))
    if info.waiting_on:
        text.append(f"  {info.waiting_on}", style="yellow")
    if info.cancelled_by:
        text.append(f"  (cancel requested by {info.cancelled_by})", style="red")
    text.append(f"  age {_seconds(info.age)}", style="dim")
    if info.site is not None:
        text.append(f"  spawned at {info.site}", style="dim")
    return text


_STATE_STYLES = {"running": "green", "pending": "blue", "finished": "dim",
                 "failed": "bold red", "cancelled": "red"}


def task_tree(scopes, title: str = "tasks") -> Tree:
    """The task tree (`diagnostics.snapshot`) as a `rich.tree.Tree`."""
    tree = Tree(Text(title, style="bold"))
    if not scopes:
        tree.add(Text("no tasks running", style="dim"))

    def add_scope(parent, scope) -> None:
        branch = parent.add(Text(scope.label, style="magenta"))
        for node in scope.tasks:
            leaf = branch.add(task_label(node.task))
            for inner in node.scopes:
                add_scope(leaf, inner)

    for node in scopes:
        if hasattr(node, "task"):       # the main program's own row
            tree.add(task_label(node.task))
        else:
            add_scope(tree, node)
    return tree


# -- the leak report ------------------------------------------------------------------------------


def _source_line(site) -> Text | None:
    source = QUEST_SOURCES.get(site.file) if site is not None else None
    if source is None:
        return None
    line = source.line_text(site.line).strip()
    return Text(f"    {line}", style="dim") if line else None


def _with_source(head: Text, site) -> Group | Text:
    line = _source_line(site)
    return head if line is None else Group(head, line)


def _id_ranges(ids: list, most: int = 12) -> str:
    """``1, 2, 3, 7`` as ``1–3, 7``; past `most` pieces, the rest is counted."""
    pieces, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        if j - i >= 2:
            pieces.append(f"{ids[i]}\u2013{ids[j]}")
        else:
            pieces.extend(str(x) for x in ids[i:j + 1])
        i = j + 1
    if len(pieces) > most:
        pieces = pieces[:most] + [f"\u2026 ({len(pieces) - most} more)"]
    return ", ".join(pieces)


def leak_report(diagnostics) -> Group:
    """Everything `diagnostics` recorded, grouped (CONCURRENCY.md §7)."""
    parts = [Text(f"Task leak report: {diagnostics.summary() or 'nothing leaked'}",
                  style="bold")]
    groups = diagnostics.grouped_leaks()
    if groups:
        tree = Tree(Text(f"Tasks cancelled at scope exit ({len(diagnostics.leaks)})",
                         style="bold yellow"))
        for g in groups:
            head = Text()
            if len(g.task_ids) > 1:
                head.append(f"{len(g.task_ids)}× ", style="bold")
            ids = _id_ranges([i for i in g.task_ids if i is not None])
            head.append("tasks" if len(g.task_ids) > 1 else "task", style="bold")
            if ids or g.name is None:   # unnumbered and unnamed: a combinator's child
                head.append(" " + (ids or "of a combinator"), style="bold")
            if g.name is not None:
                head.append(f' "{g.name}"', style="bold cyan")
            if g.site is not None:
                head.append(f"  spawned at {g.site}")
            node = tree.add(_with_source(head, g.site))
            node.add(Text(f"in {g.scope}, after {_seconds(max(g.ages))}", style="dim"))
            if g.waiting_on:
                node.add(Text(f"was waiting: {g.waiting_on}", style="yellow"))
            node.add(Text(f"cancelled by {g.cancelled_by}", style="red"))
        parts.append(tree)
    if diagnostics.never_awaited:
        counts: dict = {}
        for item in diagnostics.never_awaited:
            counts[(item.what, item.site)] = counts.get((item.what, item.site), 0) + 1
        tree = Tree(Text(f"Never awaited ({len(diagnostics.never_awaited)})", style="bold yellow"))
        for (what, site), n in counts.items():
            head = Text(f"{n}× " if n > 1 else "", style="bold")
            head.append(what, style="bold")
            head.append(f"  at {site}" if site is not None else "  (dropped at the end)")
            tree.add(_with_source(head, site))
        parts.append(tree)
    if diagnostics.unobserved:
        tree = Tree(Text(f"Unobserved failures ({len(diagnostics.unobserved)})",
                         style="bold red"))
        for u in diagnostics.unobserved:
            head = Text(f"task {u.task_id}", style="bold")
            if u.name is not None:
                head.append(f' "{u.name}"', style="bold cyan")
            head.append(f": {u.error}", style="red")
            node = tree.add(head)
            if u.raised_at is not None:
                node.add(_with_source(Text(f"raised at {u.raised_at}"), u.raised_at))
            if u.site is not None:
                node.add(Text(f"spawned at {u.site}", style="dim"))
        parts.append(tree)
    if diagnostics.blocked_channels:
        tree = Tree(Text(f"Channels left with blocked tasks ({len(diagnostics.blocked_channels)})",
                         style="bold yellow"))
        for b in diagnostics.blocked_channels:
            tree.add(Text(f"{b.channel}: {_plural(b.senders, 'sender')}, "
                          f"{_plural(b.receivers, 'receiver')} blocked"))
        parts.append(tree)
    return Group(*parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def leak_summary(diagnostics) -> str:
    """The one line `--leaks=summary` prints when anything leaked."""
    return f"trioquest: {diagnostics.summary()} (--leaks=report shows them)"
