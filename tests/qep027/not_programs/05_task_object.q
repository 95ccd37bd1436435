# not a program: API sketch of the Task type (fields written as `bool: is_finished()`)
type Task
    # Properties
    str?: name                # Task name (if provided)
    int: id                   # Unique task ID
    bool: is_finished()       # Task completed?
    bool: is_cancelled()      # Task was cancelled?

    # Methods
    async fun await()         # Wait for completion, return result
        # Raises if task panicked or was cancelled
    end

    fun cancel()              # Request cancellation
        # Task must check cancellation points
    end

    fun try_unwrap()          # Get result if finished (non-blocking)
        # Returns result or nil if not finished
    end

    fun abort()               # Force-kill task (use sparingly)
        # Immediately terminates task
    end
end
