# spawn + join of 20,000 tasks, in raw Trio
import functools
import trio


async def work(i):
    return i * 2


async def main():
    results = [None] * 20000

    async def run(k, fn):
        results[k] = await fn()

    async with trio.open_nursery() as nursery:
        for i in range(20000):
            nursery.start_soon(run, i, functools.partial(work, i))
    print(len(results), results[0], results[19999])


trio.run(main)
