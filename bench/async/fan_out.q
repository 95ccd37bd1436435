# 1 producer, 8 consumers, a channel of capacity 100, 200,000 messages
use "std/async"

let ch = async.channel(capacity: 100)

async fun consume()
    let count = 0
    let sum = 0
    for msg in ch
        count = count + 1
        sum = sum + msg
    end
    [count, sum]
end

let consumers = []
for c in 0 until 8
    consumers.push(async.spawn(fun () consume() end))
end
for i in 0 until 200000
    await ch.send(i)
end
ch.close()
let results = await async.join_all(consumers)
puts(results.reduce(fun (a, r) a + r[0] end, 0), " ", results.reduce(fun (a, r) a + r[1] end, 0))
