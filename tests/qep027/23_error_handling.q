async fun might_fail()
    raise "Something went wrong"
end

async fun handle_error()
    try
        await might_fail()
    catch e
        puts(f"Caught: {e.message()}")
    end
end
