let results = await async.try_join_all([task1, task2, task3])
puts(f"{results.ok.len()} succeeded, {results.err.len()} failed")
