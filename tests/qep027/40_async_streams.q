use "std/async"

async fun read_lines_async(file)
    let stream = async.stream(fun ()
        let line = await file.readline()
        if line == ""
            nil  # End of stream
        else
            line
        end
    end)

    stream
end

# Usage
async fun process_file()
    let stream = await read_lines_async("large.txt")
    while true
        let line = await stream.next()
        if line == nil
            break
        end
        process(line)
    end
end
