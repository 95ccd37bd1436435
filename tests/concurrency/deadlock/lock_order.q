use "std/async"
let first = async.Lock()
let second = async.Lock()
async fun forward()
    async with first
        await async.sleep(0.1)
        async with second
            puts("forward has both")
        end
    end
end
async fun backward()
    async with second
        await async.sleep(0.2)
        async with first
            puts("backward has both")
        end
    end
end
let f = async.spawn(forward, name: "forward")
let b = async.spawn(backward, name: "backward")
let ticker = async.spawn(fun () await async.sleep(0.5) puts("ticker done") end, name: "ticker")
await ticker
puts(f.state())
puts(b.state())
