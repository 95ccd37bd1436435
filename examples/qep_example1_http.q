# QEP-027 Example 1: Concurrent HTTP Requests.
# The machines here have no internet: https://api.example.com becomes the
# local service of examples/api_server.q, at the URL in QUEST_API_URL.

use "std/os"
let API = os.getenv("QUEST_API_URL") ?: "http://127.0.0.1:8081"

use "std/async"
use "std/http/client"

async fun fetch_user(id)
    let response = await http.get(f"{API}/users/{id}")
    await response.json()
end

async fun fetch_all_users()
    let user_ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

    # Launch all requests concurrently
    let tasks = user_ids.map(fun (id)
        async.spawn(fun () fetch_user(id) end)
    end)

    # Wait for all to complete
    let users = await async.join_all(tasks)
    puts(f"Fetched {users.len()} users")
    users
end

# Run from REPL or main
async.block_on(fun () fetch_all_users() end)
