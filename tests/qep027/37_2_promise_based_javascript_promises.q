# Not chosen - verbose chaining
fetch_user(123).then(fun (user)
    fetch_posts(user.id)
end).then(fun (posts)
    puts(posts)
end).catch(fun (err)
    puts(err)
end)
