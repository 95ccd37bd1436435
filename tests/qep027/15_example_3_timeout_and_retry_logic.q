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
    let data = await fetch_with_retry("https://slow-api.example.com/data")
    puts(data)
end

async.block_on(fun () main() end)
