let msg = await async.select([chan1, chan2, chan3])
puts(f"Received from channel {msg.index}: {msg.value}")
