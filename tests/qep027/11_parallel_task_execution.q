use "std/async"

# Join all - wait for all tasks, fail if any fails
let results = await async.join_all([
    async.spawn(fun () task1() end),
    async.spawn(fun () task2() end),
    async.spawn(fun () task3() end)
])
# returns: [result1, result2, result3]

# Try join all - wait for all, collect successes and failures
let results = await async.try_join_all([
    async.spawn(fun () task1() end),
    async.spawn(fun () task2() end),
    async.spawn(fun () task3() end)
])
# returns: {ok: [result1, result3], err: [error2]}

# Race - return first to complete, cancel others
let winner = await async.race([
    async.spawn(fun () fetch_from_server1() end),
    async.spawn(fun () fetch_from_server2() end),
    async.spawn(fun () fetch_from_server3() end)
])
# returns: first successful result

# Race ok - return first successful result
let result = await async.race_ok([
    async.spawn(fun () might_fail1() end),
    async.spawn(fun () might_fail2() end)
])
# returns: first Ok result (ignores failures)
