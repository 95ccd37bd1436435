# not a program: REPL transcript (`quest>` prompts)
quest> async mode on
quest (async)> await test()
42
