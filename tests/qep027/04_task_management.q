use "std/async"

# Spawn a task (runs in background)
async.spawn(fun ()
    await long_running_operation()
end)

# Spawn and get handle
let task = async.spawn(fun ()
    await fetch_data()
end)

# Wait for task completion
let result = await task

# Check task status
if task.is_finished()
    let result = task.try_unwrap()  # Get result without blocking
end

# Cancel task
task.cancel()
if await task.is_cancelled()
    puts("Task was cancelled")
end

# Spawn with name (for debugging)
let task = async.spawn(fun () work() end, name: "worker-1")
