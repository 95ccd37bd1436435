let chan = async.channel()          # Unbounded
let chan = async.channel(capacity: 100)  # Bounded
