# not a program: API sketch of the Channel type (`fun try_send(value) → bool`)
type Channel
    int?: capacity            # Bounded capacity (nil = unbounded)

    # Send message (blocks if bounded and full)
    async fun send(value)
        # Raises if channel is closed
    end

    # Try send without blocking
    fun try_send(value) → bool
        # Returns true if sent, false if full/closed
    end

    # Receive message (blocks until available)
    async fun recv() → value or nil
        # Returns nil if channel is closed and empty
    end

    # Try receive without blocking
    fun try_recv() → value or nil
        # Returns nil if empty or closed
    end

    fun close()               # Close channel (no more sends)
    fun is_closed() → bool
end
