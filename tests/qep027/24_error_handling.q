let task = async.spawn(fun ()
    raise "Panic in task"
end)

try
    await task
catch e
    puts("Task panicked: " .. e.message())
end
