# QEP-027 Example 5: Select on Multiple Channels.
# The QEP leaves the usage probes undefined: they are defined here.

use "std/async"

let probes = {cpu: 0, memory: 0, disk: 0}
fun next_usage(kind)
    probes[kind] = probes[kind] + 1
    10 * probes[kind] + {cpu: 1, memory: 2, disk: 3}[kind]
end
fun get_cpu_usage() next_usage("cpu") end
fun get_memory_usage() next_usage("memory") end
fun get_disk_usage() next_usage("disk") end

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
