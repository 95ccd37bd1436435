# QEP-027 Example 6: Async Database Queries.
# postgresql://localhost/mydb becomes the database in QUEST_DATABASE_URL;
# examples/blog_db_setup.q creates its users and posts tables.

use "std/os"
let DATABASE_URL = os.getenv("QUEST_DATABASE_URL") ?: "postgresql://localhost/mydb"

use "std/async"
use "std/db/postgres"

async fun get_user_with_posts(user_id)
    let db = await postgres.connect(DATABASE_URL)

    # Run queries concurrently
    let user_task = async.spawn(fun ()
        await db.fetch_one("SELECT * FROM users WHERE id = $1", [user_id])
    end)

    let posts_task = async.spawn(fun ()
        await db.fetch_all("SELECT * FROM posts WHERE user_id = $1", [user_id])
    end)

    # Wait for both
    let results = await async.join_all([user_task, posts_task])
    let user = results[0]
    let posts = results[1]

    await db.close()

    {
        "user": user,
        "posts": posts
    }
end

async fun main()
    let data = await get_user_with_posts(123)
    puts(f"User: {data.user.name}")
    puts(f"Posts: {data.posts.len()}")
end

async.block_on(fun () main() end)
