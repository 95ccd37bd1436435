# not a program: REPL transcript (`quest>` prompts)
quest> async fun test() 42 end
quest> test()  # Error: Cannot call async function without await
quest> await test()  # Error: Cannot await outside async context
quest> async.block_on(fun () test() end)  # OK
42
