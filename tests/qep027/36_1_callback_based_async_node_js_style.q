# Not chosen - callback hell
fetch_user(123, fun (user)
    fetch_posts(user.id, fun (posts)
        puts(posts)
    end)
end)
