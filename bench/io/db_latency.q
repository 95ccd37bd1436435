# Query latency of a primary-key lookup, in Quest (run by bench/io/db_latency.py):
#     trioquest bench/io/db_latency.q BACKEND URL N TASKS MODE
# BACKEND sqlite|postgres; TASKS 1: one connection, N lookups in a row;
# TASKS > 1: a pool of TASKS connections, TASKS tasks sharing the N lookups,
# MODE "held" (each task borrows one connection for its lookups) or "per_query"
# (each lookup is pool.fetch_one, borrowing a connection for that one query).
# Prints "us_per_query=..." (wall time / N, after a warm-up).
use "std/async"
use "std/sys"
use "std/db/sqlite"
use "std/db/postgres"

let backend = sys.argv[1]
let url = sys.argv[2]
let n = sys.argv[3].to_int()
let tasks = sys.argv[4].to_int()
let mode = sys.argv[5]
let db = {"sqlite": sqlite, "postgres": postgres}[backend]
let sql = "SELECT id, name, email FROM users WHERE id = " .. {"sqlite": "?", "postgres": "$1"}[backend]
const ROWS = 2000

async fun lookups(c, first, count)
    let i = first
    while i < first + count
        let row = await c.fetch_one(sql, [i % ROWS + 1])
        if row["id"] != i % ROWS + 1
            raise "wrong row"
        end
        i += 1
    end
end

async fun run_all(pool, count)
    let per_task = count / tasks
    let all = []
    for t in 0 until tasks
        all.push(async.spawn(fun ()
            if mode == "held"
                async with pool.connection() as c
                    await lookups(c, t * per_task, per_task)
                end
            else
                await lookups(pool, t * per_task, per_task)
            end
        end))
    end
    await async.join_all(all)
    per_task * tasks
end

if tasks == 1
    let c = await db.connect(url)
    await lookups(c, 0, 200)
    let t0 = async.now()
    await lookups(c, 0, n)
    let elapsed = async.now() - t0
    await c.close()
    puts("us_per_query=", elapsed / n * 1000000)
else
    let pool = db.pool(url, size: tasks)
    await run_all(pool, tasks * 20)
    let t0 = async.now()
    let done = await run_all(pool, n)
    let elapsed = async.now() - t0
    await pool.close()
    puts("us_per_query=", elapsed / done * 1000000)
end
