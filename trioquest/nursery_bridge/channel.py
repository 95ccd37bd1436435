"""Channels on Trio memory channels, and the lossless select (CONCURRENCY.md §5).

A channel is unbounded (``async.channel()``), bounded (``capacity: n``) or a
rendezvous (``capacity: 0``).  ``send``, ``recv`` and ``for x in chan`` are
the Trio memory channel's own operations; ``recv`` returns nil once the
channel is closed and drained, so nil cannot be sent.

Lossless select.  Racing ``receive()`` calls on several Trio channels and
cancelling the losers loses values, and giving the losers' values back to
the channel cannot keep FIFO order: while a loser holds a value, another
receiver can be handed the next one.  So a select never takes a value it
does not return:

1. fast path: poll every channel with ``receive_nowait``, from a random
   start (Go-style fairness); the first ready one wins.  This also takes a
   value from a sender parked on a rendezvous channel.
2. slow path: register one `_Selector` with every channel and park.  A
   sender hands its value straight to the first live selector of its channel
   (claiming it, in the sender's own step, so no second channel can), and
   only when there is none uses the Trio channel.  ``close()`` wakes the
   selectors with ``closed: true``.  A timeout or cancellation unregisters
   the selector before anything can claim it.

While a selector is registered the channel's buffer is empty (the fast path
found nothing, and later sends go to the selector), so values leave every
channel exactly once, oldest first.
"""

from __future__ import annotations

import math
import random
import sys
import trio

from ..errors import TypeErr, ValueErr
from ..eval.values.exceptions import QUEST_SOURCES
from ..eval.values.forms import type_name
from . import durations
from .diagnostics import BlockedChannel, describes
from .errors import ChannelClosedError
from .waits import in_memory


class _Selector:
    """One parked select: its task, and what woke it (index, value, closed)."""

    __slots__ = ("task", "claimed", "result")

    def __init__(self, task) -> None:
        self.task = task
        self.claimed = False
        self.result = None

    def wake(self, index: int, value, closed: bool) -> None:
        self.claimed = True
        self.result = (index, value, closed)
        trio.lowlevel.reschedule(self.task)


class Channel:
    __slots__ = ("send_side", "recv_side", "selectors", "capacity", "closed", "site")
    _q_name = "Channel"

    def __init__(self, capacity: int | None = None) -> None:
        if capacity is not None and (capacity.__class__ is not int or capacity < 0):
            raise ValueErr("Channel capacity must be an Int >= 0, got "
                           f"{capacity if capacity.__class__ is int else type_name(capacity)}")
        size = math.inf if capacity is None else capacity
        self.send_side, self.recv_side = trio.open_memory_channel(size)
        self.selectors: list = []           # (selector, index) of parked selects
        self.capacity = capacity
        self.closed = False
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
            frame = frame.f_back
        self.site = None if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"

    # -- sending ----------------------------------------------------------------------

    @in_memory()
    async def send(self, value) -> None:
        """Wait while full; a checkpoint.  Cancelled, it sends nothing."""
        if value is None:
            raise ValueErr("Cannot send nil on a channel: nil means closed")
        if self.closed:
            raise ChannelClosedError("Cannot send on a closed channel")
        if self.selectors:
            await trio.lowlevel.checkpoint_if_cancelled()
            if self._hand_over(value):
                await trio.lowlevel.cancel_shielded_checkpoint()
                return
        try:
            await self.send_side.send(value)
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            raise ChannelClosedError("Cannot send on a closed channel") from None

    def try_send(self, value) -> bool:
        if value is None:
            raise ValueErr("Cannot send nil on a channel: nil means closed")
        if self.closed:
            return False
        if self.selectors and self._hand_over(value):
            return True
        try:
            self.send_side.send_nowait(value)
            return True
        except (trio.WouldBlock, trio.ClosedResourceError, trio.BrokenResourceError):
            return False

    def _hand_over(self, value) -> bool:
        """Give `value` to the first parked select still waiting, if any."""
        selectors = self.selectors
        while selectors:
            selector, index = selectors.pop(0)
            if not selector.claimed:
                selector.wake(index, value, False)
                return True
        return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.send_side.close()
            selectors, self.selectors = self.selectors, []
            for selector, index in selectors:
                if not selector.claimed:
                    selector.wake(index, None, True)

    # -- receiving ----------------------------------------------------------------------

    @in_memory()
    async def recv(self):
        """Wait for a value; nil once closed and drained.  A checkpoint."""
        try:
            return await self.recv_side.receive()
        except trio.EndOfChannel:
            return None

    def try_recv(self):
        try:
            return self.recv_side.receive_nowait()
        except (trio.WouldBlock, trio.EndOfChannel):
            return None

    def __len__(self) -> int:
        return self.recv_side.statistics().current_buffer_used

    def __aiter__(self):
        return self

    @in_memory()
    async def __anext__(self):
        """``for x in chan``: `recv` until the channel is closed and drained."""
        try:
            return await self.recv_side.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None

    # -- diagnostics --------------------------------------------------------------------------

    def describe(self) -> str:
        cap = "unbounded" if self.capacity is None else f"capacity {self.capacity}"
        return f"channel ({cap})" + (f" from {self.site}" if self.site else "")

    def blocked(self) -> BlockedChannel | None:
        """Who is blocked on it now, or None if nobody is."""
        stats = self.recv_side.statistics()
        selecting = sum(1 for selector, _ in self.selectors if not selector.claimed)
        if not (stats.tasks_waiting_send or stats.tasks_waiting_receive or selecting):
            return None
        return BlockedChannel(self.describe(), stats.tasks_waiting_send,
                              stats.tasks_waiting_receive + selecting)

    def _q_str(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Channel {'unbounded' if self.capacity is None else self.capacity} {state}>"


class TimeoutChannel:
    """``async.timeout_channel(secs)``: ready (value true) once `secs` passed.

    It is not a real channel: select folds it into its own deadline, so no
    helper task exists that could leak.
    """

    __slots__ = ("deadline",)
    _q_name = "TimeoutChannel"

    def __init__(self, seconds) -> None:
        self.deadline = trio.current_time() + durations.seconds(seconds,
                                                                "async.timeout_channel()")

    @in_memory()
    async def recv(self):
        await trio.sleep_until(self.deadline)
        return True

    def _q_str(self) -> str:
        return "<TimeoutChannel>"


async def select(channels):
    """``await async.select(chans)``: the first ready channel, as
    ``{channel, value, index, closed}``.  A checkpoint; cancelled, it takes
    nothing from any channel."""
    if channels.__class__ is not list or not channels:
        raise TypeErr("select() expects a non-empty Array of channels")
    for ch in channels:
        if ch.__class__ is not Channel and ch.__class__ is not TimeoutChannel:
            from ..eval.values.forms import type_name

            raise TypeErr(f"select() expects channels, got {type_name(ch)}")
    await trio.lowlevel.checkpoint()
    n = len(channels)
    start = random.randrange(n) if n > 1 else 0
    now = None
    for k in range(n):
        i = start + k
        if i >= n:
            i -= n
        ch = channels[i]
        if ch.__class__ is TimeoutChannel:
            now = trio.current_time() if now is None else now
            if now >= ch.deadline:
                return {"channel": ch, "value": True, "index": i, "closed": False}
            continue
        try:
            value = ch.recv_side.receive_nowait()
        except trio.WouldBlock:
            continue
        except trio.EndOfChannel:
            return {"channel": ch, "value": None, "index": i, "closed": True}
        return {"channel": ch, "value": value, "index": i, "closed": False}
    return await _park(channels)


@in_memory()
async def _park(channels):
    """The slow path: wait until a sender, a close or the deadline wakes us."""
    deadline = math.inf
    timeout_index = None
    selector = _Selector(trio.lowlevel.current_task())
    for i, ch in enumerate(channels):
        if ch.__class__ is TimeoutChannel:
            if ch.deadline < deadline:
                deadline, timeout_index = ch.deadline, i
        else:
            ch.selectors.append((selector, i))

    def abort(raise_cancel):
        selector.claimed = True         # nothing can hand us a value any more
        return trio.lowlevel.Abort.SUCCEEDED

    try:
        if timeout_index is None:
            await trio.lowlevel.wait_task_rescheduled(abort)
        else:
            with trio.CancelScope(deadline=deadline):
                await trio.lowlevel.wait_task_rescheduled(abort)
    finally:
        selector.claimed = True
        for i, ch in enumerate(channels):
            if ch.__class__ is Channel:
                try:
                    ch.selectors.remove((selector, i))
                except ValueError:
                    pass                # the sender or close() that woke us took it
    if selector.result is None:         # the deadline passed
        return {"channel": channels[timeout_index], "value": True, "index": timeout_index,
                "closed": False}
    i, value, closed = selector.result
    return {"channel": channels[i], "value": value, "index": i, "closed": closed}


@describes(Channel.send)
def _sending(frame, now):
    channel = frame.f_locals["self"]
    return f"send on {channel.describe()}", [channel]


@describes(Channel.recv)
def _receiving(frame, now):
    channel = frame.f_locals["self"]
    return f"recv on {channel.describe()}", [channel]


@describes(Channel.__anext__)
def _iterating(frame, now):
    channel = frame.f_locals["self"]
    return f"for-in on {channel.describe()}", [channel]


@describes(_park)
def _selecting(frame, now):
    channels = [ch for ch in frame.f_locals["channels"] if ch.__class__ is Channel]
    return "select on " + ", ".join(ch.describe() for ch in channels), channels
