# A small HTTP service for QEP-027 Examples 1 and 3, written with
# std/http/server (the machines here have no internet, so the examples talk
# to this instead of api.example.com):
#   GET /users/{id}  a user as JSON: {"id": 3, "name": "Alan", "email": "alan@example.com"}
#   GET /data        a text, after SLOW_SECONDS for the first `slow_requests`
#                    requests: Example 3's timeout and retry shows once
#   anything else    404
# examples/api_server.q runs it; the example tests use it as a module.

use "std/async"

let NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara",
             "Donald", "Margaret", "Dennis", "Ken", "Frances"]
const SLOW_SECONDS = 10
let slow_requests = 1

pub fun slow_first(n)
    slow_requests = n
end

fun user(id)
    let name = NAMES[(id - 1) % NAMES.len()]
    {"id": id, "name": name, "email": name.lower() .. "@example.com"}
end

pub async fun handle(request)
    let parts = request.path.split("/")
    if request.method != "GET"
        {"status": 405, "body": "Method Not Allowed"}
    elif parts.len() == 3 and parts[1] == "users" and parts[2].isdigit()
        {"status": 200, "body": user(parts[2].to_int())}
    elif request.path == "/data"
        if slow_requests > 0
            slow_requests = slow_requests - 1
            await async.sleep(SLOW_SECONDS)
        end
        {"status": 200, "body": "the data you asked for"}
    else
        {"status": 404, "body": "Not Found"}
    end
end

# Answer requests until the server is closed.
pub async fun serve(server)
    await server.serve(handle)
end
