let task = async.spawn(fun ()
    await long_operation()
end, name: "worker-1")
