# not a program: rejected alternative syntax (`<-task`); must stay a syntax error
# Not chosen - channels without async/await
let task = spawn(fun () fetch_user(123) end)
let result = <-task  # Channel receive syntax
