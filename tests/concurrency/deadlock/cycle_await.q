use "std/async"
# a and b await each other while a ticker still runs: the cycle is reported
# at once, not when the program ends.
let tasks = {}
let a = async.spawn(fun () await tasks["b"] end, name: "a")
let b = async.spawn(fun () await async.yield_now() await tasks["a"] end, name: "b")
tasks["a"] = a
tasks["b"] = b
let ticker = async.spawn(fun ()
    for i in 1 to 3
        await async.sleep(0.1)
        puts("tick " .. i.str())
    end
end, name: "ticker")
await ticker
try
    await b
catch e
    puts("b: " .. e.type() .. ": " .. e.message())
end
try
    await a
catch e
    puts("a: " .. e.type() .. ": " .. e.message())
end
