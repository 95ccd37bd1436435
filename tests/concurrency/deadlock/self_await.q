use "std/async"
let me = nil
me = async.spawn(fun () await me end, name: "narcissus")
await me
