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
