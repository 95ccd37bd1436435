let winner = await async.race([task1, task2, task3])
