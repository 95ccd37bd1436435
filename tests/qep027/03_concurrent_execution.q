use "std/async"

# Run multiple async operations concurrently
async fun fetch_all_users()
    let ids = [1, 2, 3, 4, 5]

    # Launch all requests concurrently
    let tasks = ids.map(fun (id) async.spawn(fun () fetch_user(id) end) end)

    # Wait for all to complete
    let users = await async.join_all(tasks)
    users
end

# Race multiple operations (return first to complete)
async fun fetch_with_fallback()
    let primary = async.spawn(fun () fetch_from_primary() end)
    let backup = async.spawn(fun () fetch_from_backup() end)

    # Returns result of whichever completes first
    let result = await async.race([primary, backup])
    result
end
