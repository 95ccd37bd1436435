# 100,000 tasks sleeping at once (peak memory), in raw Trio
import trio


async def main():
    n = 100000
    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(trio.sleep, 10)
        await trio.sleep(1)
        print(n, "sleeping")
        nursery.cancel_scope.cancel()


trio.run(main)
