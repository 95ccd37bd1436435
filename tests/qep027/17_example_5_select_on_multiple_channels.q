use "std/async"

async fun monitor_system()
    let cpu_chan = async.channel()
    let memory_chan = async.channel()
    let disk_chan = async.channel()

    # Spawn monitors
    async.spawn(fun ()
        while true
            await async.sleep(1)
            let usage = get_cpu_usage()
            await cpu_chan.send({"type": "cpu", "value": usage})
        end
    end)

    async.spawn(fun ()
        while true
            await async.sleep(2)
            let usage = get_memory_usage()
            await memory_chan.send({"type": "memory", "value": usage})
        end
    end)

    async.spawn(fun ()
        while true
            await async.sleep(5)
            let usage = get_disk_usage()
            await disk_chan.send({"type": "disk", "value": usage})
        end
    end)

    # Monitor all channels
    let count = 0
    while count < 20
        let msg = await async.select([cpu_chan, memory_chan, disk_chan])
        puts(f"{msg.value.type}: {msg.value.value}%")
        count = count + 1
    end
end

async.block_on(fun () monitor_system() end)
