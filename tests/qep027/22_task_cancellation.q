async fun long_task()
    let i = 0
    while i < 1000000
        if async.is_cancelled()
            puts("Task cancelled")
            return nil
        end

        # Do work
        compute(i)

        if i % 1000 == 0
            await async.yield_now()  # Cancellation check point
        end

        i = i + 1
    end
end
