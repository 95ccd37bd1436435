use "std/async"
let ch = async.channel(capacity: 0)
try
    await ch.send("nobody listens")
catch e: async.DeadlockError
    puts("caught: " .. e.message())
end
puts("the program goes on")
