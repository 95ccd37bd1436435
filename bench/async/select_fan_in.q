# a consumer selecting 150,000 messages from 3 producers
use "std/async"

let chans = [async.channel(), async.channel(), async.channel()]
for k in 0 until 3
    let ch = chans[k]
    async.spawn(fun ()
        for i in 0 until 50000
            await ch.send(i)
        end
        ch.close()
    end)
end

let open = 3
let count = 0
let sum = 0
while open > 0
    let msg = await async.select(chans)
    if msg.closed
        open = open - 1
        chans = chans.filter(fun (c) c != msg.channel end)
    else
        count = count + 1
        sum = sum + msg.value
    end
end
puts(count, " ", sum)
