use "std/async"
let lock = async.Lock()
let go = async.Event()
async fun holder()
    async with lock
        await go.wait()
    end
end
async.spawn(holder, name: "holder")
await async.sleep(0.1)
await lock.acquire()
puts("never printed")
