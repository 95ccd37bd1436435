async type AsyncFile
    str: path

    static async fun open(path)
        let file = await open_file_async(path)
        AsyncFile.new(path: path, handle: file)
    end

    async fun _enter()
        self
    end

    async fun _exit()
        await self.close()
    end

    async fun read()
        await read_async(self.handle)
    end
end

# Usage
async with AsyncFile.open("test.txt") as file
    let content = await file.read()
    puts(content)
end
