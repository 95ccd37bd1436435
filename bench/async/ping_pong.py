# 100,000-message ping-pong between two tasks over two channels, in raw Trio
import math
import trio


async def main():
    ping_send, ping_recv = trio.open_memory_channel(math.inf)
    pong_send, pong_recv = trio.open_memory_channel(math.inf)
    n = 100000

    async def echo():
        async for msg in ping_recv:
            await pong_send.send(msg + 1)

    total = 0
    async with trio.open_nursery() as nursery:
        nursery.start_soon(echo)
        for i in range(n):
            await ping_send.send(i)
            total += await pong_recv.receive()
        await ping_send.aclose()
    print(total)


trio.run(main)
