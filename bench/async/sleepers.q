# 100,000 tasks sleeping at once (peak memory)
use "std/async"

let n = 100000
for i in 0 until n
    async.spawn(fun ()
        await async.sleep(10)
    end)
end
await async.sleep(1)
puts(n, " sleeping")
