"""Running the compiler's recursive passes without Python recursion.

Quest programs nest without limit (2,000-term sums, hundreds of nested
lambdas), but Python's recursion limit is about a thousand frames.  The
resolver and the compiler are therefore written as generators: where a
visit method would call itself on a child, it *yields* the child's
generator instead (``body = yield self.block(...)``) and receives the result;
the compiler may also yield a Quest expression node, which `drive` compiles
through the compiler's ``e_<Node>`` methods.  `drive` keeps the pending
generators on a list, so depth costs memory, not Python frames.

Exceptions raised inside a child are thrown into its parent at the
``yield``, so ``try``/``finally`` in visit methods behave as with calls.
"""

from __future__ import annotations

from types import GeneratorType


def drive(root, on_node=None, on_value=None):
    """Run generator `root` to its result.  A yielded generator runs to its
    result, which is sent back; any other yielded object (a Quest node) is
    given to ``on_node``, whose result (a value, or a generator run in turn)
    passes through ``on_value(node, result)`` before it is sent back."""
    stack = [root]
    nodes = [None]
    value = error = None
    while True:
        gen = stack[-1]
        try:
            request = gen.send(value) if error is None else gen.throw(error)
        except StopIteration as stop:
            stack.pop()
            node = nodes.pop()
            value, error = stop.value, None
            if node is not None:
                value = on_value(node, value)
            if not stack:
                return value
            continue
        except BaseException as exc:
            stack.pop()
            nodes.pop()
            if not stack:
                raise
            value, error = None, exc
            continue
        error = None
        if request.__class__ is GeneratorType:
            stack.append(request)
            nodes.append(None)
            value = None
            continue
        result = on_node(request)
        if result.__class__ is GeneratorType:
            stack.append(result)
            nodes.append(request)
            value = None
        else:
            value = on_value(request, result)
