use "std/async"

async fun process_files(files)
    let channel = async.channel()
    let total = files.len()

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
