"""Channels on Trio memory channels, and the lossless select (CONCURRENCY.md §5).

A channel is unbounded (``async.channel()``), bounded
(``capacity: n``) or a rendezvous (``capacity: 0``).  ``recv`` returns nil
once the channel is closed and drained, so nil cannot be sent.

Lossless select: racing ``receive()`` on several Trio channels and
cancelling the losers can lose values (a parked receiver may be handed a
value in the same batch as the winner).  So select first polls every
channel without blocking, from a random start; only when none is ready does
it race one receiver per channel, and every value a loser got is given back:
straight to a receiver parked on that channel (its buffer is then empty, so
order holds), else to the front of the channel's stash, which every receive
drains first.
"""

from __future__ import annotations

import math
import random
import sys
from collections import deque

import trio

from ..errors import TypeErr, ValueErr
from ..eval.values.exceptions import QUEST_SOURCES
from .diagnostics import BlockedChannel, describes
from .errors import ChannelClosedError


class Channel:
    __slots__ = ("send_side", "recv_side", "stash", "capacity", "closed", "site")
    _q_name = "Channel"

    def __init__(self, capacity: int | None = None) -> None:
        if capacity is not None and (capacity.__class__ is not int or capacity < 0):
            raise ValueErr(f"Channel capacity must be an Int >= 0, got {capacity!r}")
        size = math.inf if capacity is None else capacity
        self.send_side, self.recv_side = trio.open_memory_channel(size)
        self.stash: deque = deque()
        self.capacity = capacity
        self.closed = False
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename not in QUEST_SOURCES:
            frame = frame.f_back
        self.site = None if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"

    # -- sending ----------------------------------------------------------------------

    async def send(self, value) -> None:
        if value is None:
            raise ValueErr("Cannot send nil on a channel: nil means closed")
        if self.closed:
            raise ChannelClosedError("Cannot send on a closed channel")
        try:
            await self.send_side.send(value)
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            raise ChannelClosedError("Cannot send on a closed channel") from None

    def try_send(self, value) -> bool:
        if value is None:
            raise ValueErr("Cannot send nil on a channel: nil means closed")
        if self.closed:
            return False
        try:
            self.send_side.send_nowait(value)
            return True
        except (trio.WouldBlock, trio.ClosedResourceError, trio.BrokenResourceError):
            return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.send_side.close()

    # -- receiving ----------------------------------------------------------------------

    async def recv(self):
        if self.stash:
            await trio.lowlevel.checkpoint()
            return self.stash.popleft() if self.stash else await self.recv()
        try:
            return await self.recv_side.receive()
        except trio.EndOfChannel:
            return None

    def try_recv(self):
        if self.stash:
            return self.stash.popleft()
        try:
            return self.recv_side.receive_nowait()
        except (trio.WouldBlock, trio.EndOfChannel):
            return None

    def give_back(self, value) -> None:
        """Return a value a losing select receiver took (lossless select)."""
        stats = self.recv_side.statistics()
        if stats.tasks_waiting_receive and not self.stash:
            try:
                self.send_side.send_nowait(value)
                return
            except (trio.WouldBlock, trio.ClosedResourceError, trio.BrokenResourceError):
                pass
        self.stash.appendleft(value)

    def __len__(self) -> int:
        return len(self.stash) + self.recv_side.statistics().current_buffer_used

    def __aiter__(self):
        return self

    async def __anext__(self):
        """``for x in chan``: `recv` until the channel is closed and drained."""
        if self.stash:
            await trio.lowlevel.checkpoint()
            if self.stash:
                return self.stash.popleft()
        try:
            return await self.recv_side.receive()
        except trio.EndOfChannel:
            raise StopAsyncIteration from None

    def describe(self) -> str:
        cap = "unbounded" if self.capacity is None else f"capacity {self.capacity}"
        return f"channel ({cap})" + (f" from {self.site}" if self.site else "")

    def blocked(self) -> BlockedChannel | None:
        """Who is blocked on it now, or None if nobody is."""
        stats = self.recv_side.statistics()
        if not (stats.tasks_waiting_send or stats.tasks_waiting_receive):
            return None
        return BlockedChannel(self.describe(), stats.tasks_waiting_send,
                              stats.tasks_waiting_receive)

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
        if seconds.__class__ not in (int, float):
            raise TypeErr("timeout_channel() expects a number of seconds")
        self.deadline = trio.current_time() + seconds

    async def recv(self):
        await trio.sleep_until(self.deadline)
        return True

    def _q_str(self) -> str:
        return "<TimeoutChannel>"


def _result(channels, index, value, closed) -> dict:
    return {"channel": channels[index], "value": value, "index": index, "closed": closed}


async def select(channels):
    """The first ready channel: ``{channel, value, index, closed}``."""
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
        if ch.stash:
            return {"channel": ch, "value": ch.stash.popleft(), "index": i, "closed": False}
        try:
            value = ch.recv_side.receive_nowait()
        except trio.WouldBlock:
            continue
        except trio.EndOfChannel:
            return {"channel": ch, "value": None, "index": i, "closed": True}
        return {"channel": ch, "value": value, "index": i, "closed": False}
    return await _race(channels)


async def _race(channels):
    deadline = math.inf
    timeout_index = None
    for i, ch in enumerate(channels):
        if ch.__class__ is TimeoutChannel and ch.deadline < deadline:
            deadline, timeout_index = ch.deadline, i
    winner: list = []
    extra: list = []
    async def receive(i, ch, cancel_scope):
        if ch.stash:  # given back by another select after this one polled
            value, closed = ch.stash.popleft(), False
        else:
            try:
                value = await ch.recv_side.receive()
                closed = False
            except trio.EndOfChannel:
                value, closed = None, True
        # No checkpoint between receive() returning and recording the value.
        if winner:
            if not closed:
                extra.append((ch, value))
        else:
            winner.append((i, value, closed))
            cancel_scope.cancel()

    delivered = False
    try:
        with trio.CancelScope(deadline=deadline) as timer:
            async with trio.open_nursery() as nursery:
                for i, ch in enumerate(channels):
                    if ch.__class__ is Channel:
                        nursery.start_soon(receive, i, ch, nursery.cancel_scope)
        delivered = True
    finally:
        if not delivered and winner and not winner[0][2]:
            # The select itself was cancelled after a value arrived: keep it.
            extra.insert(0, (channels[winner[0][0]], winner[0][1]))
        for ch, value in extra:
            ch.give_back(value)
    if winner:
        i, value, closed = winner[0]
        return _result(channels, i, value, closed)
    if timer.cancelled_caught and timeout_index is not None:
        return _result(channels, timeout_index, True, False)
    raise RuntimeError("select ended without a ready channel")  # unreachable


@describes(Channel.send)
def _sending(frame, now):
    channel = frame.f_locals["self"]
    return f"send on {channel.describe()}", [channel]


@describes(Channel.recv)
def _receiving(frame, now):
    channel = frame.f_locals["self"]
    return f"recv on {channel.describe()}", [channel]


@describes(_race)
def _selecting(frame, now):
    channels = [ch for ch in frame.f_locals["channels"] if ch.__class__ is Channel]
    text = "select on " + ", ".join(ch.describe() for ch in channels)
    return text, channels
