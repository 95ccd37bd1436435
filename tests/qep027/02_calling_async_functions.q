# Must await async functions
async fun main()
    let user = await fetch_user(123)
    puts(user.name)
end

# Can spawn as background task
let task = async.spawn(fun () fetch_user(123) end)
# Do other work...
let user = await task
