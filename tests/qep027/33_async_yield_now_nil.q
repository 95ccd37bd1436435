await async.yield_now()
