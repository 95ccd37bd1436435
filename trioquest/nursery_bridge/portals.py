"""Whether tasks need greenback portals (CONCURRENCY.md §6).

Sync code can suspend its task (``async.block_on`` called from a sync
function) only in a task that has a greenback portal, and a portal costs
every suspension of its task.  So the compiler marks the modules that call
block_on from sync functions, and only while such a module is loaded do new
tasks (and the main task, from its next ``use``) get portals.  Trio-free, so
that sync programs do not import Trio for it.
"""

from __future__ import annotations

PORTALS = [False]


def need_portals() -> None:
    PORTALS[0] = True


def reset() -> None:
    """A new program starts: no module of it is loaded yet."""
    PORTALS[0] = False
