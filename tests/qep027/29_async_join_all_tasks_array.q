let results = await async.join_all([task1, task2, task3])
