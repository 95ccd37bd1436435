"""Readable text form of a Quest AST (``trioquest check --ast``).

One node per line, indented by depth, with its scalar fields inline and its
span at the end; fields still at their default value are left out::

    Program @2:1-2:12
      body[0]: Let @2:1-2:12
        bindings[0]: Binding name='x' @2:5-2:12
          value: Int value=42 @2:9-2:11

The walk is iterative, so arbitrarily deep trees print without recursion.
"""

from __future__ import annotations

from .nodes import Node


def dump(node: Node, *, positions: bool = True) -> str:
    lines: list[str] = []
    stack: list[tuple[int, str, Node]] = [(0, "", node)]
    while stack:
        depth, label, current = stack.pop()
        scalars, kids = _split(current)
        text = "  " * depth + label + type(current).__name__
        if scalars:
            text += " " + " ".join(scalars)
        if positions:
            text += f" @{current.line}:{current.col}-{current.end_line}:{current.end_col}"
        lines.append(text)
        stack.extend((depth + 1, kid_label, kid) for kid_label, kid in reversed(kids))
    return "\n".join(lines)


def _split(node: Node):
    """(inline 'name=value' strings, [(label, child node)]) of a node's fields."""
    scalars: list[str] = []
    kids: list[tuple[str, Node]] = []
    defaults = type(node)._defaults
    for name in node._fields:
        value = getattr(node, name)
        if name in defaults and value == defaults[name] and not isinstance(value, Node):
            continue
        if isinstance(value, Node):
            kids.append((f"{name}: ", value))
        elif isinstance(value, tuple) and _has_nodes(value):
            _collect(name, value, kids)
        else:
            scalars.append(f"{name}={value!r}")
    return scalars, kids


def _has_nodes(value) -> bool:
    return any(isinstance(v, Node) or (isinstance(v, tuple) and _has_nodes(v)) for v in value)


def _collect(label: str, items: tuple, kids: list) -> None:
    for i, item in enumerate(items):
        if isinstance(item, tuple):
            _collect(f"{label}[{i}]", item, kids)
        else:
            kids.append((f"{label}[{i}]: ", item))
