# QEP-027 Example 7 with only the "/" route: the accept + spawn loop, as written.
# bench/io/run_http.py starts it with BENCH_PORT set and loads it with wrk.
use "std/async"
use "std/os"
use "std/http/server"

async fun handle_request(request)
    if request.path == "/"
        {"status": 200, "body": "Hello, World!"}
    else
        {"status": 404, "body": "Not Found"}
    end
end

async fun main()
    let server = http.server("127.0.0.1:" .. os.getenv("BENCH_PORT", "8080"))
    puts("Server listening on http://" .. server.address())

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
