# 100,000-message ping-pong between two tasks over two channels
use "std/async"

let ping = async.channel()
let pong = async.channel()
let n = 100000

let echo = async.spawn(fun ()
    for msg in ping
        await pong.send(msg + 1)
    end
end)

let total = 0
for i in 0 until n
    await ping.send(i)
    total = total + await pong.recv()
end
ping.close()
await echo
puts(total)
