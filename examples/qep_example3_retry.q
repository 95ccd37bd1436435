# QEP-027 Example 3: Timeout and Retry Logic.
# The machines here have no internet: https://slow-api.example.com becomes
# the local service of examples/api_server.q, at the URL in QUEST_API_URL;
# its /data is slow (10 s) for the first request, so one retry shows.

use "std/os"
let API = os.getenv("QUEST_API_URL") ?: "http://127.0.0.1:8081"

use "std/async"
use "std/http/client"

async fun fetch_with_retry(url, max_attempts: 3)
    let attempt = 0

    while attempt < max_attempts
        try
            # Try with 5 second timeout
            let response = await async.timeout(http.get(url), 5)
            return await response.text()
        catch async.TimeoutError
            attempt = attempt + 1
            if attempt < max_attempts
                puts(f"Timeout, retrying ({attempt}/{max_attempts})...")
                await async.sleep(1)
            else
                raise "Max retries exceeded"
            end
        catch e
            puts(f"Error: {e.message()}")
            raise e
        end
    end
end

# Usage
async fun main()
    let data = await fetch_with_retry(f"{API}/data")
    puts(data)
end

async.block_on(fun () main() end)
