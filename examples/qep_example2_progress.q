# QEP-027 Example 2: Background Task with Progress Updates.
# The QEP leaves process_file undefined: it is defined here, and the run at the end is added.
# One change to the QEP's code: `total` is a Float (`.to_f64()`). As written,
# `(i + 1) / total` divides two Ints, which in Quest truncates: every update
# but the last would say 0%. With 4 files it prints 25%, 50%, 75%, 100%.

use "std/async"

fun process_file(file)
    file.upper()
end

async fun process_files(files)
    let channel = async.channel()
    let total = files.len().to_f64()

    # Spawn background processor
    let task = async.spawn(fun ()
        let i = 0
        while i < files.len()
            let file = files[i]
            process_file(file)

            # Send progress update
            await channel.send({
                "file": file,
                "progress": (i + 1) / total
            })

            i = i + 1
        end
        channel.close()
        "Done!"
    end)

    # Monitor progress
    while true
        let update = await channel.recv()
        if update == nil
            break
        end
        puts(f"Processed {update.file} ({update.progress * 100}%)")
    end

    # Wait for completion
    let result = await task
    puts(result)
end

async.block_on(fun () process_files(["a.txt", "b.txt", "c.txt", "d.txt"]) end)
