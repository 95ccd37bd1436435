use "std/async"

async fun cooperative_task()
    let i = 0
    while i < 1000000
        # Do some work
        compute(i)

        # Yield to other tasks periodically
        if i % 1000 == 0
            await async.yield_now()
        end

        i = i + 1
    end
end

# Block on async function from sync context
fun main()
    # Blocks current thread until async function completes
    let result = async.block_on(fun () fetch_data() end)
    puts(result)
end
