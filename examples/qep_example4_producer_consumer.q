# QEP-027 Example 4: Producer-Consumer Pattern (as written in the QEP).

use "std/async"

async fun producer(channel, items)
    let i = 0
    while i < items.len()
        let item = items[i]
        puts(f"Producing: {item}")
        await channel.send(item)
        await async.sleep(0.5)
        i = i + 1
    end
    channel.close()
    puts("Producer finished")
end

async fun consumer(channel, id)
    while true
        let item = await channel.recv()
        if item == nil
            break
        end
        puts(f"Consumer {id} processing: {item}")
        await async.sleep(1)  # Simulate work
    end
    puts(f"Consumer {id} finished")
end

async fun main()
    let channel = async.channel()
    let items = ["task1", "task2", "task3", "task4", "task5"]

    # Spawn producer
    async.spawn(fun () producer(channel, items) end)

    # Spawn multiple consumers
    let consumers = [
        async.spawn(fun () consumer(channel, 1) end),
        async.spawn(fun () consumer(channel, 2) end),
        async.spawn(fun () consumer(channel, 3) end)
    ]

    # Wait for all consumers
    await async.join_all(consumers)
    puts("All done!")
end

async.block_on(fun () main() end)
