use "std/async"

# Timeout on single operation
async fun fetch_with_timeout()
    try
        let result = await async.timeout(fetch_data(), 5)  # 5 seconds
        result
    catch async.TimeoutError as e
        puts("Operation timed out after 5 seconds")
        nil
    end
end

# Timeout on multiple operations
let tasks = [task1, task2, task3]
let results = await async.timeout(async.join_all(tasks), 10)
