# a consumer selecting 150,000 messages from 3 producers, in raw Trio.  Trio has
# no select: this is the smallest lossless one (poll from a random start, else
# race receivers and give back what the losers took), the algorithm std/async uses.
import math
import random
import trio


async def select(recvs, stash):
    await trio.lowlevel.checkpoint()
    n = len(recvs)
    start = random.randrange(n)
    for k in range(n):
        i = (start + k) % n
        if stash[i]:
            return i, stash[i].pop(0), False
        try:
            return i, recvs[i].receive_nowait(), False
        except trio.WouldBlock:
            pass
        except trio.EndOfChannel:
            return i, None, True
    winner = []

    async def receive(i, cancel_scope):
        try:
            value, closed = await recvs[i].receive(), False
        except trio.EndOfChannel:
            value, closed = None, True
        if winner:
            if not closed:
                stash[i].insert(0, value)
        else:
            winner.append((i, value, closed))
            cancel_scope.cancel()

    async with trio.open_nursery() as nursery:
        for i in range(n):
            nursery.start_soon(receive, i, nursery.cancel_scope)
    return winner[0]


async def main():
    chans = [trio.open_memory_channel(math.inf) for _ in range(3)]

    async def produce(send):
        for i in range(50000):
            await send.send(i)
        await send.aclose()

    async with trio.open_nursery() as nursery:
        for send, _ in chans:
            nursery.start_soon(produce, send)
        recvs = [recv for _, recv in chans]
        stash = [[] for _ in recvs]
        count = total = 0
        while recvs:
            i, value, closed = await select(recvs, stash)
            if closed:
                del recvs[i], stash[i]
            else:
                count += 1
                total += value
        print(count, total)


trio.run(main)
