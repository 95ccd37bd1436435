use "std/async"
# A worker pool whose author forgot to close the jobs channel: the workers
# wait for more jobs, the main program waits for a fourth result.
let jobs = async.channel()
let results = async.channel()
async fun worker(n)
    for job in jobs
        await results.send(job * 10)
    end
end
for n in 1 to 2
    async.spawn(fun () worker(n) end, name: "worker-" .. n.str())
end
for job in 1 to 3
    await jobs.send(job)
end
let count = 0
for r in results
    count = count + 1
    puts("results: " .. count.str())
end
