# From synchronous context
let result = async.block_on(fun ()
    await fetch_data()
end)
