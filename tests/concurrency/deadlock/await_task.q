use "std/async"
let ch = async.channel()
let reader = async.spawn(fun () await ch.recv() end, name: "reader")
try
    puts("waiting")
    await reader
ensure
    puts("ensure ran")
end
