let result = await async.race_ok([
    async.spawn(fun () fetch_from_primary() end),
    async.spawn(fun () fetch_from_backup() end)
])
