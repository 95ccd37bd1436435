use "std/async"

async fun retry_with_backoff(operation)
    let attempt = 0
    while attempt < 5
        try
            return await operation()
        catch e
            attempt = attempt + 1
            if attempt < 5
                let delay = 2 ** attempt  # Exponential backoff
                puts(f"Attempt {attempt} failed, retrying in {delay}s...")
                await async.sleep(delay)
            end
        end
    end
    raise "Max retries exceeded"
end
