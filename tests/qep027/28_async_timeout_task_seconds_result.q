try
    let result = await async.timeout(fetch_data(), 5)
catch async.TimeoutError
    puts("Timeout!")
end
