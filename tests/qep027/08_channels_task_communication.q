use "std/async"

# Create unbounded channel
let channel = async.channel()

# Spawn producer
async.spawn(fun ()
    let i = 0
    while i < 10
        await channel.send(i)
        await async.sleep(0.1)
        i = i + 1
    end
    channel.close()
end)

# Spawn consumer
async.spawn(fun ()
    while true
        let msg = await channel.recv()
        if msg == nil  # Channel closed
            break
        end
        puts(f"Received: {msg}")
    end
end)

# Bounded channel (blocks when full)
let channel = async.channel(capacity: 10)
