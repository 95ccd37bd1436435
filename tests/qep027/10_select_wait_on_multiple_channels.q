use "std/async"

async fun handle_messages()
    let chan1 = async.channel()
    let chan2 = async.channel()
    let timeout_chan = async.timeout_channel(5)

    while true
        # Wait for first available message
        let result = await async.select([
            chan1,
            chan2,
            timeout_chan
        ])

        # result = {channel: Channel, value: any, index: Int}
        if result.index == 0
            puts(f"Channel 1: {result.value}")
        elif result.index == 1
            puts(f"Channel 2: {result.value}")
        elif result.index == 2
            puts("Timeout!")
            break
        end
    end
end
