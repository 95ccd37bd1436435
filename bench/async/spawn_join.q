# spawn + join of 20,000 tasks
use "std/async"

async fun work(i)
    i * 2
end

let tasks = []
for i in 0 until 20000
    tasks.push(async.spawn(fun () work(i) end))
end
let results = await async.join_all(tasks)
puts(results.len(), " ", results[0], " ", results[19999])
