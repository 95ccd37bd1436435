# QEP-027 Example 7: Simple Web Server.
# The QEP leaves fetch_all_users and json undefined: json is std/encoding/json,
# and fetch_all_users reads an in-memory SQLite database, defined here.
#   trioquest examples/qep_example7_server.q &
#   curl http://127.0.0.1:8080/users

use "std/encoding/json"
use "std/db/sqlite"

let users_db = await sqlite.connect(":memory:")
await users_db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
for name in ["Ada", "Grace", "Alan"]
    await users_db.execute("INSERT INTO users (name) VALUES (?)", [name])
end

async fun fetch_all_users()
    await users_db.fetch_all("SELECT id, name FROM users ORDER BY id")
end

use "std/async"
use "std/http/server"  # Hypothetical async server module

async fun handle_request(request)
    if request.path == "/"
        {"status": 200, "body": "Hello, World!"}
    elif request.path == "/users"
        # Fetch from database asynchronously
        let users = await fetch_all_users()
        {"status": 200, "body": json.stringify(users)}
    else
        {"status": 404, "body": "Not Found"}
    end
end

async fun main()
    let server = http.server("127.0.0.1:8080")
    puts("Server listening on http://127.0.0.1:8080")

    # Accept connections concurrently
    while true
        let request = await server.accept()

        # Handle each request in separate task
        async.spawn(fun ()
            let response = await handle_request(request)
            await request.send_response(response)
        end)
    end
end

async.block_on(fun () main() end)
