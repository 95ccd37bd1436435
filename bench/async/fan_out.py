# 1 producer, 8 consumers, a channel of capacity 100, 200,000 messages, in raw Trio
import trio


async def main():
    send, recv = trio.open_memory_channel(100)
    results = []

    async def consume():
        count = 0
        total = 0
        async for msg in recv:
            count += 1
            total += msg
        results.append((count, total))

    async with trio.open_nursery() as nursery:
        for _ in range(8):
            nursery.start_soon(consume)
        for i in range(200000):
            await send.send(i)
        await send.aclose()
    print(sum(r[0] for r in results), sum(r[1] for r in results))


trio.run(main)
